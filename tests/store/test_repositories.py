"""The store's small modules: IntegrityError becomes Conflict, users and their hashed tokens, cursors, and
the transaction helper (rollback, and the after-rollback hook a refused read uses)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from amparo.access.users import create_user
from amparo.errors import Conflict, InputError
from amparo.store.canonical_json import canonical_json, document_sha256
from amparo.store.cursors import decode_cursor, encode_cursor
from amparo.store.db import after_rollback, transaction
from amparo.store.integrity import translated
from amparo.store.models import Encounter, Person, User
from amparo.store.users import token_sha256, user_by_token


def test_a_taken_user_name_is_a_conflict(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        create_user(session, name="ana", role="officer", agency="US-CBP")
    with pytest.raises(Conflict) as raised, transaction(factory) as session:
        create_user(session, name="ana", role="supervisor", agency="US-USCIS")
    assert (raised.value.kind, raised.value.key) == ("user", "ana")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_a_missing_foreign_key_is_a_conflict(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        user, _ = create_user(session, name="ana", role="officer", agency="US-CBP")
    with pytest.raises(Conflict) as raised, transaction(factory) as session:
        with translated(session, "encounter", "E-1"):
            session.add(
                Encounter(
                    id="E-1",
                    person_id="P-nobody",
                    document={},
                    document_sha256="0" * 64,
                    encountered_on=dt.date(2020, 2, 3),
                    border="southwest_land",
                    manner="between_ports",
                    agency="US-CBP",
                    received_by=user.id,
                )
            )
    assert raised.value.key == "E-1"
    with factory() as session:
        assert session.get(Encounter, "E-1") is None


def test_a_duplicate_primary_key_is_a_conflict(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        session.add(Person(id="P-1", nationalities=["HN"]))
    with pytest.raises(Conflict), transaction(factory) as session:
        with translated(session, "person", "P-1"):
            session.add(Person(id="P-1", nationalities=["GT"]))
    with factory() as session:
        assert session.get(Person, "P-1").nationalities == ["HN"]  # type: ignore[union-attr]


def test_tokens_are_stored_hashed_and_found_only_while_active(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        user, token = create_user(session, name="ana", role="officer", agency="US-CBP")
    with factory() as session:
        stored = session.get(User, user.id)
        assert stored is not None and stored.token_sha256 == token_sha256(token) != token
        found = user_by_token(session, token)
        assert found is not None and found.id == user.id
        assert user_by_token(session, token + "x") is None
    with transaction(factory) as session:
        session.get(User, user.id).active = False  # type: ignore[union-attr]
    with factory() as session:
        assert user_by_token(session, token) is None


@pytest.mark.parametrize(
    ("role", "agency", "path"),
    [("pilot", "US-CBP", "/role"), ("officer", "XX-NONE", None)],
)
def test_unknown_role_or_agency_is_bad_input(
    factory: sessionmaker[Session], role: str, agency: str, path: str | None
) -> None:
    with pytest.raises(InputError) as raised, transaction(factory) as session:
        create_user(session, name="ana", role=role, agency=agency)
    if path is not None:
        assert [e.path for e in raised.value.errors] == [path]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_failed_transaction_leaves_nothing(factory: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), transaction(factory) as session:
        session.add(Person(id="P-1", nationalities=[]))
        session.flush()
        raise RuntimeError("boom")
    with factory() as session:
        assert session.get(Person, "P-1") is None


def _keep_a_person(session: Session) -> None:
    session.add(Person(id="P-kept", nationalities=[]))


def test_an_after_rollback_hook_commits_in_its_own_transaction(factory: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), transaction(factory) as session:
        session.add(Person(id="P-lost", nationalities=[]))
        session.flush()
        after_rollback(session, _keep_a_person)
        raise RuntimeError("refused")
    with factory() as session:
        assert session.get(Person, "P-lost") is None
        assert session.get(Person, "P-kept") is not None


def test_an_after_rollback_hook_does_not_run_after_a_commit(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        session.add(Person(id="P-1", nationalities=[]))
        after_rollback(session, _keep_a_person)
    with factory() as session:
        assert session.get(Person, "P-1") is not None
        assert session.get(Person, "P-kept") is None


def test_document_digest_ignores_key_order_but_not_values() -> None:
    a = {"id": "E-1", "person": {"nationalities": ["HN"], "sex": "M"}}
    b = {"person": {"sex": "M", "nationalities": ["HN"]}, "id": "E-1"}
    assert canonical_json(a) == canonical_json(b)
    assert document_sha256(a) == document_sha256(b)
    assert document_sha256(a) != document_sha256({**a, "id": "E-2"})


def test_cursors_round_trip_and_foreign_ones_are_bad_input() -> None:
    assert decode_cursor(encode_cursor("2020-02-03", "E-9"), 2) == ["2020-02-03", "E-9"]
    for bad in ("not-a-cursor!", encode_cursor("only-one"), encode_cursor("a", "b", "c")):
        with pytest.raises(InputError) as raised:
            decode_cursor(bad, 2)
        assert [e.path for e in raised.value.errors] == ["/cursor"]
