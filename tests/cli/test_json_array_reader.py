"""A JSON array read in blocks (``amparo.screening.json_array``) gives what the whole text gives:
the same elements, and the same error, at the same line and column, wherever the blocks end."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amparo.screening.json_array as json_array
from amparo.screening.inputs import read_items

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


def _by_blocks(data: bytes, block: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str | None]]:
    monkeypatch.setattr(json_array, "BLOCK", block)
    return [
        (value, None if error is None else error.errors[0].message)
        for value, error in json_array.array_of_file(io.BytesIO(data), "in.json")
    ]


def _whole(text: str) -> list[tuple[Any, str | None]]:
    shape, items = read_items(text, source="in.json")
    assert shape == "array"
    return [(i.document, None if i.error is None else i.error.errors[0].message) for i in items]


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(_VALUES, max_size=8),
    indent=st.sampled_from([None, 0, 2]),
    cut=st.integers(0, 10_000),
    block=st.sampled_from([1, 2, 3, 5, 16, 1 << 22]),
)
def test_blocks_read_what_the_whole_text_reads(
    values: list[Any], indent: int | None, cut: int, block: int
) -> None:
    text = json.dumps(values, indent=indent, ensure_ascii=False)
    with pytest.MonkeyPatch.context() as patch:
        assert _by_blocks(text.encode(), block, patch) == [(v, None) for v in values]
        cut_text = text[: cut % (len(text) + 1)]
        if cut_text.lstrip().startswith("["):
            assert _by_blocks(cut_text.encode(), block, patch) == _whole(cut_text)


@pytest.mark.parametrize("block", [1, 4, 1 << 22])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"a": 1},\n {"a": NaN}]', "element 1 of the array is not valid JSON (NaN is not a JSON value)"),
        (
            '[{"a": 1},\n {"a": "\\ud800"}]',
            "element 1 of the array is not valid JSON (\\ud800 is half of a UTF-16 surrogate pair, not a character)",
        ),
        (
            '[{"a": 1},\n {"a": 1 "b": 2}]',
            "element 1 of the array is not valid JSON (Expecting ',' delimiter at line 2, column 10)",
        ),
        ('[{"a": 1}\n {"a": 2}]', "expected ',' or ']' after element 0 at line 2, column 2"),
        ('[{"a": 1}]\n x', "unexpected text after the array at line 2, column 2"),
        (
            '[{"a": 12',
            "element 0 of the array is not valid JSON (Expecting ',' delimiter at line 1, column 10)",
        ),
        (
            '[\n  {"a": "caf\u00e9 \U0001f600 \\ud83d\\ude00"},\n  1e5, -0.25, 123456789012345678901234567890]',
            "",
        ),
    ],
)
def test_errors_and_their_places_do_not_move_with_the_blocks(
    text: str, message: str, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _by_blocks(text.encode(), block, monkeypatch)
    assert read == _whole(text)
    if message:
        assert read[-1] == (None, message)
    else:
        assert [v for v, _ in read] == json.loads(text)


def test_a_pair_of_surrogates_is_a_character_and_half_of_one_is_refused(tmp_path: Any) -> None:
    """``amparo screen`` took ``\\ud800`` into a document and stopped with an internal error
    (UnicodeEncodeError) writing its decision; it is now an error in the document's place."""
    from typer.testing import CliRunner

    from amparo.cli import build_app

    good = {
        "id": "G-\\ud83d\\ude00",
        "encountered_on": "2020-02-10",
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": ["HN"]},
    }
    line = json.dumps(good).replace("\\\\", "\\")
    source = tmp_path / "in.jsonl"
    source.write_text(line + "\n" + line.replace("\\ud83d", "") + "\n")
    result = CliRunner().invoke(build_app(), ["screen", str(source), "--json"])
    assert result.exit_code == 2, result.output
    rows = [json.loads(r) for r in result.stdout.splitlines()]
    assert rows[0]["encounter_id"] == "G-\U0001f600"
    assert rows[1]["error"]["errors"][0]["message"] == (
        "line 2 is not valid JSON (\\ude00 is half of a UTF-16 surrogate pair, not a character)"
    )


@pytest.mark.parametrize("block", [1, 4, 1 << 22])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[1, {"a": "caf\xc3', "element 1 of the array is not UTF-8 text (byte 0xc3 at offset 14)"),
        (b"[1, 12\xff]", "element 1 of the array is not UTF-8 text (byte 0xff at offset 6)"),
        (
            b'\xef\xbb\xbf[1, "\xc3\xa9", 2\xff]',
            "element 2 of the array is not UTF-8 text (byte 0xff at offset 14)",
        ),
    ],
)
def test_bytes_that_are_not_utf8_end_the_array_at_their_element(
    data: bytes, message: str, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The elements before them are read, wherever a block ends; the offset is the file's."""
    read = _by_blocks(data, block, monkeypatch)
    assert read[-1] == (None, message)
    assert [v for v, _ in read[:-1]] == json.loads(data[: data.rindex(b",")].decode("utf-8-sig") + "]")
