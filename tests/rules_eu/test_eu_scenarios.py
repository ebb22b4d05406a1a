"""The EU pack's shipped YAML legal tests pass, one test per file, and cover what issue 13 asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from amparo.engine.registry import PackRegistry
from amparo.rules.eu import EU_PACK
from amparo.screening.scenarios import discover, load_scenario, run_scenario

PACKS = PackRegistry([EU_PACK])
SHIPPED = EU_PACK.scenarios_dir
assert SHIPPED is not None
FILES = list(discover(SHIPPED, PACKS))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario_passes(path: Path) -> None:
    result = run_scenario(load_scenario(path, PACKS), PACKS)
    assert result.passed, f"{path.name}: " + "; ".join(result.mismatches)


def test_the_brief_scenarios_and_thirty_more_each_with_an_article() -> None:
    scenarios = [load_scenario(p, PACKS) for p in FILES]
    numbers = [s.number for s in scenarios]
    assert len(numbers) == len(set(numbers))
    assert {"E1", "E2", "E3"} <= set(numbers)
    assert len(numbers) >= 33
    assert all(s.citations for s in scenarios)


def test_every_criterion_code_is_decided_by_some_scenario() -> None:
    decided = {str(load_scenario(p, PACKS).summary.get("criterion")) for p in FILES}
    codes = {r for r in EU_PACK.law_book().rules if r.startswith(("dublin_iii_art", "ammr_art"))}
    assert codes - decided == set()


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    source = FILES[0].read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(source.replace("responsible_state: GR", "responsible_state: IT"))
    result = run_scenario(load_scenario(broken, PACKS), PACKS)
    assert not result.passed
