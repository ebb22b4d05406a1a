"""Workflow steps called directly: guards from the case's pack, removals only through a different
supervisor's concurrence, refusals, step deadlines and legal clocks, and stale versions."""

from __future__ import annotations

import datetime as dt

import pytest
from case_packs import arrival
from case_support import Cases, us_encounter
from sqlalchemy import select, update

from amparo.cases import decisions, reads, steps
from amparo.cases.models import CaseOut
from amparo.errors import InputError, StaleVersion, TransitionNotAllowed
from amparo.store.db import transaction
from amparo.store.models import Case, Deadline


def _case(cases: Cases, document: dict[str, object]) -> CaseOut:
    case_id = cases.intake(document).body.encounter.case_id
    assert case_id is not None
    return cases.run(reads.get_case, case_id)


def _move(cases: Cases, case: CaseOut, to: str, user: str = "officer") -> CaseOut:
    return cases.run(steps.transition, case.id, to=to, reason=None, expected_version=case.version, user=user)


def _concur(cases: Cases, case: CaseOut, user: str, concur: bool = True) -> CaseOut:
    return cases.run(
        steps.concur, case.id, concur=concur, reason=None, expected_version=case.version, user=user
    )


def _deadlines(cases: Cases, case_id: str) -> dict[str, bool]:
    """Each deadline of the case by step: whether it is still open."""
    with transaction(cases.factory) as session:
        rows = session.scalars(select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.due_at))
        return {d.step: d.met_at is None for d in rows}


def test_a_us_transfer_needs_the_concurrence_of_a_different_supervisor(cases: Cases) -> None:
    case = _case(cases, us_encounter("EX-1"))
    assert case.next_steps == ["aca_threshold_interview", "closed", "mpp", "section_240"]
    case = _move(cases, case, "aca_threshold_interview")
    proposed = _move(cases, case, "transfer_scheduled", user="supervisor")
    assert (proposed.state, proposed.pending_target, proposed.proposed_by) == (
        "supervisor_concurrence",
        "transfer_scheduled",
        cases.actors["supervisor"].id,
    )
    assert proposed.next_steps == []
    with pytest.raises(TransitionNotAllowed, match="different user"):
        _concur(cases, proposed, "supervisor")
    done = _concur(cases, proposed, "supervisor2")
    assert (done.state, done.concurred_by, done.version) == (
        "transfer_scheduled",
        cases.actors["supervisor2"].id,
        4,
    )
    steps_taken = cases.run(reads.case_transitions, case.id)
    assert [(t.from_state, t.to_state) for t in steps_taken] == [
        ("intake", "screened"),
        ("screened", "aca_threshold_interview"),
        ("aca_threshold_interview", "supervisor_concurrence"),
        ("supervisor_concurrence", "transfer_scheduled"),
    ]


def test_a_refused_removal_goes_back_to_the_step_it_was_proposed_from(cases: Cases) -> None:
    case = _case(cases, us_encounter("EX-1"))
    proposed = _move(cases, case, "mpp", user="supervisor")
    assert (proposed.state, proposed.pending_target) == ("supervisor_concurrence", "mpp")
    back = _concur(cases, proposed, "supervisor2", concur=False)
    assert (back.state, back.pending_target, back.proposed_by) == ("screened", None, None)
    with pytest.raises(TransitionNotAllowed, match="no removal awaits"):
        _concur(cases, back, "supervisor2")


def test_guards_read_the_current_decision_of_the_cases_own_pack(cases: Cases) -> None:
    case = _case(cases, arrival("AR-1"))
    assert case.next_steps == ["closed", "returned"]
    with pytest.raises(TransitionNotAllowed, match="still allows the return"):
        _move(cases, case, "protected")
    with pytest.raises(InputError, match="not a workflow state"):
        _move(cases, case, "aca_threshold_interview")  # a US state means nothing to this pack
    _decision, case = cases.run(
        decisions.add_findings,
        case.id,
        findings={"danger_in": ["CC"]},
        interview=None,
        interviewed_on=None,
        as_of=None,
        expected_version=case.version,
    )
    assert case.next_steps == ["closed", "protected"]
    with pytest.raises(TransitionNotAllowed, match="allows no return"):
        _move(cases, case, "returned", user="supervisor")
    assert _move(cases, case, "protected").state == "protected"


def test_a_workflow_step_meets_the_step_deadline_but_never_a_legal_clock(cases: Cases) -> None:
    case = _case(cases, arrival("AR-1"))
    assert _deadlines(cases, case.id) == {"registered": True, "return_request": True}
    proposed = _move(cases, case, "returned", user="supervisor")
    assert _deadlines(cases, case.id) == {"registered": False, "return_request": True}
    done = _concur(cases, proposed, "supervisor2")
    assert done.state == "returned"
    assert _deadlines(cases, case.id)["return_request"] is True


def test_a_decision_that_no_longer_sets_a_legal_clock_closes_it(cases: Cases) -> None:
    case = _case(cases, arrival("AR-1"))
    cases.run(
        decisions.add_findings,
        case.id,
        findings={"danger_in": ["CC"]},
        interview="first",
        interviewed_on=None,
        as_of=None,
        expected_version=case.version,
    )
    assert _deadlines(cases, case.id) == {"registered": True, "return_request": False}


def test_each_update_refuses_a_stale_version(cases: Cases) -> None:
    case = _case(cases, us_encounter("EX-1"))
    stale = case.version - 1
    with pytest.raises(StaleVersion):
        cases.run(steps.transition, case.id, to="closed", reason=None, expected_version=stale)
    with pytest.raises(StaleVersion):
        cases.run(steps.concur, case.id, concur=True, reason=None, expected_version=stale, user="supervisor")
    with pytest.raises(StaleVersion):
        cases.run(
            decisions.add_findings,
            case.id,
            findings={"more_likely_than_not_harm_in": ["GT"]},
            interview=None,
            interviewed_on=None,
            as_of=None,
            expected_version=stale,
        )
    with pytest.raises(StaleVersion):
        cases.run(decisions.redecide, case.id, as_of=dt.date(2021, 6, 1), expected_version=stale)
    after = cases.run(reads.get_case, case.id)
    assert (after.version, after.state, after.current_decision_id) == (
        case.version,
        case.state,
        case.current_decision_id,
    )


def test_an_update_that_loses_the_race_is_stale_and_changes_nothing(cases: Cases) -> None:
    case = _case(cases, us_encounter("EX-1"))
    with pytest.raises(StaleVersion) as raised, transaction(cases.factory) as session:
        loaded = session.get(Case, case.id)  # this session now holds version 1
        assert loaded is not None and loaded.version == 1
        # another writer moves the case on behind this session's back
        session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(version=2)
            .execution_options(synchronize_session=False)
        )
        steps.transition(
            session,
            cases.packs,
            cases.actors["officer"],
            case.id,
            to="closed",
            reason=None,
            expected_version=1,
        )
    assert (raised.value.given, raised.value.current) == ("1", "2")
    after = cases.run(reads.get_case, case.id)
    assert (after.state, after.version) == ("screened", 1)  # the whole transaction rolled back
