"""Text in a Parquet input that is not UTF-8: pyarrow and Polars read it unchecked, so each chunk
is checked as it is read; a row holding such text is an error row naming its field, never screened
from garbled columns nor a crash, and every other row is screened as it would be alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from agreement import as_json, single_row
from hypothesis import given, settings
from hypothesis import strategies as st
from spoiled_text import SPOILED, expected_errors, spoilable, write_spoiled
from typer.testing import CliRunner

from amparo.batch.arrow_text import utf8_faults
from amparo.batch.columns import documents_of
from amparo.batch.files import parquet_chunks
from amparo.cli import build_app
from amparo.errors import FieldError
from amparo.rules.us import US_PACK

RUNNER = CliRunner()


def _run(*args: str) -> Any:
    return RUNNER.invoke(build_app(), list(args))


@pytest.fixture(scope="module")
def frame(synthetic: Any) -> Any:
    return spoilable(synthetic)


@pytest.mark.parametrize(
    ("group", "chunk", "out_name"),
    [(None, None, "out.jsonl"), (40, 100, "out.parquet"), (None, 60, "out.jsonl")],
)
def test_rows_whose_text_is_not_utf8_are_error_rows_and_the_rest_is_screened(
    frame: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    group: int | None,
    chunk: int | None,
    out_name: str,
) -> None:
    """Such a row was screened from its bytes; the one-by-one reading and a JSON Lines output then
    stopped with a Rust panic (``PyObject pointer is null``). Read whole, in chunks of row groups,
    and in slices of one large row group."""
    if chunk:
        monkeypatch.setattr("amparo.batch.files.PARQUET_CHUNK", chunk)
    source = write_spoiled(frame, tmp_path / "in.parquet", group)
    out = tmp_path / out_name
    result = _run("screen", "--batch", str(source), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"{len(SPOILED)} invalid" in " ".join(result.output.split())
    rows = (
        as_json(pl.read_parquet(out).to_dicts())
        if out.suffix == ".parquet"
        else [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    )
    assert len(rows) == frame.height
    errors = {i: r["error"]["errors"] for i, r in enumerate(rows) if r.get("error")}
    assert errors == {row: [error] for row, error in expected_errors().items()}
    ids = frame["id"].to_list()
    assert {i: rows[i]["encounter_id"] for i in errors} == {i: None if i == 3 else ids[i] for i in errors}
    documents = as_json(documents_of(frame))
    for i in set(range(frame.height)) - set(SPOILED):
        expected = as_json([single_row(documents[i], US_PACK)])[0]
        assert {k: rows[i].get(k) for k in expected} == expected, i


@pytest.mark.parametrize("out_name", [None, "changed.jsonl", "changed.parquet"])
def test_impact_counts_such_rows_invalid(frame: Any, tmp_path: Path, out_name: str | None) -> None:
    source = write_spoiled(frame, tmp_path / "in.parquet", 70)
    clean = tmp_path / "clean.parquet"
    frame.filter(~pl.int_range(frame.height).is_in(list(SPOILED))).write_parquet(clean)
    dates = ["--before", "2024-01-01", "--after", "2024-12-01", "--json"]
    extra = ["--out", str(tmp_path / out_name)] if out_name else []
    result = _run("impact", str(source), *dates, *extra)
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    alone = json.loads(_run("impact", str(clean), *dates).output)
    assert counts["screened"] == frame.height and counts["invalid"] == len(SPOILED)
    assert {k: counts[k] for k in ("changed", "by_key")} == {k: alone[k] for k in ("changed", "by_key")}


def test_chunks_hold_the_rows_read_and_those_refused_in_place(frame: Any, tmp_path: Path) -> None:
    source = write_spoiled(frame, tmp_path / "in.parquet", 50)
    chunks = list(parquet_chunks(source, 100))
    assert [c.height for c in chunks] == [100, 100, 100]
    assert [sorted(c.refused) for c in chunks] == [[3, 5, 9], [40, 41], []]
    assert pl.concat([c.frame for c in chunks]).equals(
        frame.filter(~pl.int_range(frame.height).is_in(list(SPOILED)))
    )


# ------------------------------------------------------------------------------------------------
# utf8_faults, on Arrow arrays built with text that is not UTF-8 (a binary array viewed as text)


def _text(values: list[bytes | None], kind: Any = None) -> Any:
    binary = {pa.large_string(): pa.large_binary(), pa.string_view(): pa.binary_view()}.get(kind, pa.binary())
    return pa.array(values, binary).view(kind or pa.string())


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.string_view()])
def test_each_kind_of_text_array_and_a_slice_of_one(kind: Any) -> None:
    names = _text([b"ana", b"jos\xc3\xa9", b"\xc3", None, b"ok\xffok"], kind)
    table = pa.table({"given_names": names})
    assert utf8_faults(table) == {
        2: [FieldError("/given_names", "not UTF-8 text (byte 0xc3 at byte 1)")],
        4: [FieldError("/given_names", "not UTF-8 text (byte 0xff at byte 3)")],
    }
    assert utf8_faults(pa.table({"given_names": names.slice(3)})) == {
        1: [FieldError("/given_names", "not UTF-8 text (byte 0xff at byte 3)")]
    }
    assert utf8_faults(pa.table({"given_names": names.slice(0, 2)})) == {}


def test_lists_in_structs_in_lists_a_dictionary_and_chunks_give_each_row_and_path() -> None:
    basis = pa.ListArray.from_arrays(
        pa.array([0, 1, 3, 3, 4], pa.int32()), _text([b"a", b"b", b"\xfe", b"d"])
    )
    claims = pa.StructArray.from_arrays(
        [_text([b"GTM", b"MEX", None, b"H\x80N"]), basis], ["country", "basis"]
    )
    # rows: 0 -> [claim 0], 1 -> [], 2 -> None, 3 -> [claim 1, claim 2, claim 3]
    fear = pa.ListArray.from_arrays(
        pa.array([0, 1, 1, 1, 4], pa.int32()), claims, mask=pa.array([False, False, True, False])
    )
    sex = pa.DictionaryArray.from_arrays(pa.array([0, 1, 1, 0], pa.int8()), _text([b"F", b"\xe9"]))
    first = pa.table({"fear_claims": fear, "sex": sex})
    second = pa.table({"fear_claims": fear.slice(3), "sex": sex.slice(3)})
    table = pa.concat_tables([first, second])
    assert table.column("sex").num_chunks == 2
    row_of_three_claims = [  # in the document's order, whichever text array is read first
        FieldError("/fear_claims/0/basis/1", "not UTF-8 text (byte 0xfe at byte 1)"),
        FieldError("/fear_claims/2/country", "not UTF-8 text (byte 0x80 at byte 2)"),
    ]
    assert utf8_faults(table) == {
        1: [FieldError("/sex", "not UTF-8 text (byte 0xe9 at byte 1)")],
        2: [FieldError("/sex", "not UTF-8 text (byte 0xe9 at byte 1)")],
        3: row_of_three_claims,
        4: row_of_three_claims,
    }


def test_a_field_name_is_escaped_in_its_path() -> None:
    table = pa.table({"a/b~c": _text([b"\xff"])})
    assert utf8_faults(table) == {0: [FieldError("/a~1b~0c", "not UTF-8 text (byte 0xff at byte 1)")]}


_LEAVES = st.lists(
    st.one_of(st.none(), st.binary(max_size=6), st.text(max_size=4).map(str.encode)), max_size=6
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.one_of(st.none(), _LEAVES), max_size=12), start=st.integers(0, 3))
def test_the_faults_of_random_lists_of_text_are_those_python_finds(
    rows: list[list[bytes | None] | None], start: int
) -> None:
    """Lists of random bytes (a slice of them): each element of a row that Python cannot decode as
    UTF-8, at its position in the list."""
    values = [v for row in rows if row is not None for v in row]
    offsets = [0]
    for row in rows:
        offsets.append(offsets[-1] + (len(row) if row is not None else 0))
    missing = pa.array([row is None for row in rows], pa.bool_())
    lists = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), _text(values), mask=missing)
    lists = lists.slice(min(start, len(rows)))
    expected = {}
    for i, row in enumerate(rows[min(start, len(rows)) :]):
        for k, value in enumerate(row or []):
            if value is None:
                continue
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as bad:
                message = f"not UTF-8 text (byte 0x{value[bad.start]:02x} at byte {bad.start + 1})"
                expected.setdefault(i, []).append(FieldError(f"/names/{k}", message))
    assert utf8_faults(pa.table({"names": lists})) == expected
