"""Capacity as dated data in the store, and plans as proposals decided by a supervisor (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.audit.models import AuditEntry
from amparo.errors import InputError, NotFound
from amparo.store.db import make_engine, session_factory, transaction
from amparo.transfers import capacity_store, proposals
from amparo.transfers.loading import parse_cases
from amparo.transfers.model import Slot
from amparo.transfers.planner import plan

from .conftest import case
from .plan_checker import violations

D = dt.date


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _actions(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    audit.settle(factory)
    with factory() as session:
        return [(e.actor, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_dated_capacity_values_are_superseded_never_overwritten_and_audited(factory) -> None:
    with transaction(factory) as session:
        first = capacity_store.record_value(
            session,
            actor="admin1",
            receiving_country="GT",
            measure="monthly_cap_people",
            value=250,
            valid_from=D(2019, 11, 1),
            source="scenario",
        )
        capacity_store.record_value(
            session,
            actor="admin1",
            receiving_country="GT",
            measure="monthly_cap_people",
            value=12,
            valid_from=D(2020, 2, 1),
            valid_to=D(2020, 4, 1),
            source="19 GUATEMALA 536",
        )
    with transaction(factory) as session:
        assert capacity_store.value_on(session, "GT", "monthly_cap_people", D(2019, 10, 31)) is None
        assert capacity_store.value_on(session, "GT", "monthly_cap_people", D(2020, 1, 15)) == 250
        assert capacity_store.value_on(session, "GT", "monthly_cap_people", D(2020, 2, 1)) == 12
        assert capacity_store.value_on(session, "GT", "monthly_cap_people", D(2020, 4, 1)) is None
        second = capacity_store.record_value(
            session,
            actor="admin2",
            receiving_country="GT",
            measure="monthly_cap_people",
            value=200,
            valid_from=D(2019, 11, 1),
            source="corrected",
        )
    with transaction(factory) as session:
        assert capacity_store.value_on(session, "GT", "monthly_cap_people", D(2020, 1, 15)) == 200
        from amparo.transfers.tables import CapacityValue

        assert session.get(CapacityValue, first).superseded_by == second  # type: ignore[union-attr]
    assert _actions(factory).count(("admin2", "transfers.capacity.set")) == 1
    with pytest.raises(InputError) as caught, transaction(factory) as session:
        capacity_store.record_value(
            session,
            actor="a",
            receiving_country="Guatemala",
            measure="seats",
            value=-1,
            valid_from=D(2020, 1, 1),
            source=" ",
        )
    paths = {e.path for e in caught.value.errors}
    assert paths == {"/receiving_country", "/measure", "/value", "/source"}


def test_the_shipped_figures_load_with_their_sources(factory) -> None:
    with transaction(factory) as session:
        ids = capacity_store.load_shipped(session, actor="admin")
        assert len(ids) == 6
        assert capacity_store.value_on(session, "GT", "adjudicators", D(2019, 9, 1)) == 4
        assert capacity_store.value_on(session, "GT", "shelter_places", D(2020, 1, 1)) == 0
        assert capacity_store.value_on(session, "HN", "monthly_cap_people", D(2020, 1, 1)) == 7


def _stored_capacity(factory) -> None:
    with transaction(factory) as session:
        for slot in (
            Slot("S1", D(2020, 1, 10), "GT", 3),
            Slot("S2", D(2020, 1, 20), "GT", 3),
            Slot("S3", D(2020, 2, 5), "GT", 3),
        ):
            capacity_store.record_slot(session, actor="admin", slot=slot)
        capacity_store.record_value(
            session,
            actor="admin",
            receiving_country="GT",
            measure="monthly_cap_people",
            value=5,
            valid_from=D(2020, 1, 1),
            source="test",
        )


def test_a_plan_over_stored_capacity_is_a_proposal_each_decision_recorded(factory) -> None:
    _stored_capacity(factory)
    rows = [
        case("A1", group_id="FA", waiting_since="2019-01-01"),
        case("A2", group_id="FA", waiting_since="2019-01-01"),
        case("B", waiting_since="2019-02-01"),
        case("C", waiting_since="2019-03-01"),
        case("D", waiting_since="2019-04-01", earliest="2020-01-15"),
        case("E", waiting_since="2019-05-01"),
        case("F", waiting_since="2019-06-01"),
        case("G", waiting_since="2019-07-01"),
        case("H", waiting_since="2019-08-01"),
        case("V", vulnerable=True),
    ]
    cases = parse_cases(rows)
    with transaction(factory) as session:
        capacity = capacity_store.capacity_for(session, D(2020, 1, 1), D(2020, 2, 29))
        assert [c.people for c in capacity.monthly_caps] == [5, 5]
        made = plan(cases, capacity, time_limit=10)
        assert (
            violations(
                rows,
                {
                    "slots": [
                        {
                            "slot_id": s.slot_id,
                            "date": s.date.isoformat(),
                            "receiving_country": s.receiving_country,
                            "seats": s.seats,
                        }
                        for s in capacity.slots
                    ],
                    "monthly_caps": [
                        {"receiving_country": "GT", "month": c.month, "people": c.people}
                        for c in capacity.monthly_caps
                    ],
                },
                made.as_dict(),
            )
            == []
        )
        plan_id = proposals.save_plan(
            session, made, cases, capacity, actor="planner1", period=(D(2020, 1, 1), D(2020, 2, 29))
        )
    assert made.people_assigned == 8  # 5 in January (the cap), 3 in February (the seats)
    with transaction(factory) as session:
        view = proposals.plan_view(session, plan_id)
        assert {p["decision"] for p in view["proposals"]} == {"pending"}
        proposed = {p["case_id"]: p["proposed_slot_id"] for p in view["proposals"]}
        assert proposed["A1"] == proposed["A2"] is not None
        assert proposals.accepted_slot(session, "A1") is None
        decided = proposals.decide(session, plan_id, "A1", actor="sup1", decision="accepted")
        assert sorted(decided) == ["A1", "A2"]  # the family is decided together
        proposals.decide(session, plan_id, "B", actor="sup1", decision="rejected", note="pending appeal")
    with transaction(factory) as session:
        assert proposals.accepted_slot(session, "A2") == (plan_id, proposed["A1"])
        assert proposals.accepted_slot(session, "B") is None
        view = {p["case_id"]: p for p in proposals.plan_view(session, plan_id)["proposals"]}
        assert view["A1"]["decided_by"] == "sup1" and view["A1"]["decided_at"]
        assert view["B"]["decision"] == "rejected" and view["B"]["note"] == "pending appeal"
    # B's rejection freed a seat; moving an unplanned case there is an edit, checked for room
    unplanned = [c for c, s in proposed.items() if s is None and c != "V"]
    assert unplanned
    with transaction(factory) as session:
        freed = proposed["B"]
        assert freed is not None
        proposals.decide(session, plan_id, unplanned[0], actor="sup2", decision="edited", slot_id=freed)
    with transaction(factory) as session:
        assert proposals.accepted_slot(session, unplanned[0]) == (plan_id, freed)
    actions = _actions(factory)
    assert ("planner1", "transfers.plan.propose") in actions
    assert ("sup1", "transfers.plan.accept") in actions
    assert ("sup1", "transfers.plan.reject") in actions
    assert ("sup2", "transfers.plan.edit") in actions


def test_edits_keep_the_hard_rules_and_the_capacity(factory) -> None:
    _stored_capacity(factory)
    rows = [case(f"C{i}", waiting_since=f"2019-0{i + 1}-01") for i in range(9)]
    rows += [case("V", vulnerable=True), case("W", earliest="2020-02-01")]
    cases = parse_cases(rows)
    with transaction(factory) as session:
        capacity = capacity_store.capacity_for(session, D(2020, 1, 1), D(2020, 2, 29))
        made = plan(cases, capacity, time_limit=10)
        plan_id = proposals.save_plan(session, made, cases, capacity, actor="planner1")
    left = next(u.case_id for u in made.unassigned if u.case_id.startswith("C"))
    for case_id, slot_id, words in (
        ("V", "S1", "vulnerable"),
        ("W", "S1", "window"),
        (left, "S9", "no slot"),
        (left, "S1", "no room"),
    ):
        with pytest.raises(InputError) as caught, transaction(factory) as session:
            proposals.decide(session, plan_id, case_id, actor="sup", decision="edited", slot_id=slot_id)
        assert caught.value.errors[0].path == "/slot_id"
        assert words in caught.value.errors[0].message
    with pytest.raises(InputError), transaction(factory) as session:
        proposals.decide(session, plan_id, "V", actor="sup", decision="accepted")
    with pytest.raises(NotFound), transaction(factory) as session:
        proposals.decide(session, "TP-none", "C0", actor="sup", decision="accepted")


def test_capacity_for_a_period_reads_the_dated_values(factory) -> None:
    with transaction(factory) as session:
        for slot in (
            Slot("A", D(2020, 1, 5), "GT", 9),
            Slot("B", D(2020, 2, 20), "GT", 9),
            Slot("Z", D(2020, 5, 1), "GT", 9),
        ):
            capacity_store.record_slot(session, actor="admin", slot=slot)
        for measure, value, start in (
            ("monthly_cap_people", 30, D(2019, 12, 1)),
            ("monthly_cap_people", 10, D(2020, 2, 1)),
            ("shelter_places", 40, D(2020, 1, 1)),
            ("shelter_places", 25, D(2020, 2, 15)),
            ("shelter_stay_days", 14, D(2020, 1, 1)),
            ("shelter_stay_days", 30, D(2020, 2, 1)),
        ):
            capacity_store.record_value(
                session,
                actor="admin",
                receiving_country="GT",
                measure=measure,
                value=value,
                valid_from=start,
                source="t",
            )
        capacity = capacity_store.capacity_for(session, D(2020, 1, 1), D(2020, 3, 31))
    assert [s.slot_id for s in capacity.slots] == ["A", "B"]
    assert [(c.month, c.people) for c in capacity.monthly_caps] == [
        ("2020-01", 30),
        ("2020-02", 10),
        ("2020-03", 10),
    ]
    assert [(s.places, s.stay_days) for s in capacity.shelter] == [
        (25, 30)
    ]  # the fewest places, the longest stay
