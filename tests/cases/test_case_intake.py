"""Intake called directly: idempotent on the document id, typed results, the pack chosen by the
document's schema and everything the case gets (state, steps, deadlines, columns) from that pack."""

from __future__ import annotations

import datetime as dt

import pytest
from case_packs import arrival
from case_support import Cases, us_encounter
from sqlalchemy import select

from amparo.cases.intake import intake
from amparo.cases.models import DecisionOut, EncounterOut, IntakeOut
from amparo.errors import Conflict, InputError
from amparo.store.db import transaction
from amparo.store.models import Case, Deadline, Encounter, Person, Transition


def test_first_intake_creates_and_an_identical_replay_returns_the_same_typed_body(cases: Cases) -> None:
    doc = us_encounter("EX-1")
    first = cases.intake(doc)
    assert first.created is True
    assert isinstance(first.body, IntakeOut)
    assert isinstance(first.body.encounter, EncounterOut)
    assert isinstance(first.body.decision, DecisionOut)
    assert first.body.encounter.document == doc
    assert first.body.decision.summary["aca_removal_to"] == "GT"
    assert first.body.decision.sequence == 1
    assert first.body.decision.reason == "intake"
    replay = cases.intake(dict(reversed(list(doc.items()))))  # the same document, keys in another order
    assert replay.created is False
    assert replay.body.document_first() == first.body.document_first()
    with transaction(cases.factory) as session:
        assert session.scalar(select(Encounter.id).where(Encounter.id == "EX-1")) == "EX-1"
        assert len(session.scalars(select(Case)).all()) == 1


def test_the_intake_answer_keeps_the_decision_document_order_then_where_it_is_stored(cases: Cases) -> None:
    body = cases.intake(us_encounter("EX-1")).body.document_first()
    decision_keys = list(body["decision"])
    assert decision_keys[:5] == ["encounter_id", "as_of", "summary", "trace", "flags"]
    assert decision_keys.index("ruleset") < decision_keys.index("id")
    assert decision_keys[-7:] == [
        "id",
        "case_id",
        "sequence",
        "reason",
        "made_by",
        "made_at",
        "ruleset_version",
    ]
    assert list(body["encounter"]) == list(EncounterOut.model_fields)


def test_another_document_under_the_same_id_is_a_conflict(cases: Cases) -> None:
    cases.intake(us_encounter("EX-1"))
    with pytest.raises(Conflict):
        cases.intake(us_encounter("EX-1", encountered_on="2020-02-04"))


def test_the_id_in_the_path_must_be_the_documents(cases: Cases) -> None:
    with pytest.raises(InputError) as raised, transaction(cases.factory) as session:
        intake(session, cases.packs, cases.actors["officer"], "OTHER", us_encounter("EX-1"))
    assert [e.path for e in raised.value.errors] == ["/id"]


def test_a_document_no_installed_pack_reads_is_refused_naming_its_schema(cases: Cases) -> None:
    with pytest.raises(InputError) as raised:
        cases.intake(arrival("AR-1", schema="amparo-test/unknown@9"))
    assert [e.path for e in raised.value.errors] == ["/schema"]
    assert "amparo-test/arrival@1" in raised.value.errors[0].message


def test_an_invalid_document_is_refused_with_the_paths_its_pack_names(cases: Cases) -> None:
    with pytest.raises(InputError) as raised:
        cases.intake(arrival("AR-1", arrived_on="yesterday", nationality="A"))
    assert sorted(e.path for e in raised.value.errors) == ["/arrived_on", "/nationality"]
    with transaction(cases.factory) as session:
        assert session.scalars(select(Encounter)).all() == []


def test_another_packs_document_gets_that_packs_workflow_clocks_and_person(cases: Cases) -> None:
    result = cases.intake(arrival("AR-1", arrived_on="2024-03-01", nationality="BB"))
    assert result.created is True
    assert result.body.decision.summary == {"return_to": "CC", "return_by": "2024-03-11"}
    assert result.body.decision.model_extra is not None
    assert result.body.decision.model_extra["ruleset"]["id"] == "arrivals"
    assert "confidentiality" not in result.body.decision.model_extra  # the arrival pack sets none
    with transaction(cases.factory) as session:
        encounter = session.get(Encounter, "AR-1")
        assert encounter is not None
        assert (encounter.encountered_on, encounter.nationality) == (dt.date(2024, 3, 1), "BB")
        person = session.get(Person, encounter.person_id)
        assert person is not None
        assert (person.given_names, person.nationalities) == ("Ana Prueba", ["BB"])
        case = session.scalars(select(Case).where(Case.encounter_id == "AR-1")).one()
        assert (case.state, case.version) == ("registered", 1)
        steps = session.scalars(select(Transition).where(Transition.case_id == case.id)).all()
        assert [(t.from_state, t.to_state) for t in steps] == [("new", "registered")]
        deadlines = {d.step: d for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
        assert set(deadlines) == {"registered", "return_request"}
        # the legal clock runs out at the end of 2024-03-11 in the pack's time zone (UTC)
        assert deadlines["return_request"].due_at == dt.datetime(2024, 3, 12, tzinfo=dt.UTC)
        assert deadlines["registered"].due_at - steps[0].at == dt.timedelta(days=5)


def test_a_us_encounter_opens_a_us_case(cases: Cases) -> None:
    cases.intake(us_encounter("EX-1"))
    with transaction(cases.factory) as session:
        case = session.scalars(select(Case)).one()
        assert case.state == "screened"
        steps = session.scalars(select(Transition).where(Transition.case_id == case.id)).all()
        assert [(t.from_state, t.to_state, t.reason) for t in steps] == [
            ("intake", "screened", "screened at intake")
        ]
        assert [d.step for d in session.scalars(select(Deadline))] == ["screened"]
        encounter = session.get(Encounter, "EX-1")
        assert encounter is not None
        assert (encounter.border, encounter.manner, encounter.nationality) == (
            "southwest_land",
            "between_ports",
            "HN",
        )
