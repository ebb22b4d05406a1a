"""Parquet columns of other types than a pack's columnar form, read as the documents they stand
for, by ``screen --batch`` and ``impact`` alike (found by a helper fuzzing ``impact`` and
``--as-of`` against the single evaluator, twenty-second round)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from agreement import as_json, single_row
from eu_applications import eu_application
from typer.testing import CliRunner

from amparo.batch.files import screen_file
from amparo.cli import build_app
from amparo.engine.registry import PackRegistry
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK

REGISTRY = PackRegistry([US_PACK, EU_PACK], default="us")
_DATES = ("lodged_on", "registered_on")


def _typed(value: Any) -> Any:
    """``value`` with its dates (``YYYY-MM-DD`` text of a date field) as ``datetime.date``."""
    if isinstance(value, dict):
        return {
            k: dt.date.fromisoformat(v) if (k in _DATES or k == "on") and isinstance(v, str) else _typed(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return value


def _is_day(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value is None  # absent: stays absent; a day that is not one: left out of this test
    return True


def test_eu_applications_with_date_columns_are_read_as_their_text(tmp_path: Path) -> None:
    """An application whose dates are a Parquet DATE (a typed column, as US rows have) was an error
    row (``/lodged_on: expected a date written YYYY-MM-DD``): every one of them, 306 in 1,000."""
    rng = random.Random(22)
    documents = [eu_application(rng, i) for i in range(120)]
    documents = [d for d in documents if all(_is_day(d.get(k)) for k in _DATES)]
    typed = [_typed(d) for d in documents]
    source = tmp_path / "typed.parquet"
    pq.write_table(pa.Table.from_struct_array(pa.array(typed)), source)  # every row's fields
    assert pa.types.is_date32(pq.read_schema(source).field("lodged_on").type)
    out = tmp_path / "out.parquet"
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0)
    rows = pl.read_parquet(out).to_dicts()
    expected = [single_row(d, REGISTRY) for d in documents]
    assert [{k: row[k] for k in e} for row, e in zip(rows, expected, strict=True)] == expected
    assert sum(row["error"] is None for row in rows) > 100


def _encounter() -> dict[str, Any]:
    return {
        "schema": "amparo/encounter@1",
        "id": "E-1",
        "encountered_on": "2024-04-15",
        "encountered_at": "2024-04-15T07:14:12+00:00",
        "adjudicated_on": "2024-05-04",
        "place": {
            "border": "southwest_land",
            "manner": "between_ports",
            "location": "Rio Grande Valley Sector",
            "arrived_from": "MX",
        },
        "person": {"nationalities": ["PE"], "birth_date": "1990-02-20", "sex": "M"},
        "route": [{"country": "MX", "protection_claim": "none"}],
    }


def _with_person_field(table: Any, name: str, array: Any) -> Any:
    person = table.column("person").combine_chunks()
    names = [person.type.field(i).name for i in range(person.type.num_fields)]
    arrays = [array if n == name else person.field(i) for i, n in enumerate(names)]
    rebuilt = pa.StructArray.from_arrays(arrays, names=names)
    return table.set_column(table.column_names.index("person"), "person", rebuilt)


def test_impact_counts_nationality_and_month_of_encoded_columns(tmp_path: Path) -> None:
    """Nationalities as a list of dictionary-encoded text or a fixed-size list, or the day as
    dictionary-encoded text: the row was decided right, but counted under nationality and month
    "unknown" (``nationality``/``month`` null in ``--out``)."""
    plain = pa.Table.from_pylist([_encounter()])
    codes = plain.column("person").combine_chunks().field("nationalities")
    variants = {
        "dictionary": _with_person_field(
            plain, "nationalities", pa.ListArray.from_arrays(codes.offsets, codes.values.dictionary_encode())
        ),
        "fixed": _with_person_field(
            plain, "nationalities", pa.FixedSizeListArray.from_arrays(codes.values, 1)
        ),
        "day": plain.set_column(
            plain.column_names.index("encountered_on"),
            "encountered_on",
            plain.column("encountered_on").combine_chunks().dictionary_encode(),
        ),
    }
    runner = CliRunner()
    for name, table in variants.items():
        source = tmp_path / f"{name}.parquet"
        pq.write_table(table, source)
        result = runner.invoke(
            build_app(), ["impact", str(source), "--before", "2019-01-01", "--after", "2025-08-21", "--json"]
        )
        assert result.exit_code == 0, result.output
        counts = json.loads(result.stdout)
        assert counts["changed"] == 1, name
        assert counts["by_nationality"] == {"PE": 1} and counts["by_month"] == {"2024-04": 1}, name


def test_impact_names_the_first_invalid_rows(tmp_path: Path) -> None:
    """``impact`` counted invalid rows (``8 invalid``) and said nothing of which or why."""
    broken = [_encounter() for _ in range(7)]
    for i, document in enumerate(broken):
        document["id"] = f"E-{i}"
    broken[1]["person"]["nationalities"] = ["XX"]
    broken[4]["encountered_on"] = "2024-02-30"
    source = tmp_path / "e.jsonl"
    lines = [json.dumps(d) for d in broken]
    lines.insert(3, "{not json")
    source.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(
        build_app(), ["impact", str(source), "--before", "2019-01-01", "--after", "2025-08-21", "--json"]
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["invalid"] == 3
    assert [(r["row"], r["encounter_id"], r["path"]) for r in counts["invalid_rows"]] == [
        (2, "E-1", "/person/nationalities/0"),
        (4, None, ""),
        (6, "E-4", "/encountered_on"),
    ]
    assert result.stderr == ""  # --json: the rows are in it
    text = CliRunner().invoke(
        build_app(), ["impact", str(source), "--before", "2019-01-01", "--after", "2025-08-21"]
    )
    assert "3 invalid rows not compared" in text.stderr
    assert "row 2 (E-1): /person/nationalities/0:" in " ".join(text.stderr.split())


def test_lists_of_another_form_are_read_in_columns(synthetic: Any, tmp_path: Path) -> None:
    """A list column not of the form's exact type (a Parquet file written from JSON by Polars: the
    route's fields in the order first seen, a field no row has, text dictionary-encoded, lists all
    empty) sent every row holding one to the single evaluator, 7-9 times slower; its items are
    now conformed as a column of their own."""
    from amparo.batch.columns import conform, documents_of

    frame = synthetic.head(2000)
    route = pl.element().struct
    variants = {
        "order": pl.col("route").list.eval(
            pl.struct(route.field("country"), route.field("protection_claim"), route.field("entered_on"))
        ),
        "missing": pl.col("route").list.eval(
            pl.struct(route.field("protection_claim"), route.field("country"))
        ),
        "dictionary": pl.col("person").struct.with_fields(
            pl.col("person")
            .struct.field("nationalities")
            .cast(pl.List(pl.Categorical))
            .alias("nationalities")
        ),
    }
    schema = dict(US_PACK.document_schema())
    for name, change in variants.items():
        changed = frame.with_columns(change.alias("route" if name != "dictionary" else "person"))
        _, suspect = conform(changed, schema)
        assert not suspect.any(), name
        source, out = tmp_path / f"{name}.parquet", tmp_path / f"{name}-out.parquet"
        changed.write_parquet(source)
        screen_file(source, out, REGISTRY, progress=False, verify_sample=0)
        documents = as_json(documents_of(pl.read_parquet(source), [US_PACK]))
        rows = pl.read_parquet(out).to_dicts()
        expected = [single_row(d, REGISTRY) for d in documents[:300]]
        assert [{k: row[k] for k in e} for row, e in zip(rows, expected, strict=False)] == expected, name
    empty = pl.DataFrame({"members": [[], [], None]}, schema={"members": pl.List(pl.Null)})
    kept, suspect = conform(empty, {"members": pl.List(pl.String)})
    assert kept["members"].to_list() == [[], [], None] and not suspect.any()
    extra = pl.DataFrame({"route": [[{"country": "MX", "x": 1}], [{"country": "GT", "x": None}]]})
    _, suspect = conform(extra, {"route": schema["route"]})
    assert suspect.to_list() == [True, False]  # a field the form does not have: one by one
