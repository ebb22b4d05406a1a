"""Screen one encounter: which agreements and rules applied, why, under which clause.

The order follows the brief (§1.2, §8): who is an unaccompanied child; the Title 42 overlay; the
ACA threshold screening (each agreement); the asylum bars read on the adjudication date; MPP on
the encounter date; then the standard of the fear screening and the 208.6 marker. Each step is a
rule of the law pack; its result becomes a named fact for the steps after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from amparo.encounter import Encounter, parse_encounter
from amparo.engine.evaluate import determine
from amparo.engine.law import LawBook
from amparo.engine.trace import Determination
from amparo.errors import EncounterInvalid, FieldError
from amparo.rules.rules_api import COVERAGE_START
from amparo.rules.us import law_book
from amparo.rules.us.aca import ACA_RULES
from amparo.rules.us.facts import extract_facts
from amparo.screening.decision import Decision

BAR_RULES = (
    "bar.transit_2019",
    "bar.lawful_pathways_2023",
    "bar.securing_border_2024",
    "bar.entry_proclamation_2018",
)


def _check_coverage(encounter: Encounter, read_on: dt.date, from_option: bool) -> None:
    """Dates before the law pack's coverage cannot be answered: say so for this input alone."""
    start = COVERAGE_START.isoformat()
    if encounter.encountered_on < COVERAGE_START:
        problem = FieldError("/encountered_on", f"amparo's US law pack answers for encounters from {start}")
        raise EncounterInvalid([problem], encounter_id=encounter.id)
    if read_on < COVERAGE_START:
        where = "--as-of" if from_option else "/adjudicated_on"
        raise EncounterInvalid(
            [FieldError(where, f"amparo's US law pack reads the law from {start}")], encounter_id=encounter.id
        )


def screen(
    document: Mapping[str, Any], *, as_of: dt.date | None = None, law: LawBook | None = None
) -> Decision:
    """Validate and screen one encounter v1 document (EncounterInvalid if it is not valid)."""
    return screen_encounter(parse_encounter(document), as_of=as_of, law=law)


def screen_encounter(
    encounter: Encounter, *, as_of: dt.date | None = None, law: LawBook | None = None
) -> Decision:
    """Screen a parsed encounter. ``as_of`` overrides ``adjudicated_on`` (default: else ``encountered_on``)."""
    book = law or law_book()
    read_on = as_of or encounter.adjudicated_on or encounter.encountered_on
    _check_coverage(encounter, read_on, as_of is not None)
    facts = extract_facts(encounter, read_on)
    dates = {"as_of": read_on, "encountered_on": encounter.encountered_on}
    steps: list[Determination] = []

    def run(rule_id: str) -> Determination:
        result = determine(book, rule_id, facts, dates)
        steps.append(result)
        return result

    facts["unaccompanied_child"] = run("uac").outcome == "applies"
    facts["title42_expulsion"] = run("title42").outcome == "applies"

    aca_to: str | None = None
    for rule in ACA_RULES:
        result = run(rule.id)
        if aca_to is None and result.outcome == "applies":
            aca_to = str(result.value)
    facts["aca_removal"] = aca_to is not None

    bars: list[str] = []
    for rule_id in BAR_RULES:
        result = run(rule_id)
        facts[f"bar_{rule_id.removeprefix('bar.')}"] = result.outcome == "applies"
        if result.outcome == "applies":
            bars.append(str(result.value))

    mpp_amenable = run("mpp").outcome == "applies"
    standard = run("screening_standard").value
    run("confidentiality_208_6")

    flag_ids: list[str] = []
    for step in steps:
        for flag_id in step.flags:
            if flag_id not in flag_ids:
                flag_ids.append(flag_id)
    return Decision(
        encounter_id=encounter.id,
        as_of=read_on,
        encountered_on=encounter.encountered_on,
        summary={
            "title42_expulsion": facts["title42_expulsion"],
            "unaccompanied_child": facts["unaccompanied_child"],
            "aca_removal_to": aca_to,
            "asylum_bars": sorted(bars),
            "mpp_amenable": mpp_amenable,
            "protection_screening_standard": standard,
        },
        determinations=tuple(steps),
        flags=tuple(book.flag(f).as_dict() for f in flag_ids),
        ruleset_id=book.id,
        ruleset_version=book.version,
        ruleset_digest=book.digest,
    )
