"""Ids given on more than one row: every row is still screened (one row out per row in), and the
run says how many rows repeat an earlier row's id, naming a few where OUT can be read back
(:mod:`amparo.batch.repeated_ids`); memory for it is bounded (rows past a limit are counted as not
checked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from tests.support.aca_example import aca_encounter
from tests.support.cli_run import run_cli

from amparo.batch.files import screen_file
from amparo.batch.repeated_ids import RepeatedIds
from amparo.rules.us import US_PACK


def _documents(tmp_path: Path, ids: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(aca_encounter(i)) + "\n" for i in ids), encoding="utf-8")
    return path


def test_repeats_are_counted_across_chunks_without_null_ids() -> None:
    seen = RepeatedIds()
    seen.add(pl.Series(["a", "b", None, "c"]))
    seen.add(pl.Series(["b", None, "d", "a", "a"]))
    found = seen.found()
    assert found.rows == 3 and found.unchecked == 0  # b once more, a twice more; nulls are no id
    assert RepeatedIds().found().rows == 0
    unique = RepeatedIds()
    unique.add(pl.Series([f"id-{i}" for i in range(10_000)]))
    assert unique.found().rows == 0


def test_rows_past_the_limit_are_counted_as_not_checked() -> None:
    seen = RepeatedIds(limit=3)
    seen.add(pl.Series(["a", "a"]))
    seen.add(pl.Series(["b", "a", "a", None]))
    found = seen.found()
    assert (found.rows, found.unchecked) == (1, 2)  # a, a, b checked; the two a's after them not


@pytest.mark.parametrize(
    ("name", "named"), [("out.parquet", True), ("out.jsonl", True), ("out.jsonl.gz", False)]
)
def test_a_batch_reports_its_repeated_ids(tmp_path: Path, name: str, named: bool) -> None:
    source = _documents(tmp_path, ["A", "B", "A", "C", "B", "A", "D"])
    report = screen_file(source, tmp_path / name, US_PACK, progress=False, chunk_rows=2)
    assert report.rows == 7 and report.repeated_ids.rows == 3
    assert report.repeated_ids.examples == (("A", "B") if named else ())


def test_the_command_line_warns_in_the_language_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _documents(tmp_path, ["A", "B", "A"])
    out = str(tmp_path / "out.parquet")
    code, _, err = run_cli(["screen", "--batch", str(source), "--out", out], capsys)
    assert code == 0
    assert (
        "warning: 1 row repeats the encounter_id of an earlier row; each row is screened and counted (e.g. A)"
        in err
    )
    code, _, err = run_cli(["screen", "--batch", str(source), "--out", out, "--lang", "es"], capsys)
    assert (
        "aviso: 1 fila repite el encounter_id de una fila anterior; cada fila se evalúa y se cuenta (p. ej., A)"
        in err
    )
    code, printed, _ = run_cli(["screen", "--batch", str(source), "--out", out, "--json"], capsys)
    summary: dict[str, Any] = json.loads(printed)
    assert summary["repeated_ids"] == 1 and summary["repeated_id_examples"] == ["A"]
    assert pl.read_parquet(out)["encounter_id"].to_list() == ["A", "B", "A"]  # every row screened


def test_no_warning_without_repeats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _documents(tmp_path, ["A", "B"])
    code, _, err = run_cli(["screen", "--batch", str(source), "--out", str(tmp_path / "o.jsonl")], capsys)
    assert code == 0 and "encounter_id" not in err and len(err.splitlines()) == 1


def test_impact_counts_and_warns_of_repeated_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _documents(tmp_path, ["A", "B", "A", "A"])
    dates = ["--before", "2020-01-01", "--after", "2021-06-01"]
    code, printed, _ = run_cli(["impact", str(source), *dates, "--json"], capsys)
    result: dict[str, Any] = json.loads(printed)
    assert result["screened"] == 4 and result["repeated_ids"] == 2
    code, _, err = run_cli(["impact", str(source), *dates], capsys)
    assert (
        "warning: 2 rows repeat the encounter_id of an earlier row; each row is screened and counted" in err
    )
    unique = _documents(tmp_path, ["A", "B"])
    code, printed, _ = run_cli(["impact", str(unique), *dates, "--json"], capsys)
    assert json.loads(printed)["repeated_ids"] == 0
