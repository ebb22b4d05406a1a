"""Issue 11: users and tokens: names validated, roles bounded by agency, expiry, revocation,
rotation; the CLI commands ``users add|list|revoke|rotate`` and their audit entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from amparo.access.users import create_user
from amparo.cli import main
from amparo.errors import InputError
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.users import revoke, rotate, user_by_name, user_by_token


@pytest.mark.parametrize("name", ["", " ", "a" * 121, "ana\x00", "ana\n", " ana", "ana\ud800", "ana\x85"])
def test_bad_user_names_are_refused_naming_the_field(factory: sessionmaker[Session], name: str) -> None:
    with pytest.raises(InputError) as refused, transaction(factory) as session:
        create_user(session, name=name, role="officer", agency="US-CBP")
    assert [e.path for e in refused.value.errors] == ["/name"]


def test_a_partner_agency_holds_only_the_partner_role(factory: sessionmaker[Session]) -> None:
    with pytest.raises(InputError) as refused, transaction(factory) as session:
        create_user(session, name="x", role="supervisor", agency="GT-IGM")
    assert [e.path for e in refused.value.errors] == ["/role"]
    with transaction(factory) as session:
        create_user(session, name="x", role="partner", agency="GT-IGM")


def test_tokens_expire_are_revoked_and_rotated(factory: sessionmaker[Session]) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with transaction(factory) as session:
        user, token = create_user(
            session, name="ana", role="officer", agency="US-CBP", token_days=90, now=now
        )
    with factory() as session:
        assert user_by_token(session, token, now + dt.timedelta(days=89)) is not None
        assert user_by_token(session, token, now + dt.timedelta(days=90)) is None
    with transaction(factory) as session:
        new = rotate(session, user_by_name(session, "ana"))
    with factory() as session:
        assert user_by_token(session, token) is None
        assert user_by_token(session, new) is not None
    with transaction(factory) as session:
        revoke(session, user_by_name(session, "ana"))
    with factory() as session:
        assert user_by_token(session, new) is None


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0), capsys.readouterr().out


def test_cli_users_commands_are_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{(tmp_path / 'users.db').as_posix()}"
    monkeypatch.setenv("AMPARO_DATABASE_URL", url)
    assert _run(["db", "upgrade"], capsys)[0] == 0
    assert _run(["users", "add", "x", "--role", "supervisor", "--agency", "GT-IGM"], capsys)[0] == 2
    code, out = _run(["users", "add", "ana", "--role", "officer", "--agency", "US-CBP"], capsys)
    assert code == 0 and "users rotate ana --print-token" in out
    code, out = _run(["users", "rotate", "ana", "--print-token"], capsys)
    token = out.strip().splitlines()[-1]
    assert code == 0 and len(token) > 30
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            assert user_by_token(session, token) is not None
        code, out = _run(["users", "list"], capsys)
        assert code == 0 and "ana" in out and "active" in out and token not in out
        assert _run(["users", "revoke", "ana"], capsys)[0] == 0
        with session_factory(engine)() as session:
            assert user_by_token(session, token) is None
        assert "revoked" in _run(["users", "list"], capsys)[1]
        assert _run(["users", "revoke", "nobody"], capsys)[0] != 0
        from sqlalchemy import select

        from amparo.audit.models import AuditEntry

        with session_factory(engine)() as session:
            actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    finally:
        engine.dispose()
    assert actions == ["user_added", "user_token_rotated", "user_revoked"]
    assert _run(["audit", "verify"], capsys)[0] == 0
