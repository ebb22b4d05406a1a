"""The intake hook: a new encounter joins the person already known, says why, and its identity
rows (keys, link, review) are returned for the intake statement instead of written aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amparo.identity import blocking
from amparo.identity.intake import resolve_at_intake
from amparo.identity.tables import IdentityKey, IdentityLink, IdentityReview
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Person, utcnow
from amparo.store.multi_insert import insert_rows
from amparo.store.testing import fresh_sqlite

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _doc(eid: str, given: str, surnames: str, birth: str, nationality: str = "HN") -> dict[str, Any]:
    return {
        "id": eid,
        "person": {
            "given_names": given,
            "surnames": surnames,
            "birth_date": birth,
            "nationalities": [nationality],
            "sex": "M",
        },
    }


@pytest.fixture
def factory(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "identity-template")
    return session_factory(make_engine(url))


def _add_person(
    factory: Any, pid: str, given: str, surnames: str, birth: str, nationality: str = "HN"
) -> None:
    with transaction(factory) as session:
        person = Person(
            id=pid,
            given_names=given,
            surnames=surnames,
            birth_date=dt.date.fromisoformat(birth),
            nationalities=[nationality],
        )
        session.add(person)
        session.flush()
        blocking.index_person(session, person)


def _intake(factory: Any, doc: dict[str, Any], new_person_id: str = "P-new") -> str:
    """What the intake service does: resolve, then write the person (when new) and the rows."""
    with transaction(factory) as session:
        identity = resolve_at_intake(session, doc)
        person_id = identity.person_id or new_person_id
        if identity.person_id is None:
            named = doc["person"]
            session.add(
                Person(
                    id=person_id,
                    given_names=named["given_names"],
                    surnames=named["surnames"],
                    birth_date=dt.date.fromisoformat(named["birth_date"]),
                    nationalities=named["nationalities"],
                )
            )
            session.flush()
        insert_rows(session, identity.rows(person_id, utcnow()))
    return person_id


def test_variant_of_a_known_person_links_and_explains(factory: Any) -> None:
    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    _add_person(factory, "P-2", "María Elena", "Hernández López", "1995-07-19")
    _add_person(factory, "P-3", "Juan Carlos", "Pérez Gómez", "1980-01-01")
    assert _intake(factory, _doc("E-9", "Chepe Armando", "HERNANDEZ", "1991-02-04")) == "P-1"
    with factory() as session:
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "E-9")).one()
        keys = set(session.scalars(select(IdentityKey.key).where(IdentityKey.person_id == "P-1")))
    assert (link.outcome, link.person_id) == ("link", "P-1")
    assert link.match_probability is not None and link.match_probability >= 0.8
    fields = {f["comparison"]: f for f in link.explanation["fields"]}
    assert fields["birth_date"]["level"] == "day and month swapped"
    assert "given_names" in link.explanation["agreed"]
    assert "d:1991-02-04" in keys  # the variant's date now finds P-1 directly


def test_a_stranger_is_a_new_person(factory: Any) -> None:
    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    assert _intake(factory, _doc("E-2", "Wendy", "Zelaya Funes", "2001-09-30"), "P-2") == "P-2"
    with factory() as session:
        nameless = resolve_at_intake(session, {"id": "E-3", "person": {"nationalities": ["HN"]}})
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "E-2")).one()
    assert (link.outcome, link.person_id) == ("distinct", "P-2")
    assert nameless.person_id is None and nameless.resolution.outcome == "distinct"


def test_an_uncertain_match_goes_to_review(factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from amparo.identity import outcomes

    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    # The candidate scores between the review floor and an auto-link bar raised above 1.
    monkeypatch.setattr(outcomes, "AUTO_LINK", 1.01)
    assert _intake(factory, _doc("E-4", "Jose", "Hernandez Lopez", "1991-04-02"), "P-4") == "P-4"
    with factory() as session:
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "E-4")).one()
        reviews = session.scalars(select(IdentityReview)).all()
    assert link.outcome == "review"
    assert [(r.candidate_person_id, r.status) for r in reviews] == [("P-1", "open")]
    assert reviews[0].explanation["best_candidate"] == "P-1"


def test_a_new_person_is_indexed_by_the_rows_of_its_own_intake(factory: Any) -> None:
    assert _intake(factory, _doc("E-1", "Ana Lucía", "Paz Zelaya", "1990-05-06"), "P-new") == "P-new"
    with factory() as session:
        keys = set(session.scalars(select(IdentityKey.key).where(IdentityKey.person_id == "P-new")))
    assert {"d:1990-05-06", "gs:ANA|PAZ", "gs:ANA|ZELAYA"} <= keys
    assert _intake(factory, _doc("E-2", "ANA", "PAZ", "1990-06-05")) == "P-new"


def test_resolving_writes_nothing_and_registers_no_listener(factory: Any) -> None:
    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    with factory() as session:
        resolve_at_intake(session, _doc("E-1", "Jose", "Hernandez", "1991-04-02"))
        assert not session.new and not session.dirty
        assert not any(k.startswith("amparo_identity") for k in session.info)


def test_the_catch_up_indexes_persons_stored_without_keys(factory: Any) -> None:
    with transaction(factory) as session:
        for i in range(5):
            session.add(
                Person(id=f"P-{i}", given_names="Ana", surnames=f"Paz{i}", birth_date=dt.date(1990, 1, 1 + i))
            )
        session.add(Person(id="P-nameless", nationalities=["HN"]))
    with transaction(factory) as session:
        assert blocking.index_unindexed_persons(session, batch=2) == 6
    with transaction(factory) as session:
        assert blocking.index_unindexed_persons(session) == 1  # only the one without any key
        assert session.scalar(select(IdentityKey.key).where(IdentityKey.person_id == "P-3")) is not None
