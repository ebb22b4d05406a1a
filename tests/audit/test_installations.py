"""Two installations in one process: each signs its audit checkpoints with its own key (the one
under the data directory its app was created with), never with the key under $AMPARO_DATA_DIR
nor with the other's."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.api.app import create_app
from amparo.audit import checkpoints
from amparo.audit.verify import verify_rows
from amparo.errors import AuditError
from amparo.exchange.keys import b64, has_keys, installation_keys
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.testing import fresh_sqlite

with warnings.catch_warnings():  # starlette's deprecation of httpx, as in the other API tests
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def _append(factory: sessionmaker[Session], tag: str, n: int) -> None:
    with transaction(factory) as session:
        for i in range(n):
            audit.record(
                session,
                actor=tag,
                action="read",
                record_kind="case",
                record_id=f"{tag}-{i}",
                purpose="case_management",
                outcome="ok",
            )


def test_two_installations_in_one_process_sign_with_their_own_keys(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "CHECKPOINT_INTERVAL", 2)
    environment_dir = tmp_path / "environment"  # what $AMPARO_DATA_DIR names: neither app's
    monkeypatch.setenv("AMPARO_DATA_DIR", str(environment_dir))
    clients: dict[str, TestClient] = {}
    for country in ("US", "GT"):
        url = fresh_sqlite(tmp_path / country / "db", tmp_path_factory.getbasetemp() / "template")
        settings = Settings(data_dir=tmp_path / country / "data", database_url=url, installation=country)
        clients[country] = TestClient(create_app(settings))
    with clients["US"] as us, clients["GT"] as gt:
        for country, client in (("US", us), ("GT", gt)):
            factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
            _append(factory, country, 5)
            audit.settle(factory)
        for country, client in (("US", us), ("GT", gt)):
            own = b64(installation_keys(tmp_path / country / "data").signing_public)
            factory = client.app.state.session_factory  # type: ignore[attr-defined]
            with factory() as session:
                rows = list(audit.iter_log(session))
                head = audit.head_of(session)
            signers = {r["public_key"] for r in rows if r["type"] == "checkpoint"}
            assert [r["seq"] for r in rows if r["type"] == "checkpoint"] == [2, 4]
            assert signers == {own}, country
            assert verify_rows(rows, head, trusted=frozenset({own})).ok
    assert b64(installation_keys(tmp_path / "US" / "data").signing_public) != b64(
        installation_keys(tmp_path / "GT" / "data").signing_public
    )
    assert not has_keys(environment_dir)


def test_a_factory_without_a_key_leaves_a_due_checkpoint_queued_and_says_why(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "CHECKPOINT_INTERVAL", 2)
    engine = make_engine(database_url)
    try:
        unbound = session_factory(engine)
        with pytest.raises(AuditError, match="No installation key is bound"):
            with unbound() as session, session.begin():
                audit.record(
                    session,
                    actor="t",
                    action="read",
                    record_kind="case",
                    record_id="C-1",
                    purpose="case_management",
                    outcome="ok",
                )
                audit.record(
                    session,
                    actor="t",
                    action="read",
                    record_kind="case",
                    record_id="C-2",
                    purpose="case_management",
                    outcome="ok",
                )
                audit.integrate(session)
        bound = audit.bind_signer(session_factory(engine), installation_keys(tmp_path / "data"))
        _append(bound, "later", 2)
        audit.settle(bound)
        with bound() as session:
            assert audit.count(session) == 2
            assert [r["seq"] for r in audit.iter_log(session) if r["type"] == "checkpoint"] == [2]
    finally:
        engine.dispose()
