"""The figures of a demo run, read back from the store: decisions by outcome, cases by state,
persons, and the audit trail's verification (each installation's own)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from amparo.demo.installation import Installation
from amparo.store.models import Case, Decision, Encounter


@dataclass
class StoreFigures:
    """The cohort as the store holds it."""

    encounters: int = 0
    screened: int = 0  # encounters with a first decision
    cases: int = 0
    persons: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    findings_of_harm: int = 0


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def outcome_keys(summary: dict[str, Any]) -> list[str]:
    """The outcome counters a current decision adds to (named by its summary keys)."""
    keys: list[str] = []
    for key, value in summary.items():
        if value is True:
            keys.append(key)
        elif isinstance(value, str) and value:
            keys.append(f"{key}:{value}")
        elif isinstance(value, list) and value:
            keys.extend(f"{key}:{item}" for item in value)
    return keys


def store_figures(installation: Installation, encounter_ids: list[str]) -> StoreFigures:
    """Count what the store holds for the cohort's encounters."""
    from amparo.store.models import Finding

    figures = StoreFigures()
    persons: set[str] = set()
    with installation.factory() as session:
        for part in _chunks(encounter_ids):
            for person_id in session.scalars(select(Encounter.person_id).where(Encounter.id.in_(part))):
                figures.encounters += 1
                persons.add(person_id)
            figures.screened += len(
                session.scalars(
                    select(Decision.id).where(Decision.encounter_id.in_(part), Decision.sequence == 1)
                ).all()
            )
            rows = session.execute(
                select(Case.id, Case.state, Decision.summary)
                .join(Decision, Decision.id == Case.current_decision_id)
                .where(Case.encounter_id.in_(part))
            )
            case_ids: list[str] = []
            for case_id, state, summary in rows:
                case_ids.append(case_id)
                figures.cases += 1
                figures.states[state] += 1
                figures.outcomes.update(outcome_keys(summary))
            figures.findings_of_harm += len(
                session.scalars(
                    select(Finding.id).where(
                        Finding.case_id.in_(case_ids), Finding.key == "more_likely_than_not_harm_in"
                    )
                ).all()
            )
    figures.persons = len(persons)
    return figures


def verify_audit(installation: Installation) -> dict[str, Any]:
    """Chain what is queued, then verify the installation's whole trail against its own key."""
    from amparo import audit
    from amparo.audit.verify import verify_rows
    from amparo.exchange.keys import b64, installation_keys

    audit.settle(installation.factory)
    trusted = frozenset({b64(installation_keys(installation.settings.data_dir).signing_public)})
    with installation.factory() as session:
        verdict = verify_rows(audit.iter_log(session), audit.head_of(session), trusted=trusted)
    return {
        "intact": verdict.ok,
        "entries": verdict.entries,
        "signed_checkpoints": verdict.checkpoints,
        "message": verdict.message,
    }


def identity_against_truth(truth_person: dict[str, str], stored_person: dict[str, str]) -> dict[str, int]:
    """How the resolution at intake matches the cohort's ground truth (encounter id -> true person,
    encounter id -> stored person): repeat crossers all of whose encounters went to one stored
    person, those spread over several, and stored persons holding more than one true person."""
    stored_of: dict[str, set[str]] = {}
    true_of: dict[str, set[str]] = {}
    encounters_of: Counter[str] = Counter()
    for encounter_id, person in truth_person.items():
        stored = stored_person.get(encounter_id)
        if stored is None:
            continue
        encounters_of[person] += 1
        stored_of.setdefault(person, set()).add(stored)
        true_of.setdefault(stored, set()).add(person)
    repeat = [p for p, n in encounters_of.items() if n > 1]
    return {
        "true_repeat_crossers": len(repeat),
        "repeat_crossers_resolved": sum(1 for p in repeat if len(stored_of[p]) == 1),
        "repeat_crossers_split": sum(1 for p in repeat if len(stored_of[p]) > 1),
        "persons_merged": sum(1 for people in true_of.values() if len(people) > 1),
    }
