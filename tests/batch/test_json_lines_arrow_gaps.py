"""JSON lines Arrow's reader takes otherwise than JSON does, and files that are not JSON at all:
``screen --batch`` and ``impact`` judge them as ``amparo screen`` does (helper 34's findings): a
NaN or an infinity in free data, an escaped NUL in a field's name, a field named as a column the
reader adds, and a file none of whose lines is JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from agreement import single_row
from typer.testing import CliRunner

from amparo.cli import build_app
from amparo.rules.us import US_PACK

RUNNER = CliRunner()
GOOD = {
    "id": "G",
    "encountered_on": "2023-08-14",
    "place": {"border": "southwest_land", "manner": "between_ports"},
    "person": {"nationalities": ["GT"]},
}


def _screen(tmp_path: Path, text: str) -> tuple[int, list[dict[str, Any]]]:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(text)
    result = RUNNER.invoke(build_app(), ["screen", "--batch", str(source), "--out", str(out)])
    assert "internal error" not in result.output, result.output
    return result.exit_code, [json.loads(x) for x in out.read_text().splitlines()]


def _line(**more: Any) -> str:
    return json.dumps({**GOOD, **more})


@pytest.mark.parametrize("token", ["NaN", "-NaN", "Infinity", "-Infinity", "Inf", "-Inf"])
def test_a_nan_or_an_infinity_in_free_data_is_refused_as_not_json(tmp_path: Path, token: str) -> None:
    """Arrow read ``NaN`` and ``Inf`` as numbers: in ``extensions`` (no rule reads it) the line was
    decided; sampled, the batch stopped with ``JSONDecodeError``."""
    lines = [_line(id=f"G{i}") for i in range(120)]
    lines[60] = lines[60][:-1] + f', "extensions": {{"x": {token}}}}}'
    code, rows = _screen(tmp_path, "\n".join(lines) + "\n")
    assert code == 2
    assert [i for i, r in enumerate(rows) if "error" in r] == [60]
    assert rows[60]["encounter_id"] is None
    assert rows[60]["error"]["errors"][0]["message"].startswith("line 61 is not valid JSON")
    assert rows[59]["asylum_bars"] == single_row(GOOD, US_PACK)["asylum_bars"]


def test_a_text_holding_nan_is_still_read(tmp_path: Path) -> None:
    code, rows = _screen(tmp_path, _line(extensions={"note": "NaN Infinity"}) + "\n")
    assert code == 0 and "error" not in rows[0]


@pytest.mark.parametrize(
    ("more", "path"),
    [
        ({"extensions": {"a": 1, "a\x00": 2}}, None),  # valid: free data
        ({"person": {"nationalities": ["GT"], "age\x00": 5}}, "/person/age\x00"),
        ({"id\x00": "x"}, "/id\x00"),
        ({"_taken": 1}, "/_taken"),  # a name the reader gives a column of its own
    ],
)
def test_field_names_the_columns_cannot_hold_are_judged_as_the_single_evaluator_judges_them(
    tmp_path: Path, more: dict[str, Any], path: str | None
) -> None:
    """An escaped NUL was cut from a name between Arrow and Polars (``"a\\u0000"`` became a second
    ``a``) and ``_taken`` clashed with the reader's column: ``DuplicateError``, the batch stopped."""
    document = {**GOOD, **more}
    code, rows = _screen(tmp_path, json.dumps(document) + "\n" + _line(id="H") + "\n")
    expected = single_row(document, US_PACK)
    if path is None:
        assert code == 0
        assert {k: rows[0][k] for k in expected if k != "as_of"} == {
            k: v for k, v in expected.items() if k != "as_of"
        }
    else:
        assert code == 2
        assert rows[0]["error"]["errors"][0]["path"] == path
        assert rows[0]["error"] == expected["error"]
    assert "error" not in rows[1]


@pytest.mark.parametrize("text", ["hello\nworld\n", "\n\ntru\n", "]\n", "NaN\n"])
def test_a_file_none_of_whose_lines_is_json_is_one_error_row(tmp_path: Path, text: str) -> None:
    """It gave an error row per line; ``amparo screen`` gives one, saying the input is not JSON."""
    code, rows = _screen(tmp_path, text)
    assert code == 2
    assert len(rows) == 1
    assert rows[0]["error"]["errors"][0]["message"].startswith(
        "the input is not JSON: expected a JSON object"
    )


def test_garbage_before_a_json_line_is_an_error_row_per_line(tmp_path: Path) -> None:
    code, rows = _screen(tmp_path, "hello\n" + _line() + "\n")
    assert code == 2
    assert (
        rows[0]["error"]["errors"][0]["message"] == "line 1 is not valid JSON (Expecting value at column 1)"
    )
    assert rows[1]["encounter_id"] == "G" and "error" not in rows[1]


def test_inf_or_nan_inside_a_text_keeps_the_line_in_columns() -> None:
    """Every line holding ``Inf`` anywhere (``"Infante"``, a common surname) was read one by one:
    4.7 times slower and 2.4 times the memory."""
    from amparo.batch.json_lines import LineChunk, _odd_lines

    lines = [
        _line(id="A", person={"nationalities": ["GT"], "surnames": ["Infante"]}).encode(),
        _line(id="B", extensions={"note": "NaN"}).encode(),
        _line(id="C", extensions={"x": 1}).encode().replace(b'"x": 1', b'"x": -Infinity'),
        _line(id="D", extensions={"x": [1]}).encode().replace(b"[1]", b"[1, NaN]"),
    ]
    assert _odd_lines(LineChunk.of(lines, "in.jsonl")) == {2, 3}


def test_lines_of_form_feeds_are_not_blank(tmp_path: Path) -> None:
    """A form feed or a vertical tab is not JSON's space: such lines were skipped as blank when
    the file's shape was judged, then each gave an error row."""
    code, rows = _screen(tmp_path, "\f\n\v\n")
    assert code == 2 and len(rows) == 1
    assert rows[0]["error"]["errors"][0]["message"].startswith("the input is not JSON")


def test_free_data_of_changing_json_types_is_read_in_a_few_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines whose ``extensions`` change JSON type from line to line are read by Arrow one by one
    (no table holds them together); each one-line table was typed and conformed on its own: 2,000
    lines took 17 s. Tables of one schema are now put together, the lines kept in order."""
    from amparo.batch import json_lines

    values: list[Any] = [5, "x", True, [1], {"a": 1}, 1.5]
    lines = [_line(id=f"G{i}", extensions={"note": values[i % len(values)]}) for i in range(300)]
    typed = []
    real = json_lines.typed_frame
    monkeypatch.setattr(json_lines, "typed_frame", lambda *a: typed.append(1) or real(*a))
    chunk = json_lines.LineChunk.of([x.encode() for x in lines], "in.jsonl")
    parsed = json_lines.parse_lines(chunk, US_PACK)
    assert parsed.fast == list(range(300)) and parsed.slow == []
    assert parsed.frame["id"].to_list() == [f"G{i}" for i in range(300)]
    assert len(typed) <= len(values)
    code, rows = _screen(tmp_path, "\n".join(lines) + "\n")
    assert code == 0
    expected = single_row(json.loads(lines[7]), US_PACK)
    assert {k: rows[7][k] for k in expected} == {**expected, "as_of": str(expected["as_of"])}
