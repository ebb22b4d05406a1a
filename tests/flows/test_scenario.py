"""`amparo flows scenario FILE`: a what-if given as data, every assumption stated with its source."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from amparo.flows import scenario

from .conftest import CliResult

Run = Callable[..., CliResult]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "FLOWS.md"
EXAMPLE = Path(scenario.__file__).parent / "scenarios" / "h2b_el_salvador.yaml"


def test_the_shipped_example_projects_and_states_its_assumptions(amparo: Run) -> None:
    result = amparo("flows", "scenario", str(EXAMPLE), "--json")
    assert result.code == 0, result.err
    out = json.loads(result.out)
    assert out["series"] == "SV" and len(out["months"]) == 12
    (assumption,) = out["assumptions"]
    assert "Clemens (PIIE, 2024)" in assumption["source"]
    assert assumption["effect_percent"] == {"central": -15.0, "low": -5.0, "high": -25.0}
    first, last = out["months"][0], out["months"][-1]
    assert first["scenario"] == first["baseline"]  # the change starts 2025-10, effect after 10 months
    assert last["scenario"] == pytest.approx(last["baseline"] * 0.85, abs=0.2)
    assert last["lo_80"] <= last["scenario"] <= last["hi_80"]
    assert "Data" not in out["data"] or "2025-08" in out["data"]


def test_the_scenario_in_the_docs_runs(amparo: Run, tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(format: 1\ntitle:.*?)```", text, re.S)
    assert block, "docs/FLOWS.md shows a scenario file"
    path = tmp_path / "scenario.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    result = amparo("flows", "scenario", str(path))
    assert result.code == 0, result.err
    assert "Source:" in result.out and "Clemens" in result.out


def test_phase_and_effect() -> None:
    loaded = scenario.load(EXAMPLE)
    (change,) = loaded.changes
    assert scenario.phase(change, "2025-09") == 0.0
    assert scenario.phase(change, "2026-07") == 0.0 and scenario.phase(change, "2026-08") == 1.0
    assert scenario.effect_percent(change, "central") == pytest.approx(-15.0)


def test_an_assumption_without_a_source_is_refused(amparo: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: 1\ntitle: No source\nchanges:\n  - id: bar\n    kind: bar_vacated\n    description: a bar vacated\n"
        "    starts: 2025-13\n    assumption: {effect: {central: 10, low: 5, high: 20}}\n",
        encoding="utf-8",
    )
    result = amparo("flows", "scenario", str(path))
    assert result.code == 2
    assert (
        "/changes/0/bar_vacated/starts" in result.err
        and "/changes/0/bar_vacated/assumption/source" in result.err
    )


def test_changes_compose_and_the_band_spans_their_ranges(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(
        """format: 1
title: An agreement implemented and a bar vacated
horizon: 4
changes:
  - id: aca
    kind: agreement_implemented
    description: transfers at 57 a week
    starts: 2025-09
    transfers_per_week: 57
    assumption:
      effect: {central: -2, low: 0, high: -4}
      lag_months: 2
      source: illustrative assumption for a test, no published estimate
  - id: bar
    kind: bar_vacated
    description: a bar vacated
    starts: 2025-10
    assumption:
      effect: {central: 10, low: 5, high: 20}
      ramp: step
      lag_months: 1
      source: illustrative assumption for a test, no published estimate
""",
        encoding="utf-8",
    )
    projection = scenario.project(scenario.load(path))
    first, second, third = projection.months[:3]
    aca = -2 * 0.57  # percent of encounters at full effect
    assert first.scenario == pytest.approx(
        first.baseline * (1 + 0.5 * aca / 100)
    )  # linear ramp, month 1 of 2
    assert second.scenario == pytest.approx(second.baseline * (1 + aca / 100))  # the bar waits one month
    assert third.scenario == pytest.approx(third.baseline * (1 + aca / 100) * 1.10)
    assert third.low == pytest.approx(third.baseline_low * (1 - 4 * 0.57 / 100) * 1.05)
    assert third.high == pytest.approx(third.baseline_high * 1.0 * 1.20)
    assert [a["source"] for a in projection.assumptions()] == [
        "illustrative assumption for a test, no published estimate"
    ] * 2
