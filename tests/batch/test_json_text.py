"""The text of a JSON input as ``screen --batch`` and ``impact`` read it: bytes that are not UTF-8,
half a surrogate pair and a byte order mark are judged line by line (element by element in an
array) as ``amparo screen`` judges them, never screened from garbled columns nor a crash; a JSON
array is read in blocks, element by element."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import as_json, single_row
from typer.testing import CliRunner

from amparo.batch.columns import documents_of
from amparo.cli import build_app
from amparo.rules.us import US_PACK

RUNNER = CliRunner()


def _run(*args: str) -> Any:
    return RUNNER.invoke(build_app(), list(args))


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("synth") / "encounters.parquet"
    result = _run("synth", "encounters", "--n", "300", "--seed", "11", "--out", str(out))
    assert result.exit_code == 0, result.output
    return as_json(documents_of(pl.read_parquet(out)))


def _lines(documents: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(d, ensure_ascii=False).encode() for d in documents]


def _bad_bytes(line: bytes) -> tuple[bytes, int]:
    """``line`` with a byte that is not UTF-8 inside its id; where it is (from 1)."""
    at = line.index(b'"id": "') + len(b'"id": "') + 2
    return line[:at] + b"\xff" + line[at:], at + 1


def _lone_surrogate(line: bytes) -> bytes:
    return line.replace(b'"id": "', b'"id": "\\ud800', 1)


def _messages(rows: list[dict[str, Any]]) -> dict[int, str]:
    return {i: r["error"]["errors"][0]["message"] for i, r in enumerate(rows) if r.get("error")}


@pytest.mark.parametrize("chunk", [None, 40])
def test_lines_that_are_not_utf8_text_are_error_rows_and_the_rest_is_screened(
    documents: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int | None
) -> None:
    """Arrow's JSON reader takes bytes that are not UTF-8 (and ``\\ud800``) into its text columns
    unchecked: such a line was screened from garbled text, then ``screen --batch`` stopped with an
    internal error and ``impact`` with a Rust panic writing its rows. A byte order mark made the
    first line an error (``amparo screen`` skips it)."""
    if chunk:  # several chunks, the bad lines in the first and the fourth
        monkeypatch.setattr("amparo.batch.files.JSON_CHUNK", chunk)
    lines = _lines(documents)
    lines[7], at = _bad_bytes(lines[7])
    lines[150] = _lone_surrogate(lines[150])
    source = tmp_path / "in.jsonl"
    source.write_bytes(codecs.BOM_UTF8 + b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    result = _run("screen", "--batch", str(source), "--out", str(out))
    assert result.exit_code == 2, result.output
    rows = [json.loads(r) for r in out.read_text().splitlines()]
    assert _messages(rows) == {
        7: f"line 8 is not UTF-8 text (byte 0xff at byte {at})",
        150: "line 151 is not valid JSON (\\ud800 is half of a UTF-16 surrogate pair, not a character)",
    }
    expected = as_json([single_row(d, US_PACK) for d in documents])
    for i in set(range(len(documents))) - {7, 150}:
        assert {k: rows[i].get(k) for k in expected[i]} == expected[i], i

    for options in ([], ["--out", str(tmp_path / "impact.jsonl")]):
        result = _run(
            "impact", str(source), "--before", "2024-05-01", "--after", "2024-07-01", "--json", *options
        )
        assert result.exit_code == 0, result.output
        counts = json.loads(result.stdout)
        assert (counts["invalid"], counts["screened"]) == (2, len(documents)), counts["screened"]


def _array(documents: list[Any], indent: int | None) -> bytes:
    return json.dumps(documents, indent=indent, ensure_ascii=False).encode()


@pytest.mark.parametrize("indent", [None, 2])
def test_a_json_array_is_read_in_blocks_with_the_rows_of_json_lines(
    documents: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indent: int | None
) -> None:
    """An array is read block by block (it was read whole, and every element decoded, before its
    first row: 1.3 GB for 200,000 encounters), with a byte order mark skipped; blocks far smaller
    than an element cut elements, numbers and characters of several bytes anywhere."""
    import amparo.screening.json_array as json_array

    monkeypatch.setattr(json_array, "BLOCK", 97)
    asked: list[int] = []
    reading = json_array._Window.more

    def more(window: Any) -> bool:
        asked.append(len(window.text))
        return reading(window)

    monkeypatch.setattr(json_array._Window, "more", more)
    source, lines = tmp_path / "in.json", tmp_path / "in.jsonl"
    source.write_bytes(codecs.BOM_UTF8 + _array(documents, indent))
    lines.write_bytes(b"\n".join(_lines(documents)) + b"\n")
    for path in (source, lines):
        result = _run("screen", "--batch", str(path), "--out", str(tmp_path / f"{path.suffix}.jsonl"))
        assert result.exit_code == 0, result.output
    assert (tmp_path / ".json.jsonl").read_text() == (tmp_path / ".jsonl.jsonl").read_text()
    longest = max(len(_array([d], indent)) for d in documents)
    assert len(asked) > len(documents) and max(asked) < 4 * (longest + 97)  # never the whole file


def test_an_array_element_that_is_not_utf8_ends_the_array_in_its_place(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The elements before the bad bytes are screened; the one holding them is an error row naming
    the byte and its offset in the file (the whole file was refused before, with no row)."""
    text = _array(documents[:40], None)
    at = text.index(documents[25]["id"].encode())
    source = tmp_path / "in.json"
    source.write_bytes(text[:at] + b"\xc3(" + text[at:])
    out = tmp_path / "out.jsonl"
    result = _run("screen", "--batch", str(source), "--out", str(out))
    assert result.exit_code == 2, result.output
    rows = [json.loads(r) for r in out.read_text().splitlines()]
    assert len(rows) == 26
    assert _messages(rows) == {25: f"element 25 of the array is not UTF-8 text (byte 0xc3 at offset {at})"}
    expected = as_json([single_row(d, US_PACK) for d in documents[:25]])
    assert [{k: r.get(k) for k in e} for r, e in zip(rows, expected, strict=False)] == expected


def test_json_lines_with_a_broken_first_line_are_read_as_lines(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A first line that is not JSON made the file "one value over several lines", read whole and
    screened one document at a time; the next line being a whole object says it is JSON Lines."""
    from amparo.batch.files import json_input
    from amparo.batch.json_lines import LineChunk
    from amparo.cli.packs import pack_registry

    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "X-1", \n\n' + b"\n".join(_lines(documents[:30])) + b"\n")
    assert {type(c) for c in json_input(source, pack_registry(), 10)} == {LineChunk}
    out = tmp_path / "out.jsonl"
    assert _run("screen", "--batch", str(source), "--out", str(out)).exit_code == 2
    rows = [json.loads(r) for r in out.read_text().splitlines()]
    assert len(rows) == 31 and list(_messages(rows)) == [0] and "line 1" in _messages(rows)[0]
    pretty = tmp_path / "one.json"
    pretty.write_text(json.dumps(documents[0], indent=2))
    assert _run("screen", "--batch", str(pretty), "--out", str(out)).exit_code == 0
    assert [json.loads(r)["encounter_id"] for r in out.read_text().splitlines()] == [documents[0]["id"]]


def test_a_number_past_a_float_is_read_as_amparo_screen_reads_it(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    """``1e400`` in a document's extensions: ``amparo screen`` reads it (as infinite) and screens
    the document; the batch's decoder (orjson) refused the line. Now read by the standard library
    there too, in a JSON Lines file and in an array alike (an array's chunk holding one was set
    apart by a scan of every chunk's text that cost as much as reading it)."""
    chosen = documents[:60]
    odd = json.dumps({**chosen[5], "extensions": {"x": 1.0}}).replace("1.0}", "1e400}")
    lines = [json.dumps(d) for d in chosen]
    lines[5] = odd
    source, array = tmp_path / "in.jsonl", tmp_path / "in.json"
    source.write_text("\n".join(lines) + "\n")
    array.write_text("[" + ",\n".join(lines) + "]")
    screened = _run("screen", str(source), "--json")
    assert screened.exit_code == 0, screened.output
    assert json.loads(screened.stdout.splitlines()[5])["encounter_id"] == chosen[5]["id"]
    expected = as_json([single_row(json.loads(line), US_PACK) for line in lines])
    for path in (source, array):
        out = tmp_path / f"{path.suffix}.out.jsonl"
        result = _run("screen", "--batch", str(path), "--out", str(out))
        assert result.exit_code == 0, result.output
        rows = [json.loads(r) for r in out.read_text().splitlines()]
        assert [{k: r.get(k) for k in e} for r, e in zip(rows, expected, strict=True)] == expected


def _nested(document: dict[str, Any], levels: int) -> bytes:
    """``document`` with free data nested so that the whole is ``levels`` deep (the document and
    ``extensions`` are two of them)."""
    inner = "[" * (levels - 2) + "]" * (levels - 2)
    return json.dumps({**document, "extensions": {"a": "@"}}).encode().replace(b'"@"', inner.encode())


def test_a_document_nested_past_1000_levels_is_refused_by_every_reader_alike(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Found by testers: ``amparo screen`` refused from 979 levels (where the interpreter's
    recursion limit fell under its callers), ``screen --batch`` read up to 1,024 (orjson's limit);
    and a first line too deep made ``amparo screen`` refuse the whole file, the other lines unread.
    Both now refuse past :data:`~amparo.screening.json_values.MAX_DEPTH` levels, line by line."""
    from amparo.screening.json_values import TOO_DEEP, loads_json

    depths = [1001, 999, 1000, 1001, 1024, 1025, 3000]
    lines = [_nested(documents[i], levels) for i, levels in enumerate(depths)]
    source = tmp_path / "deep.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    batch = _run("screen", "--batch", str(source), "--out", str(out))
    assert batch.exit_code == 2, batch.output
    rows = [json.loads(r) for r in out.read_text().splitlines()]
    too_deep = {i: f"line {i + 1}: {TOO_DEEP}" for i, levels in enumerate(depths) if levels > 1000}
    assert _messages(rows) == too_deep
    single = _run("screen", str(source), "--json")
    assert single.exit_code == 2
    said = [json.loads(line) for line in single.stdout.splitlines()]
    assert _messages(said) == too_deep  # every line judged, the first too
    assert [r["encounter_id"] for r in said if "error" not in r] == [documents[1]["id"], documents[2]["id"]]

    def called_from_deep(frames: int, text: bytes) -> Any:  # whatever the caller's own depth
        return loads_json(text) if frames == 0 else called_from_deep(frames - 1, text)

    assert called_from_deep(900, lines[2])["id"] == documents[2]["id"]
    with pytest.raises(RecursionError, match="more than 1,000 levels"):
        called_from_deep(900, lines[0])

    array = tmp_path / "deep.json"
    array.write_bytes(b"[" + b",".join(lines[:3]) + b"]")
    # An array stops at an element it cannot take, as at any element that is not JSON: both alike.
    in_array = json.loads(_run("screen", str(array), "--json").stdout)
    assert [r["error"]["errors"][0]["message"] for r in in_array] == [f"element 0: {TOO_DEEP}"]
    _run("screen", "--batch", str(array), "--out", str(out))
    assert _messages([json.loads(r) for r in out.read_text().splitlines()]) == {0: f"element 0: {TOO_DEEP}"}


def test_a_control_character_in_a_text_is_said_once_at_its_column(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Python's reason ends with "at" ("Invalid control character at"): it was said "at at column"."""
    lines = _lines(documents[:2])
    lines[1] = lines[1].replace(b'"id": "', b'"id": "\t', 1)
    source = tmp_path / "tab.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    column = lines[1].index(b"\t") + 1
    said = f"line 2 is not valid JSON (Invalid control character at column {column})"
    out = tmp_path / "out.jsonl"
    _run("screen", "--batch", str(source), "--out", str(out))
    assert _messages([json.loads(r) for r in out.read_text().splitlines()]) == {1: said}
    single = [json.loads(line) for line in _run("screen", str(source), "--json").stdout.splitlines()]
    assert _messages(single) == {1: said}
