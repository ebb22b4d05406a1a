"""resolve_person at intake: a new encounter joins the person already known, and says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amparo.identity.intake import resolve_person
from amparo.identity.tables import IdentityLink, IdentityReview
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Person
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
        session.add(
            Person(
                id=pid,
                given_names=given,
                surnames=surnames,
                birth_date=dt.date.fromisoformat(birth),
                nationalities=[nationality],
            )
        )


def test_variant_of_a_known_person_links_and_explains(factory: Any) -> None:
    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    _add_person(factory, "P-2", "María Elena", "Hernández López", "1995-07-19")
    _add_person(factory, "P-3", "Juan Carlos", "Pérez Gómez", "1980-01-01")
    with transaction(factory) as session:
        person = resolve_person(session, _doc("E-9", "Chepe Armando", "HERNANDEZ", "1991-02-04"))
    assert person == "P-1"
    with factory() as session:
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "E-9")).one()
    assert link.outcome == "linked"
    assert link.match_probability is not None and link.match_probability >= 0.95
    fields = {f["comparison"]: f for f in link.explanation["fields"]}
    assert fields["birth_date"]["level"] == "day and month swapped"
    assert "given_names" in link.explanation["agreed"]


def test_a_stranger_is_a_new_person(factory: Any) -> None:
    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    with transaction(factory) as session:
        assert resolve_person(session, _doc("E-2", "Wendy", "Zelaya Funes", "2001-09-30")) is None
        assert resolve_person(session, {"id": "E-3", "person": {"nationalities": ["HN"]}}) is None


def test_an_uncertain_match_goes_to_review(factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from amparo.identity import intake

    _add_person(factory, "P-1", "José Armando", "Hernández López", "1991-04-02")
    # The candidate scores between the review floor and an auto-link bar raised above 1.
    monkeypatch.setattr(intake, "AUTO_LINK", 1.01)
    with transaction(factory) as session:
        person = resolve_person(session, _doc("E-4", "Jose", "Hernandez Lopez", "1991-04-02"))
    with factory() as session:
        link = session.scalars(select(IdentityLink).where(IdentityLink.encounter_id == "E-4")).one()
        reviews = session.scalars(select(IdentityReview)).all()
    assert person is None
    assert link.outcome == "review"
    assert [(r.candidate_person_id, r.status) for r in reviews] == [("P-1", "open")]
    assert reviews[0].explanation["best_candidate"] == "P-1"


def test_a_person_created_after_resolution_is_indexed_in_the_same_transaction(factory: Any) -> None:
    from amparo.identity.tables import IdentityIndexed, IdentityKey

    with transaction(factory) as session:
        assert resolve_person(session, _doc("E-1", "Ana Lucía", "Paz Zelaya", "1990-05-06")) is None
        # What the intake service does next: create the person, in the same transaction.
        session.add(
            Person(
                id="P-new",
                given_names="Ana Lucía",
                surnames="Paz Zelaya",
                birth_date=dt.date(1990, 5, 6),
                nationalities=["HN"],
            )
        )
    with factory() as session:
        assert session.get(IdentityIndexed, "P-new") is not None
        keys = set(session.scalars(select(IdentityKey.key).where(IdentityKey.person_id == "P-new")))
    assert {"d:1990-05-06", "gs:ANA|PAZ", "gs:ANA|ZELAYA"} <= keys
    with transaction(factory) as session:
        assert resolve_person(session, _doc("E-2", "ANA", "PAZ", "1990-06-05")) == "P-new"
