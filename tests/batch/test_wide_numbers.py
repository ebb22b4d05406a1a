"""A whole number written with more digits than Python reads (4,300) is refused as the row's error,
in the same words by `amparo screen`, `screen --batch` (lines, arrays) and `impact`; it stopped all
three with an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.aca_example import aca_encounter
from tests.support.cli_run import run_cli

from amparo.screening.json_values import MAX_INTEGER_DIGITS

WIDE = "9" * (MAX_INTEGER_DIGITS + 700)
REASON = (
    f"a number written with {len(WIDE):,} digits, more than any value of a document holds "
    f"({MAX_INTEGER_DIGITS:,} at most)"
)


def _lines(tmp_path: Path) -> Path:
    good = json.dumps(aca_encounter("A-1"))
    wide = json.dumps(aca_encounter("A-2")).replace('"sex": "M"', f'"sex": "M", "age": {WIDE}')
    assert WIDE in wide
    path = tmp_path / "in.jsonl"
    path.write_text(f"{good}\n{wide}\n{good.replace('A-1', 'A-3')}\n", encoding="utf-8")
    return path


def test_every_command_refuses_the_row_and_screens_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _lines(tmp_path)
    code, printed, _ = run_cli(["screen", str(source), "--json"], capsys)
    assert code == 2
    single = [json.loads(line) for line in printed.splitlines() if line]
    assert single[1]["error"]["errors"][0]["message"] == f"line 2 is not valid JSON ({REASON})"
    out = tmp_path / "out.jsonl"
    code, _, _ = run_cli(["screen", "--batch", str(source), "--out", str(out)], capsys)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert code == 2 and [r.get("encounter_id") for r in rows] == ["A-1", None, "A-3"]
    assert rows[1]["error"]["errors"][0]["message"] == f"line 2 is not valid JSON ({REASON})"
    code, printed, _ = run_cli(
        ["impact", str(source), "--before", "2020-01-01", "--after", "2021-06-01", "--json"], capsys
    )
    assert code == 0 and json.loads(printed)["invalid"] == 1


def test_in_an_array_and_in_spanish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.json"
    path.write_text(f'[{{"id": {WIDE}}}]', encoding="utf-8")
    code, printed, _ = run_cli(["screen", str(path), "--json"], capsys)
    assert code == 2
    assert (
        json.loads(printed)[0]["error"]["errors"][0]["message"]
        == f"element 0 of the array is not valid JSON ({REASON})"
    )
    code, _, err = run_cli(["screen", str(path), "--lang", "es"], capsys)
    assert "un número escrito con 5.000 dígitos" in " ".join(err.split())
