"""Merges and splits are recorded and reversible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amparo.errors import InputError
from amparo.identity.merges import merge, reverse, split
from amparo.identity.tables import IdentityChange
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Encounter, Person, User


@pytest.fixture
def factory(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from amparo.store.testing import fresh_sqlite

    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "merge-template")
    factory = session_factory(make_engine(url))
    with transaction(factory) as session:
        session.add(User(id="U-1", name="officer", role="officer", agency="US-CBP", token_sha256="x" * 64))
        for pid in ("P-A", "P-B"):
            session.add(
                Person(
                    id=pid,
                    given_names="Ana",
                    surnames="Paz",
                    birth_date=dt.date(1990, 1, 1),
                    nationalities=["HN"],
                )
            )
        session.flush()
        for eid, pid in (("E-1", "P-A"), ("E-2", "P-A"), ("E-3", "P-B")):
            session.add(
                Encounter(
                    id=eid,
                    person_id=pid,
                    document={},
                    document_sha256="0" * 64,
                    encountered_on=dt.date(2020, 1, 1),
                    nationality="HN",
                    border="southwest_land",
                    manner="between_ports",
                    agency="US-CBP",
                    received_by="U-1",
                )  # fmt: skip
            )
    return factory


def _owners(factory: Any) -> dict[str, str]:
    with factory() as session:
        return {e.id: e.person_id for e in session.scalars(select(Encounter))}


def test_merge_then_reverse_restores_every_encounter(factory: Any) -> None:
    before = _owners(factory)
    with transaction(factory) as session:
        change = merge(session, keep="P-A", absorb="P-B", reason="same fingerprints", by="U-1")
    assert set(_owners(factory).values()) == {"P-A"}
    with transaction(factory) as session:
        back = reverse(session, change.id, reason="wrong merge", by="U-1")
    assert _owners(factory) == before
    with factory() as session:
        stored = session.get(IdentityChange, change.id)
        assert stored is not None and stored.reversed_by == back.id
        with pytest.raises(InputError):
            reverse(session, change.id, reason="again", by="U-1")


def test_split_then_reverse(factory: Any) -> None:
    before = _owners(factory)
    with transaction(factory) as session:
        change = split(session, person_id="P-A", encounter_ids=["E-2"], reason="two people", by="U-1")
    after = _owners(factory)
    assert after["E-2"] == change.to_person_id != "P-A" and after["E-1"] == "P-A"
    with transaction(factory) as session:
        reverse(session, change.id, reason="one person after all", by="U-1")
    assert _owners(factory) == before
    with factory() as session, pytest.raises(InputError):
        split(session, person_id="P-A", encounter_ids=["E-3"], reason="not hers", by="U-1")
