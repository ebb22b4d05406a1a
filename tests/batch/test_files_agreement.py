"""Documents at the edges of encounter v1 (``unusual_documents``), written to the files a user
gives ``amparo screen --batch`` — JSON Lines (read by Arrow in columns, the lines it cannot take
read one by one) and Parquet (written by pyarrow from the same documents) — give, row by row,
the single evaluator's summary, flags or error, whatever the date the law is read on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from agreement import as_json, single_row
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unusual_documents import unusual_encounters

from amparo.batch.columns import documents_of
from amparo.batch.files import screen_file
from amparo.engine.registry import PackRegistry
from amparo.rules.us import US_PACK

REGISTRY = PackRegistry([US_PACK])
READ_ON = st.sampled_from([None, dt.date(2019, 7, 16), dt.date(2020, 1, 10), dt.date(2024, 6, 5)])
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))


def _screened(source: Path, as_of: dt.date | None) -> list[dict[str, Any]]:
    out = source.with_name("out.parquet")
    screen_file(source, out, REGISTRY, as_of=as_of, workers=2, verify_sample=0)
    rows: list[dict[str, Any]] = pl.read_parquet(out).to_dicts()
    return rows


def _disagreements(documents: list[dict[str, Any]], rows: list[dict[str, Any]], as_of: Any) -> list[Any]:
    assert len(rows) == len(documents)
    out = []
    for document, row in zip(documents, rows, strict=True):
        expected = single_row(document, REGISTRY, as_of=as_of)
        if {k: row[k] for k in expected} != expected:
            out.append((document, expected, row))
    return out


@SETTINGS
@given(st.lists(unusual_encounters(), min_size=1, max_size=30), READ_ON, st.booleans())
def test_json_lines_agree_with_the_single_evaluator(
    tmp_path_factory: pytest.TempPathFactory, documents: list[dict[str, Any]], as_of: Any, ascii_only: bool
) -> None:
    source = tmp_path_factory.mktemp("lines") / "in.jsonl"
    source.write_text(
        "".join(json.dumps(d, ensure_ascii=ascii_only) + "\n" for d in documents), encoding="utf-8"
    )
    assert _disagreements(documents, _screened(source, as_of), as_of) == []


@SETTINGS
@given(st.lists(unusual_encounters(), min_size=1, max_size=30), READ_ON)
def test_parquet_written_by_pyarrow_agrees_with_the_single_evaluator(
    tmp_path_factory: pytest.TempPathFactory, documents: list[dict[str, Any]], as_of: Any
) -> None:
    # Parquet holds no empty object (a struct of no field) and one type a column: such parts left out.
    documents = [{k: v for k, v in d.items() if v != {} and k != "extensions"} for d in documents]
    source = tmp_path_factory.mktemp("parquet") / "in.parquet"
    pq.write_table(pa.Table.from_struct_array(pa.array(documents)), source)
    assert _disagreements(documents, _screened(source, as_of), as_of) == []


@pytest.mark.parametrize("decimal", [pl.Decimal(20, 0), pl.Decimal(10, 2)])
def test_a_decimal_column_is_read_as_json_reads_that_number(
    synthetic: Any, tmp_path: Path, decimal: Any
) -> None:
    """A decimal (as an unsigned 64-bit column reaches Spark, or a Parquet file a database wrote)
    holding an age: ``20`` and ``20.00`` are the whole number 20, as in JSON; ``20.50`` is refused
    as a number that is not whole. Every such row was an error row (``expected a whole number``)."""
    frame = synthetic.head(400)
    documents = as_json(documents_of(frame, [US_PACK]))
    ages = [d["person"].get("age") for d in documents]
    half = decimal.scale > 0 and [i for i, age in enumerate(ages) if age is not None][:3]
    for i in half or []:
        documents[i]["person"]["age"] = ages[i] + 0.5
    age = pl.col("person").struct.field("age")
    if half:
        age = pl.when(pl.int_range(pl.len()).is_in(half)).then(age.cast(pl.Float64) + 0.5).otherwise(age)
    source = tmp_path / "in.parquet"
    frame.with_columns(pl.col("person").struct.with_fields(age.cast(decimal).alias("age"))).write_parquet(
        source
    )
    assert pl.read_parquet(source).schema["person"].to_schema()["age"] == decimal
    rows = _screened(source, None)
    assert _disagreements(documents, rows, None) == []
    errors = [row["error"]["errors"][0]["path"] for row in rows if row["error"]]
    assert errors == (["/person/age"] * 3 if half else [])
    assert sum(age is not None for age in ages) > 20
