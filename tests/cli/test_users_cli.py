"""`amparo users add` is audited in the same transaction as the user, without the token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from amparo import audit
from amparo.audit.models import AuditEntry
from amparo.audit.verify import verify_rows
from amparo.cli.audit import CLI_ACTOR
from amparo.store.db import make_engine, session_factory
from amparo.store.models import User


def _amparo(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMPARO_DATABASE_URL": database_url, "AMPARO_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "amparo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_users_add_is_audited_with_role_and_agency_and_never_the_token(
    database_url: str, tmp_path: Path
) -> None:
    added = _amparo(
        database_url,
        tmp_path,
        "users",
        "add",
        "ana",
        "--role",
        "partner",
        "--agency",
        "GT-IGM",
        "--print-token",
    )
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    again = _amparo(database_url, tmp_path, "users", "add", "ana", "--role", "officer", "--agency", "US-CBP")
    assert again.returncode != 0  # the same name: refused, and nothing of it is audited

    engine = make_engine(database_url)
    try:
        audit.chain_queued(session_factory(engine))
        with session_factory(engine)() as session:
            [user] = session.scalars(select(User)).all()
            entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
            verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
    finally:
        engine.dispose()
    assert verdict.ok, verdict.message
    added_entries = [e for e in entries if e.action == "user_added"]
    assert len(added_entries) == 1
    [entry] = added_entries
    assert (entry.actor, entry.record_kind, entry.record_id, entry.outcome) == (
        CLI_ACTOR,
        "user",
        user.id,
        "ok",
    )
    assert json.loads(entry.detail) == {"role": "partner", "agency": "GT-IGM"}
    for e in entries:
        assert token not in " ".join(str(v) for v in (e.actor, e.record_id, e.detail, e.purpose))
