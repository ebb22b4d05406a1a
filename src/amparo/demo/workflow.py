"""Step 3: the case workflow of the ACA cases, through the case services the API uses.

For every case whose decision makes the person amenable to a transfer to Guatemala and whose
nationality the agreement was applied to (Honduras, El Salvador; no transfer of a Mexican was
confirmed, so the demo does not initiate one for the Mexicans the USCIS email called amenable):

1. the officer opens the threshold interview (``aca_threshold_interview``);
2. a person who states a fear of Guatemala there gets the officer's findings: harm there found
   more likely than not re-screens the case (excepted, then credible fear); otherwise the
   statement is noted and nothing is established (absent means not established);
3. a supervisor proposes the transfer (the case enters ``supervisor_concurrence``) and a second
   supervisor concurs: the case is ``transfer_scheduled``.

Each step runs only when the case is in the state before it, so a second run continues where the
first stopped and redoes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.cases.decisions import add_findings
from amparo.cases.steps import add_note, concur, transition
from amparo.demo.cohort import Cohort
from amparo.demo.installation import Installation
from amparo.demo.intake import IntakeTally
from amparo.errors import NotFound
from amparo.store.models import Case, Decision

INITIATED_FOR = frozenset({"HN", "SV"})
INTERVIEW = "ACA threshold interview (8 CFR 208.30(e)(7))"


@dataclass
class WorkflowTally:
    """What the workflow step did, and where the cases stand after it."""

    aca_amenable: int = 0
    not_initiated: Counter[str] = field(default_factory=Counter)  # by nationality
    interviews: int = 0
    fear_of_guatemala: int = 0
    harm_found: int = 0
    proposed: int = 0
    concurred: int = 0
    states: Counter[str] = field(default_factory=Counter)  # the ACA cases' states after the step


@dataclass(frozen=True)
class AcaCase:
    """A case the agreement reaches, as the demo reads it from the store."""

    case_id: str
    encounter_id: str
    nationality: str
    encountered_on: dt.date
    interviewed_on: dt.date


def aca_cases(installation: Installation, cohort: Cohort, tally: IntakeTally) -> list[AcaCase]:
    """The cohort's cases whose first decision says ``aca_removal_to`` GT."""
    found: list[AcaCase] = []
    documents = {d["id"]: d for d in cohort.documents}
    case_ids = list(tally.case_of.values())
    with installation.factory() as session:
        for chunk in range(0, len(case_ids), 500):
            rows = session.execute(
                select(Case.id, Case.encounter_id, Decision.summary)
                .join(Decision, (Decision.case_id == Case.id) & (Decision.sequence == 1))
                .where(Case.id.in_(case_ids[chunk : chunk + 500]))
            )
            for case_id, encounter_id, summary in rows:
                if summary.get("aca_removal_to") != "GT":
                    continue
                document = documents[encounter_id]
                found.append(
                    AcaCase(
                        case_id,
                        encounter_id,
                        document["person"]["nationalities"][0],
                        dt.date.fromisoformat(document["encountered_on"]),
                        dt.date.fromisoformat(document.get("adjudicated_on") or document["encountered_on"]),
                    )
                )
    return sorted(found, key=lambda c: (c.encountered_on, c.case_id))


def _state(session: Session, case_id: str) -> tuple[str, int]:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    return case.state, case.version


def _advance_case(installation: Installation, cohort: Cohort, case: AcaCase, tally: WorkflowTally) -> None:
    packs = installation.packs
    officer = installation.actors["demo-officer"]
    proposer = installation.actors["demo-supervisor"]
    second = installation.actors["demo-supervisor-2"]
    truth = cohort.truth[case.encounter_id]
    for _ in range(6):  # at most the five steps below, each once
        with installation.session() as session:
            state, version = _state(session, case.case_id)
            if state == "screened":
                transition(
                    session, packs, officer, case.case_id, to="aca_threshold_interview",
                    reason="DHS initiates the ACA threshold screening", expected_version=version,
                )  # fmt: skip
                tally.interviews += 1
            elif state == "aca_threshold_interview" and truth.harm_found_in_guatemala:
                decision, shown = add_findings(
                    session, packs, officer, case.case_id,
                    findings={"more_likely_than_not_harm_in": ["GT"]}, interview=INTERVIEW,
                    interviewed_on=case.interviewed_on, as_of=None, expected_version=version,
                )  # fmt: skip
                tally.fear_of_guatemala += 1
                tally.harm_found += 1
                transition(
                    session, packs, officer, case.case_id, to="excepted",
                    reason="harm in Guatemala found more likely than not", expected_version=shown.version,
                )  # fmt: skip
            elif state == "aca_threshold_interview":
                if truth.fear_of_guatemala:
                    add_note(
                        session, packs, officer, case.case_id,
                        "Stated a fear of Guatemala at the threshold interview; harm there was not found "
                        "more likely than not (nothing established).",
                    )  # fmt: skip
                    tally.fear_of_guatemala += 1
                transition(
                    session, packs, proposer, case.case_id, to="transfer_scheduled",
                    reason="no exception applies; transfer to Guatemala proposed", expected_version=version,
                )  # fmt: skip
                tally.proposed += 1
            elif state == "supervisor_concurrence":
                concur(
                    session, packs, second, case.case_id, concur=True,
                    reason="second supervisor concurs", expected_version=version,
                )  # fmt: skip
                tally.concurred += 1
            elif state == "excepted":
                transition(
                    session, packs, officer, case.case_id, to="credible_fear",
                    reason="excepted from the ACA: credible fear screening", expected_version=version,
                )  # fmt: skip
            else:
                return


def run_workflow(
    installation: Installation, cohort: Cohort, cases: list[AcaCase], advance: Callable[[], None]
) -> WorkflowTally:
    """Take every ACA case of the cohort as far as the workflow goes before transfer planning."""
    tally = WorkflowTally(aca_amenable=len(cases))
    for case in cases:
        if case.nationality in INITIATED_FOR:
            _advance_case(installation, cohort, case, tally)
        else:
            tally.not_initiated[case.nationality] += 1
        advance()
    with installation.factory() as session:
        for case in cases:
            tally.states[_state(session, case.case_id)[0]] += 1
    return tally
