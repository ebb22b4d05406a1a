"""Record facts from the store: the receiving country of a transfer comes from the law pack that
made the case's current decision, only in its workflow's transfer states; and the day of a
decision is the caller's clock (an arrangement out of force on that day refuses)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.access.facts import case_context, receiving_country, transfer_states
from amparo.access.model import DisclosureBasis, Requester
from amparo.access.users import create_user
from amparo.engine.registry import PackRegistry
from amparo.engine.workflow import ALWAYS, Workflow
from amparo.exchange import transfer
from amparo.exchange.keys import installation_keys
from amparo.rules.us import US_PACK
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Case, Decision, Encounter, Person

PACKS = PackRegistry([US_PACK])
GT_IGM = Requester("U-gt", "partner", "GT-IGM", "GT")


def test_transfer_states_are_read_from_the_workflow() -> None:
    assert transfer_states(US_PACK.workflow) == {"transfer_scheduled", "transferred"}
    toy = Workflow(
        states=("new", "review", "handover", "handed_over", "returned", "closed"),
        intake_state="new",
        first_state="review",
        transitions={
            ("new", "review"): ALWAYS,
            ("review", "handover"): ALWAYS,
            ("handover", "handed_over"): ALWAYS,
            ("review", "returned"): ALWAYS,
            ("returned", "closed"): ALWAYS,
            ("review", "closed"): ALWAYS,
        },
        removals=frozenset({"handover", "returned"}),
        terminal=frozenset({"handed_over", "closed"}),
    )
    # a removal ending in a state of its own is a transfer; one closed like any case is not
    assert transfer_states(toy) == {"handover", "handed_over"}


def test_the_receiving_country_is_the_packs_and_fails_closed() -> None:
    summary = {"aca_removal_to": "GT"}
    assert receiving_country(PACKS, "us", "transfer_scheduled", summary) == "GT"
    assert receiving_country(PACKS, "us", "transferred", summary) == "GT"
    for state in ("screened", "mpp", "closed", None):
        assert receiving_country(PACKS, "us", state, summary) is None, state
    assert receiving_country(PACKS, "not-installed", "transfer_scheduled", summary) is None
    assert receiving_country(PACKS, None, "transfer_scheduled", summary) is None
    assert receiving_country(PACKS, "us", "transfer_scheduled", {"aca_removal_to": None}) is None


@pytest.fixture
def factory(database_url: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield audit.bind_signer(session_factory(engine), installation_keys(tmp_path / "data"))
    engine.dispose()


def _case(session: Session, *, ruleset: dict[str, Any], state: str = "transfer_scheduled") -> None:
    user, _ = create_user(session, name="officer", role="officer", agency="US-CBP")
    document = {
        "schema": "amparo/encounter@1",
        "id": "E-1",
        "encountered_on": "2020-01-10",
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": ["HN"], "given_names": "Ana", "surnames": "Pérez"},
        "fear_claims": [{"country": "HN", "affirmatively_stated": True, "basis": ["political_opinion"]}],
    }
    session.add(Person(id="P-1", nationalities=["HN"]))
    session.flush()
    session.add(
        Encounter(
            id="E-1",
            person_id="P-1",
            document=document,
            document_sha256="0" * 64,
            encountered_on=dt.date(2020, 1, 10),
            nationality="HN",
            border="southwest_land",
            manner="between_ports",
            agency="US-CBP",
            received_by=user.id,
        )
    )
    session.flush()
    session.add(Case(id="C-1", encounter_id="E-1", person_id="P-1", state=state, current_decision_id="D-1"))
    session.flush()
    session.add(
        Decision(
            id="D-1",
            case_id="C-1",
            encounter_id="E-1",
            sequence=1,
            as_of=dt.date(2020, 1, 10),
            ruleset_version="test",
            summary={"aca_removal_to": "GT"},
            trace=[],
            flags=[],
            document={"ruleset": ruleset},
            reason="intake",
            made_by=user.id,
        )
    )
    session.flush()
    transfer.record_basis(
        session, "C-1", recipient="GT", kind="decision", legal_basis="a decision (test)", actor="test"
    )


def test_a_stored_case_gets_its_packs_receiving_country(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        _case(session, ruleset={"id": "us", "version": "test"})
        context = case_context(session, session.get_one(Case, "C-1"), PACKS)
    assert context.receiving_country == "GT"
    assert context.bases == (DisclosureBasis("GT", "decision", "a decision (test)"),)


def test_a_decision_of_a_pack_not_installed_gives_no_receiving_country(
    factory: sessionmaker[Session],
) -> None:
    with transaction(factory) as session:
        _case(session, ruleset={"id": "elsewhere", "version": "1"})
        context = case_context(session, session.get_one(Case, "C-1"), PACKS)
        assert context.receiving_country is None
        on = dt.date(2025, 7, 1)
        assert transfer.package_for(session, GT_IGM, "C-1", "aca_transfer", packs=PACKS, on=on) is None


def test_the_day_of_the_decision_is_the_callers(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        _case(session, ruleset={"id": "us", "version": "test"})
    read = {}
    # in force 2019-11-21..2021-02-05 and from 2025-06-27; none in between (arrangements.yaml)
    for day in (dt.date(2020, 6, 1), dt.date(2023, 1, 1), dt.date(2025, 7, 1)):
        with transaction(factory) as session:
            read[day] = transfer.package_for(session, GT_IGM, "C-1", "aca_transfer", packs=PACKS, on=day)
    assert read[dt.date(2023, 1, 1)] is None
    for day in (dt.date(2020, 6, 1), dt.date(2025, 7, 1)):
        view = read[day]
        assert view is not None and view["aca_transfer"]["receiving_country"] == "GT", day
        assert "fear_claims" not in view
