"""Lines and frames the batch evaluator read otherwise than the single one, found by fuzzing invalid
and borderline input (twenty-first round): each gives the row ``amparo screen`` gives it, or the
error row ``screen --batch`` documents, and never stops the batch."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import as_json, single_row
from typer.testing import CliRunner

from amparo.batch.files import screen_file
from amparo.batch.runner import BatchScreener
from amparo.cli import build_app
from amparo.engine.registry import PackRegistry
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK
from amparo.screening.inputs import error_object, read_before, read_items

REGISTRY = PackRegistry([US_PACK, EU_PACK], default="us")
GOOD = {
    "schema": "amparo/encounter@1",
    "id": "A-1",
    "encountered_on": "2019-05-20",
    "place": {
        "border": "southwest_land",
        "manner": "port_of_entry",
        "location": "San Ysidro",
        "state": "CA",
        "arrived_from": "MX",
    },
    "person": {"nationalities": ["MX"], "age": 34, "sex": "F"},
    "route": [],
    "fear_claims": [],
}


def _line(**change: Any) -> bytes:
    return json.dumps({**GOOD, **change}).encode()


def _batch(data: bytes, tmp_path: Path, name: str = "in.jsonl", **kwargs: Any) -> list[dict[str, Any]]:
    source, out = tmp_path / name, tmp_path / "out.jsonl"
    source.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0, **kwargs)
    return [json.loads(line) for line in out.read_text().split("\n") if line]


def _single(text: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """What ``amparo screen --json [--as-of]`` gives each document of ``text``, in the batch's row terms."""
    _, items = read_items(text, source="in.jsonl")
    rows = []
    for item in items:
        error = item.error or read_before(item.document, REGISTRY, as_of)
        rows.append(
            error_object(error, item.document) if error else single_row(item.document, REGISTRY, as_of=as_of)
        )
    return as_json(rows)


def _same(batch: list[dict[str, Any]], single: list[dict[str, Any]]) -> None:
    assert len(batch) == len(single)
    for got, expected in zip(batch, single, strict=True):
        assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])
def test_a_surrogate_written_in_bytes_is_a_line_not_utf8(tmp_path: Path, name: str) -> None:
    bad = _line(id="B-2").replace(b'"B-2"', b'"B-2\xed\xa0\x80"')
    rows = _batch(_line() + b"\n" + bad + b"\n" + _line(id="C-3") + b"\n", tmp_path, name)
    assert [r["encounter_id"] for r in rows] == ["A-1", None, "C-3"]
    assert rows[1]["error"]["errors"][0]["message"].startswith("line 2 is not UTF-8 text (byte 0xed at byte")


@pytest.mark.parametrize("where", ["route", "place", "extensions"])
def test_a_byte_that_is_not_utf8_in_a_nested_name_is_a_line_not_utf8(tmp_path: Path, where: str) -> None:
    nested = {
        "route": {"route": [{"country": "MX", "prot\udcffection_claim": "none"}]},
        "place": {"place": {**GOOD["place"], "not\udcffe": 1}},  # type: ignore[dict-item]
        "extensions": {"extensions": {"a": {"b\udcff": 1}}},
    }[where]
    bad = json.dumps({**GOOD, **nested}, ensure_ascii=False).encode("utf-8", "surrogateescape")
    rows = _batch(_line() + b"\n" + bad + b"\n", tmp_path)
    assert rows[0]["encounter_id"] == "A-1" and "error" not in rows[0]
    assert rows[1]["error"]["errors"][0]["message"].startswith("line 2 is not UTF-8 text (byte 0xff")


@pytest.mark.parametrize("depth", [850, 5_000, 50_000])
def test_lines_nested_hundreds_deep_are_read_as_amparo_screen_reads_them(tmp_path: Path, depth: int) -> None:
    """850 levels in ``extensions``: a decision (it ended the process with a segmentation fault in
    Polars); 50,000: too deep for the standard library, an error row (Arrow's reader crashed)."""
    deep = "[" * depth + "1" + "]" * depth
    text = (
        json.dumps(GOOD)
        + "\n"
        + json.dumps({**GOOD, "id": "B-2"})[:-1]
        + f', "extensions": {{"x": {deep}}}}}\n'
    )
    rows = _batch(text.encode(), tmp_path)
    _same(rows, _single(text))
    array = f"[{json.dumps(GOOD)},\n" + text.splitlines()[1] + "]"
    _same(_batch(array.encode(), tmp_path, "in.json"), _single(array))


def test_a_byte_order_mark_before_a_line_is_refused_whatever_the_line_holds(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    data = _line() + b"\n" + bom + _line(id="B-2") + b"\n" + bom + _line(id="B-1234567890123456789") + b"\n"
    rows = _batch(data, tmp_path)
    _same(rows, _single(data.decode("utf-8")))
    assert [r["encounter_id"] for r in rows] == ["A-1", None, None]


def test_blank_lines_and_line_ends_are_json_lines_own(tmp_path: Path) -> None:
    """A line of U+00A0 is not blank (it is not JSON's space); U+2028 in a string ends no line."""
    for odd in ("\u00a0", "\u3000", "\x1c", "\x0b"):
        text = json.dumps(GOOD) + "\n" + odd + "\n" + json.dumps({**GOOD, "id": "A-2"}) + "\n"
        rows = _batch(text.encode(), tmp_path)
        _same(rows, _single(text))
        assert [r["encounter_id"] for r in rows] == ["A-1", None, "A-2"]
    text = json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "B-\u20282"}, ensure_ascii=False) + "\n{bad\n"
    rows = _batch(text.encode(), tmp_path)
    _same(rows, _single(text))
    assert [r["encounter_id"] for r in rows] == ["A-1", "B-\u20282", None]
    assert rows[2]["error"]["errors"][0]["message"].startswith("line 3 is not valid JSON")


def test_a_line_that_is_not_json_is_said_in_amparo_screens_words(tmp_path: Path) -> None:
    text = "\n".join(
        [
            json.dumps(GOOD),
            json.dumps({**GOOD, "person": {**GOOD["person"], "age": float("nan")}}),  # type: ignore[dict-item]
            '{"id": "x",}',
            '{"id": "\\ud800"}',
            "[1,2",
        ]
    )
    rows = _batch(text.encode(), tmp_path)
    _same(rows, _single(text))
    assert "NaN is not a JSON value" in rows[1]["error"]["errors"][0]["message"]


def test_as_of_before_the_documents_own_day_is_refused_as_amparo_screen_refuses_it(tmp_path: Path) -> None:
    import random

    from eu_applications import eu_application

    eu = eu_application(random.Random(3), 0)
    documents = [GOOD, {**GOOD, "id": "A-2", "encountered_on": "2024-06-20"}, eu]
    text = "\n".join(json.dumps(d) for d in documents) + "\n"
    for on in (dt.date(2024, 6, 19), dt.date(2024, 6, 20), dt.date(2019, 5, 19)):
        rows = _batch(text.encode(), tmp_path, as_of=on, refuse_read_before=True)
        _same(rows, _single(text, on))
        refused = [r["encounter_id"] for r in rows if "error" in r]
        assert refused == [
            d["id"] for d in documents if str(d.get("encountered_on", d.get("lodged_on"))) > str(on)
        ]
    # and from the command line
    out = tmp_path / "cli.jsonl"
    command = ["screen", "--batch", str(tmp_path / "in.jsonl"), "--out", str(out), "--as-of", "2024-06-19"]
    assert CliRunner().invoke(build_app(), command).exit_code == 2
    cli = [json.loads(line) for line in out.read_text().splitlines()]
    _same(cli, _single(text, dt.date(2024, 6, 19)))
    assert cli[1]["error"]["errors"] == [
        {
            "path": "--as-of",
            "message": "2024-06-19 is before the day the document records (2024-06-20); "
            "the law is read on or after it",
        }
    ]
    # impact reads every document on any date, as screen() does: the batch screener refuses only when asked
    frame = pl.DataFrame([documents[1]]).with_columns(pl.col("encountered_on").str.to_date())
    assert BatchScreener(US_PACK, as_of=dt.date(2019, 6, 1)).screen_frame(frame)["error"].is_null().all()


def test_an_application_registered_before_it_was_lodged_is_read_on_its_registration_day(
    tmp_path: Path,
) -> None:
    """Twenty-seventh round (a tester): the EU pack reads an application on its registration day
    (spec/eu section 2), which may precede the day it was lodged; ``--as-of`` that very day was
    refused as before the document's day (the day lodged), by both evaluators."""
    application = {
        "schema": "amparo/eu-application@1",
        "id": "REG-EARLIER",
        "lodged_in": "DE",
        "lodged_on": "2026-07-10",
        "registered_on": "2026-06-30",
        "applicant": {"nationality": "SY"},
    }
    text = json.dumps(application) + "\n"
    for on, refused in (
        (dt.date(2026, 6, 30), False),
        (dt.date(2026, 7, 5), False),
        (dt.date(2026, 6, 29), True),
    ):
        rows = _batch(text.encode(), tmp_path, as_of=on, refuse_read_before=True)
        _same(rows, _single(text, on))
        assert ("error" in rows[0]) is refused, (on, rows[0])
        if refused:
            assert rows[0]["error"]["errors"][0]["message"].startswith(
                "2026-06-29 is before the day the document records (2026-06-30)"
            )
        else:
            assert rows[0]["as_of"] == on.isoformat()


def test_a_schema_column_that_is_not_text_names_no_pack(tmp_path: Path) -> None:
    frame = pl.DataFrame([{**GOOD, "encountered_on": dt.date(2019, 5, 20)}] * 2).with_columns(
        pl.Series("schema", [1, None], dtype=pl.Int64)
    )
    rows = BatchScreener(REGISTRY, verify_sample=0).screen_frame(frame).to_dicts()
    single = {**GOOD, "schema": 1}
    assert rows[0]["error"] == single_row(single, REGISTRY)["error"]
    assert "no installed law pack reads 1" in rows[0]["error"]["errors"][0]["message"]
    assert rows[1]["error"] is None and rows[1]["pack"] == "us"


@pytest.mark.parametrize(
    ("zone", "instant"),
    [
        ("America/New_York", dt.datetime(1, 1, 1, tzinfo=dt.UTC)),
        ("Asia/Tokyo", dt.datetime(9999, 12, 31, 20, tzinfo=dt.UTC)),
    ],
)
def test_an_instant_in_a_zone_past_the_calendar_there_is_read_in_utc(zone: str, instant: dt.datetime) -> None:
    frame = pl.DataFrame(
        [{**GOOD, "encountered_on": dt.date(2019, 5, 20)}], schema=dict(US_PACK.document_schema())
    )
    frame = frame.with_columns(
        pl.Series("encountered_at", [instant], dtype=pl.Datetime("us", "UTC")).dt.convert_time_zone(zone)
    )
    rows = BatchScreener(REGISTRY, verify_sample=0).screen_frame(frame).to_dicts()
    document = {**GOOD, "encountered_at": instant.isoformat().replace("+00:00", "Z")}
    expected = single_row(document, REGISTRY)
    assert {k: rows[0].get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("ages", "kind"),
    [([float("nan"), 1e300], "float64"), ([float("inf"), 2.0**63], "float64"), ([17.5, 27.0], "float16")],
)
def test_ages_in_a_float_column_are_whole_or_read_one_by_one(
    tmp_path: Path, ages: list[float], kind: str
) -> None:
    """NaN beside a value past 64 bits in one chunk kept its mark (it lost it when the cast of the
    rest failed); a half-precision 17.5 is not whole (its floor compared equal to it)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = {k: v for k, v in GOOD.items() if k not in ("route", "fear_claims")}  # no list of nulls
    documents = [{**plain, "id": f"F-{i}", "encountered_on": dt.date(2019, 5, 20)} for i in range(len(ages))]
    table = pa.Table.from_pylist(documents)
    person = table.column("person").combine_chunks()
    age = pa.array(np.array(ages, dtype=kind))
    nationalities = person.field("nationalities")
    table = table.set_column(
        table.schema.get_field_index("person"),
        "person",
        pa.StructArray.from_arrays(
            [nationalities, person.field("sex"), age], ["nationalities", "sex", "age"]
        ),
    )
    source, out = tmp_path / "ages.parquet", tmp_path / "out.jsonl"
    pq.write_table(table, source)
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    singles = [
        {**plain, "id": d["id"], "person": {**GOOD["person"], "age": a}}  # type: ignore[dict-item]
        for d, a in zip(documents, ages, strict=True)
    ]
    _same(rows, as_json([single_row(d, REGISTRY) for d in singles]))
    assert "error" in rows[0]


def test_a_parquet_row_wrapped_as_the_specs_examples_is_told_so_as_a_json_line_is(tmp_path: Path) -> None:
    """Fuzzing (twenty-fourth round): a Parquet row holding the document under ``encounter`` (the
    spec's example format) listed every missing field; the same JSON line says it is wrapped."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    wrapped = {"encounter": {key: GOOD[key] for key in ("id", "encountered_on", "place", "person")}}
    lines, table = tmp_path / "in.jsonl", tmp_path / "in.parquet"
    lines.write_text(json.dumps(wrapped) + "\n")
    pq.write_table(pa.Table.from_struct_array(pa.array([wrapped])), table)
    rows = {}
    for source in (lines, table):
        out = tmp_path / f"{source.suffix[1:]}.jsonl"
        screen_file(source, out, REGISTRY)
        rows[source.suffix] = json.loads(out.read_text())
    assert rows[".parquet"] == rows[".jsonl"]
    assert [e["path"] for e in rows[".parquet"]["error"]["errors"]] == ["/encounter"]
