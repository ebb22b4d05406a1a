"""Every mistake in cases.yaml gets its exit code and a message with the expected words, and no
traceback or "This is a bug"; a cp1252 CSV (as Excel saves it) is simply read."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import EXAMPLE, FORBIDDEN, INPUTS, Run

CASES: list[dict[str, Any]] = yaml.safe_load(
    Path(__file__).with_name("cases.yaml").read_text(encoding="utf-8")
)


def _fill(arg: str, tmp: Path) -> str:
    if arg == "{deep}":
        deep = tmp / "deep.json"
        deep.write_text("[" * 100_000, encoding="utf-8")
        return str(deep)
    return arg.format(inputs=INPUTS, tmp=tmp, example=EXAMPLE)


def test_the_cases_are_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        assert set(case) <= {"id", "argv", "exit", "words", "absent", "env", "before", "upgraded"}, case["id"]
        assert case["words"], f"{case['id']}: name the words of the error"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_broken_input_is_answered_clearly(
    case: dict[str, Any], amparo: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for name, value in (case.get("env") or {}).items():
        monkeypatch.setenv(name, _fill(value, work))
    if case.get("upgraded"):
        assert amparo("db", "upgrade").code == 0
    for before in case.get("before") or []:
        done = amparo(*(_fill(a, work) for a in before))
        assert done.code == 0, done.text
    result = amparo(*(_fill(a, work) for a in case["argv"]))
    for forbidden in FORBIDDEN:
        assert forbidden not in result.text, result.text
    assert result.code == case["exit"], result.text
    for words in case["words"]:
        assert " ".join(words.split()) in result.text, result.text
    for words in case.get("absent") or []:
        assert words not in result.text, result.text


def test_a_cp1252_csv_from_excel_is_read(amparo: Run, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    result = amparo("link", str(INPUTS / "excel-cp1252.csv"), "--out", str(out))
    assert result.code == 0, result.text
    assert "deduplicated 3 records" in result.text
    with out.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle))[:2] == ["record_id_l", "record_id_r"]


def test_the_records_keep_the_accented_name(tmp_path: Path) -> None:
    from amparo.identity.records import read_records

    records = read_records(INPUTS / "excel-cp1252.csv")
    assert (records[0]["given_1"], records[0]["surname_1"]) == ("JOSE", "PEREZ")  # decoded, no mojibake
    raw = (INPUTS / "excel-cp1252.csv").read_bytes()
    assert b"Jos\xe9" in raw  # the file really is cp1252, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
