"""The spec's EU examples give exactly their summaries; the decision object has the contract's shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from amparo.rules.eu import EU_PACK
from amparo.screening import screen
from amparo.screening.explain import explain

SPEC_EXAMPLES = Path(__file__).parents[2].parent / "shared/spec/eu/examples"
EXAMPLES = sorted(SPEC_EXAMPLES.glob("*.json"))
SUMMARY_KEYS = {
    "framework",
    "responsible_state",
    "criterion",
    "take_charge_request_by",
    "reply_by",
    "transfer_by",
}


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPEC_EXAMPLES / name).read_text())
    return data


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_spec_example_gives_exactly_its_summary(path: Path) -> None:
    example = json.loads(path.read_text())
    decision = screen(example["encounter"], EU_PACK)
    assert decision.summary == example["expected_summary"]


def test_there_are_three_spec_examples() -> None:
    assert len(EXAMPLES) == 3


def test_decision_object_shape() -> None:
    out = screen(_example("e1-syrian-greece-germany-2024.json")["encounter"], EU_PACK).to_dict()
    assert out["encounter_id"] == "EU-E1"
    assert out["as_of"] == "2024-10-01"
    assert set(out["summary"]) == SUMMARY_KEYS
    json.dumps(out)  # plain JSON all the way down
    rules = [node["rule"] for node in out["trace"]]
    assert "dublin_iii_art13_1" in rules and "take_charge_deadline" in rules
    assert all(node["citations"] for node in out["trace"])
    node = next(n for n in out["trace"] if n["rule"] == "dublin_iii_art13_1")
    assert node["outcome"] == "applies" and node["citations"] == ["Dublin III Art. 13(1)"]
    deadline = next(n for n in out["trace"] if n["rule"] == "take_charge_deadline")
    assert deadline["value"] == "2024-12-01"
    assert deadline["inputs"]["request_clock_from"] == "2024-10-01"
    assert out["ruleset"]["id"] == "eu"
    assert "confidentiality" not in out


def test_transition_day_and_weekend_are_flagged_in_e3() -> None:
    decision = screen(_example("e3-italy-netherlands-registered-2026-07-01.json")["encounter"], EU_PACK)
    ids = {f["id"] for f in decision.flags}
    assert {"eu_transition_day", "eu_no_rollover"} <= ids
    flag = next(f for f in decision.flags if f["id"] == "eu_transition_day")
    assert flag["citations"] and "Decided:" in flag["message"]


def test_e1_and_e2_pass_through_no_contested_point() -> None:
    for name in ("e1-syrian-greece-germany-2024.json", "e2-same-facts-lodged-after-13-months-2025.json"):
        assert screen(_example(name)["encounter"], EU_PACK).flags == ()


def test_as_of_dates_the_reading_only() -> None:
    document = _example("e1-syrian-greece-germany-2024.json")["encounter"]
    plain = screen(document, EU_PACK)
    later = screen(document, EU_PACK, as_of=plain.as_of.replace(year=2031))
    assert later.summary == plain.summary
    assert later.as_of.year == 2031


def test_as_of_defaults_to_registration_then_lodging() -> None:
    document = dict(_example("e1-syrian-greece-germany-2024.json")["encounter"], registered_on="2024-10-03")
    assert screen(document, EU_PACK).as_of.isoformat() == "2024-10-03"


def test_readable_explanation_names_framework_articles_and_deadlines() -> None:
    decision = screen(_example("e1-syrian-greece-germany-2024.json")["encounter"], EU_PACK)
    console = Console(record=True, width=200)
    console.print(explain(decision, EU_PACK))
    text = console.export_text()
    for needle in (
        "Dublin III Art. 13(1)",
        "Dublin III Art. 21(1)",
        "2024-12-01",
        "AMMR Art. 84(2)",
        "Reply by",
    ):
        assert needle in text, needle
    assert "AMMR: Irregular crossing" not in text  # the other framework's criteria are not shown
