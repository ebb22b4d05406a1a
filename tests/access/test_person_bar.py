"""Issue 11, the person-level bar as a property: over random people with several encounters
(each with its own nationalities and feared countries), random merges (an identity link moves
the encounters of one person to another) and every agency, role, purpose and record kind, no
agency of a country any encounter of the person names as a nationality or a fear is ever
permitted a record of ANY of the person's cases, on the facts the store builds
(:func:`amparo.access.facts.case_contexts`), whatever transfer is scheduled and whatever basis
is recorded."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from amparo.access.agencies import AGENCIES
from amparo.access.facts import case_contexts, person_facts, record_facts
from amparo.access.model import PURPOSES, Requester
from amparo.access.models import DisclosureBasisRecord
from amparo.access.policy import authorize
from amparo.engine.registry import PackRegistry
from amparo.rules.us import US_PACK
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Case, Decision, Encounter, Person, User
from amparo.store.roles import ROLES
from amparo.store.testing import fresh_sqlite

PACKS = PackRegistry([US_PACK])
COUNTRIES = ["GT", "HN", "SV", "MX"]
ON = dt.date(2025, 7, 1)
KINDS = ("encounter", "case", "decision", "case_package")

encounter_st = st.tuples(
    st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
)
people_st = st.lists(st.lists(encounter_st, min_size=1, max_size=3), min_size=1, max_size=3)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    base = tmp_path_factory.mktemp("person-bar")
    engine = make_engine(fresh_sqlite(base / "db", base / "template"))
    yield session_factory(engine)
    engine.dispose()


def _document(eid: str, nationalities: list[str], feared: list[str]) -> dict[str, object]:
    return {
        "schema": "amparo/encounter@1",
        "id": eid,
        "encountered_on": "2025-06-30",
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": nationalities, "given_names": "Ana", "surnames": "Pérez"},
        "fear_claims": [
            {"country": c, "affirmatively_stated": True, "basis": ["political_opinion"]} for c in feared
        ],
    }


def _store(session: Session, people: list[list[tuple[list[str], list[str]]]], transfer_to: str) -> list[str]:
    for table in (DisclosureBasisRecord, Decision, Case, Encounter, Person, User):
        session.execute(delete(table))
    session.add(User(id="U-1", name="o", role="officer", agency="US-CBP", token_sha256="0" * 64))
    case_ids: list[str] = []
    for p, encounters in enumerate(people):
        session.add(Person(id=f"P-{p}", nationalities=[]))
        session.flush()
        for e, (nationalities, feared) in enumerate(encounters):
            eid = f"E-{p}-{e}"
            session.add(
                Encounter(
                    id=eid,
                    person_id=f"P-{p}",
                    document=_document(eid, nationalities, feared),
                    document_sha256="0" * 64,
                    encountered_on=dt.date(2025, 6, 30),
                    nationality=nationalities[0],
                    border="southwest_land",
                    manner="between_ports",
                    agency="US-CBP",
                    received_by="U-1",
                )
            )
            session.flush()
            cid = f"C-{p}-{e}"
            session.add(
                Case(
                    id=cid,
                    encounter_id=eid,
                    person_id=f"P-{p}",
                    state="transfer_scheduled",
                    current_decision_id=f"D-{cid}",
                )
            )
            session.flush()
            session.add(
                Decision(
                    id=f"D-{cid}", case_id=cid, encounter_id=eid, sequence=1, as_of=ON, ruleset_version="t",
                    summary={"aca_removal_to": transfer_to}, trace=[], flags=[],
                    document={"ruleset": {"id": "us", "version": "t"}}, reason="intake", made_by="U-1",
                )
            )  # fmt: skip
            for recipient in (transfer_to, "GT-IGM", "UNHCR"):
                session.add(
                    DisclosureBasisRecord(
                        id=f"B-{cid}-{recipient}", case_id=cid, recipient=recipient, kind="consent",
                        legal_basis="written consent (test)", recorded_by="U-1", recorded_at="2025-06-30",
                    )
                )  # fmt: skip
            case_ids.append(cid)
    return case_ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=people_st,
    merges=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), max_size=2),
    transfer_to=st.sampled_from(["GT", "HN", "SV"]),
)
# the reproducers: a second encounter of the same person, and a link (merge), adding a
# fear of Guatemala to a Honduran whose transfer to Guatemala is scheduled with a basis
@example(people=[[(["HN"], ["HN"]), (["HN"], ["GT"])]], merges=[], transfer_to="GT")
@example(people=[[(["HN"], ["HN"])], [(["HN"], ["GT"])]], merges=[(0, 1)], transfer_to="GT")
def test_no_agency_of_a_country_the_person_names_ever_gets_a_record(
    made: sessionmaker[Session],
    people: list[list[tuple[list[str], list[str]]]],
    merges: list[tuple[int, int]],
    transfer_to: str,
) -> None:
    with transaction(made) as session:
        case_ids = _store(session, people, transfer_to)
        for keep, absorb in merges:  # an identity link: every encounter of one person moves to another
            if keep != absorb and keep < len(people) and absorb < len(people):
                for table in (Encounter, Case):
                    session.execute(
                        update(table).where(table.person_id == f"P-{absorb}").values(person_id=f"P-{keep}")
                    )
        session.flush()
        cases = [session.get(Case, cid) for cid in case_ids]
        contexts = case_contexts(session, [c for c in cases if c is not None], PACKS)
        barred_by_person: dict[str, set[str]] = {}
        for case in cases:
            assert case is not None
            encounter = session.get(Encounter, case.encounter_id)
            assert encounter is not None
            doc = encounter.document
            names = set(doc["person"]["nationalities"]) | {c["country"] for c in doc["fear_claims"]}
            barred_by_person.setdefault(case.person_id, set()).update(names)
        for case in cases:
            assert case is not None
            encounter = session.get(Encounter, case.encounter_id)
            assert encounter is not None
            person = person_facts(PACKS, encounter.document)
            barred = barred_by_person[case.person_id]
            for agency, role, purpose, kind in itertools.product(AGENCIES, ROLES, PURPOSES, KINDS):
                if agency.country not in barred:
                    continue
                facts = record_facts(kind, case.id, person, contexts[case.id])
                decision = authorize(Requester("u", role, agency.code, agency.country), facts, purpose, ON)
                assert not decision.permitted, (case.id, agency.code, role, purpose, kind, barred)
        session.rollback()
