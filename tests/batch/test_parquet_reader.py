"""Parquet chunks read by Polars' own reader where the file's types allow it and the setting asks
(``AMPARO_BATCH_PARQUET_READER=polars``; ``batch.parquet_input._read_by_polars``): the same
frames as Arrow's reader and its conversion give, and Arrow's reading (its checks and errors)
wherever Polars does not read a chunk; Arrow's by default."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from spoiled_text import SPOILED, spoilable, write_spoiled

from amparo.batch import parquet_input
from amparo.batch.parquet_input import parquet_chunks
from amparo.batch.synth import write_documents
from amparo.rules.us import US_PACK


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("reader") / "synthetic.parquet"
    write_documents(1_000, 14, path, US_PACK)
    return pl.read_parquet(path)


def _spied(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each chunk was read by Polars (True) or left to Arrow (False)."""
    calls: list[bool] = []
    original = parquet_input._polars_chunk

    def spy(*args: Any) -> Any:
        chunk = original(*args)
        calls.append(chunk is not None)
        return chunk

    monkeypatch.setattr(parquet_input, "_polars_chunk", spy)
    return calls


def _by_arrow(path: Path, size: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as patched:
        patched.setattr(parquet_input, "_read_by_polars", lambda *_: False)
        return list(parquet_chunks(path, size, "polars"))


@pytest.mark.parametrize("name", ["encounters.parquet", "[1] _x.parquet", "000000_0"])
def test_polars_reads_the_forms_chunks_as_arrow_does(
    synthetic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = tmp_path / name
    synthetic.write_parquet(path, row_group_size=150)
    calls = _spied(monkeypatch)
    chunks = list(parquet_chunks(path, 200, "polars"))
    assert calls and all(calls)  # every chunk read by Polars
    expected = _by_arrow(path, 200, monkeypatch)
    assert [c.height for c in chunks] == [c.height for c in expected]
    for chunk, arrow in zip(chunks, expected, strict=True):
        assert chunk.refused == arrow.refused == {}
        assert chunk.frame.schema == arrow.frame.schema
        assert chunk.frame.equals(arrow.frame)
    assert pl.concat([c.frame for c in chunks]).equals(synthetic)


def test_a_chunk_polars_refuses_is_read_by_arrow_with_its_rows_refused(
    synthetic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_spoiled(spoilable(synthetic), tmp_path / "spoiled.parquet", row_group_size=100)
    calls = _spied(monkeypatch)
    chunks = list(parquet_chunks(path, 100, "polars"))
    # Rows 3, 5 and 9 spoil the first chunk, 140 and 141 the second: Polars refuses their text.
    assert calls == [False, False, True]
    refused = {
        start + row for start, chunk in zip((0, 100, 200), chunks, strict=True) for row in chunk.refused
    }
    assert refused == set(SPOILED)
    assert sum(chunk.height for chunk in chunks) == 300


def _written(tmp_path: Path, column: Any, name: str = "t.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(pa.table({"id": pa.array(["a", "b"]), "x": column}), path)
    return path


@pytest.mark.parametrize(
    ("column", "polars_reads"),
    [
        (pa.array([1, 2], pa.int32()), True),
        (pa.array([dt.datetime(2024, 1, 1)] * 2, pa.timestamp("us")), True),
        (pa.array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 2, pa.timestamp("ms", "UTC")), True),
        (pa.array([["MX"], None], pa.list_(pa.string())), True),
        (pa.array(["a", "b"]).dictionary_encode(), False),
        (pa.array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 2, pa.timestamp("us", "+05:30")), False),
        (
            pa.array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 2, pa.timestamp("us", "America/New_York")),
            False,
        ),
        (pa.array([b"a", b"b"], pa.binary()), False),
        (pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())), False),
        (pa.array([1, 2], pa.decimal128(5, 2)), False),
    ],
    ids=lambda v: str(getattr(v, "type", v)),
)
def test_other_types_are_read_by_arrow(tmp_path: Path, column: Any, polars_reads: bool) -> None:
    path = _written(tmp_path, column)
    assert parquet_input._read_by_polars(path, pq.ParquetFile(path)) is polars_reads


def _nulled(node: Any, rnd: random.Random) -> None:
    """Null about one value in ten at every level of ``node`` (fields, list items)."""
    if isinstance(node, dict):
        for key in list(node):
            if rnd.random() < 0.08:
                node[key] = None
            else:
                _nulled(node[key], rnd)
    elif isinstance(node, list):
        for i in range(len(node)):
            if rnd.random() < 0.1:
                node[i] = None
            else:
                _nulled(node[i], rnd)


@pytest.mark.parametrize("writer", ["arrow", "arrow-v1-plain", "polars"])
def test_nulls_at_every_level_are_read_alike(
    synthetic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """A null struct, a struct of nulls, a null or empty list and a null item stay what they
    are (``_vouched`` and the one-by-one documents tell them apart)."""
    rnd = random.Random(3)
    rows = synthetic.to_dicts()
    for row in rows:
        _nulled(row, rnd)
        for name in ("place", "person", "family", "documents", "findings", "route", "fear_claims"):
            if rnd.random() < 0.05:
                row[name] = [] if name in ("route", "fear_claims") and rnd.random() < 0.5 else None
    table = pa.Table.from_pylist(rows, schema=synthetic.to_arrow().schema)
    path = tmp_path / "nulls.parquet"
    if writer == "polars":
        pl.from_arrow(table).write_parquet(path, row_group_size=300)
    elif writer == "arrow":
        pq.write_table(table, path, row_group_size=300)
    else:
        pq.write_table(
            table, path, row_group_size=300, version="1.0", data_page_version="1.0", use_dictionary=False
        )
    calls = _spied(monkeypatch)
    chunks = list(parquet_chunks(path, 300, "polars"))
    assert calls and all(calls)
    expected = _by_arrow(path, 300, monkeypatch)
    assert len(chunks) == len(expected)
    for chunk, arrow in zip(chunks, expected, strict=True):
        assert chunk.frame.equals(arrow.frame)


def test_arrow_reads_by_default_and_the_setting_asks_polars(
    synthetic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amparo.cli import main

    path = tmp_path / "encounters.parquet"
    synthetic.write_parquet(path, row_group_size=400)
    calls = _spied(monkeypatch)
    assert [c.height for c in parquet_chunks(path, 400)] == [400, 400, 200] and calls == []
    outputs = []
    for reader in ("arrow", "polars"):
        monkeypatch.setenv("AMPARO_BATCH_PARQUET_READER", reader)
        out = tmp_path / f"{reader}.parquet"
        with pytest.raises(SystemExit) as ended:
            main(["screen", "--batch", str(path), "--out", str(out)])
        assert ended.value.code in (0, 2)
        outputs.append(pl.read_parquet(out))
        with pytest.raises(SystemExit):
            main(["impact", str(path), "--before", "2019-01-01", "--after", "2024-12-01", "--json"])
    assert calls and all(calls)  # the second run of each command: every chunk by Polars
    assert outputs[0].equals(outputs[1])


def test_a_zone_polars_does_not_read_is_not_shown_to_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Polars panics on some zones (``+05:30``), printing Rust's words on standard error: such a
    file is read by Arrow without Polars looking at it (its instants in UTC, as before)."""
    column = pa.array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 2, pa.timestamp("us", "+05:30"))
    path = _written(tmp_path, column)
    chunks = list(parquet_chunks(path, 200, "polars"))
    assert chunks[0].frame["x"].dtype == pl.Datetime("us", "UTC")
    assert "panicked" not in capfd.readouterr().err
