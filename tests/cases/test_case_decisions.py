"""Decisions called directly: findings re-screen under the case's pack and keep the earlier
decisions; a new as-of date makes a new decision; findings the pack refuses name their path."""

from __future__ import annotations

import datetime as dt

import pytest
from case_support import Cases, us_encounter

from amparo.cases import decisions, reads, steps
from amparo.cases.models import CaseOut, DecisionOut, FindingOut
from amparo.errors import InputError, TransitionNotAllowed


def _case(cases: Cases) -> CaseOut:
    case_id = cases.intake(us_encounter("EX-1")).body.encounter.case_id
    assert case_id is not None
    return cases.run(reads.get_case, case_id)


def test_a_finding_rescreens_and_keeps_the_earlier_decision(cases: Cases) -> None:
    case = _case(cases)
    first_id = case.current_decision_id
    decision, updated = cases.run(
        decisions.add_findings,
        case.id,
        findings={"more_likely_than_not_harm_in": ["GT"]},
        interview="ACA threshold 1",
        interviewed_on=dt.date(2020, 2, 5),
        as_of=None,
        expected_version=case.version,
    )
    assert isinstance(decision, DecisionOut) and isinstance(updated, CaseOut)
    assert (decision.sequence, decision.reason, decision.as_of) == (2, "finding", "2020-02-03")
    assert decision.summary["aca_removal_to"] is None
    assert (updated.version, updated.current_decision_id) == (case.version + 1, decision.id)
    assert "excepted" not in updated.next_steps  # the case is still at 'screened'
    all_decisions = cases.run(reads.case_decisions, case.id)
    assert [(d.id, d.summary["aca_removal_to"]) for d in all_decisions] == [
        (first_id, "GT"),
        (decision.id, None),
    ]
    found = cases.run(reads.case_findings, case.id)
    assert all(isinstance(f, FindingOut) for f in found)
    assert [(f.key, f.value, f.interview, f.interviewed_on, f.decision_id) for f in found] == [
        ("more_likely_than_not_harm_in", ["GT"], "ACA threshold 1", "2020-02-05", decision.id)
    ]


def test_later_rescreens_keep_every_earlier_finding(cases: Cases) -> None:
    case = _case(cases)
    _d, case = cases.run(
        decisions.add_findings,
        case.id,
        findings={"more_likely_than_not_harm_in": ["GT"]},
        interview=None,
        interviewed_on=None,
        as_of=None,
        expected_version=case.version,
    )
    again, _case_after = cases.run(
        decisions.redecide, case.id, as_of=dt.date(2021, 6, 1), expected_version=None
    )
    assert (again.sequence, again.reason, again.as_of) == (3, "as_of", "2021-06-01")
    assert again.summary["aca_removal_to"] is None  # the finding still applies


def test_a_new_as_of_date_makes_a_new_decision(cases: Cases) -> None:
    case = _case(cases)
    decision, updated = cases.run(
        decisions.redecide, case.id, as_of=dt.date(2021, 6, 1), expected_version=case.version
    )
    assert (decision.as_of, decision.sequence) == ("2021-06-01", 2)
    assert updated.current_decision_id == decision.id
    got = cases.run(reads.get_decision, decision.id)
    assert got.model_dump() == decision.model_dump()
    assert [d.as_of for d in cases.run(reads.case_decisions, case.id)] == ["2020-02-03", "2021-06-01"]


def test_findings_the_pack_refuses_name_their_path_and_change_nothing(cases: Cases) -> None:
    case = _case(cases)
    with pytest.raises(InputError) as raised:
        cases.run(
            decisions.add_findings,
            case.id,
            findings={"not_a_finding": True},
            interview=None,
            interviewed_on=None,
            as_of=None,
            expected_version=None,
        )
    assert raised.value.errors[0].path.startswith("/findings/")
    assert len(cases.run(reads.case_decisions, case.id)) == 1
    assert cases.run(reads.case_findings, case.id) == []


def test_a_closed_case_takes_no_new_findings(cases: Cases) -> None:
    case = _case(cases)
    closed = cases.run(steps.transition, case.id, to="closed", reason="done", expected_version=case.version)
    with pytest.raises(TransitionNotAllowed, match="closed to new findings"):
        cases.run(
            decisions.add_findings,
            closed.id,
            findings={"more_likely_than_not_harm_in": ["GT"]},
            interview=None,
            interviewed_on=None,
            as_of=None,
            expected_version=closed.version,
        )
