"""Issue 11: an audit trail no database writer can rewrite. Each kind of tampering a writer of
the database can do without the installation's key is caught by ``amparo audit verify
--anchor`` (exit 1); the untouched trail verifies (exit 0).

The trail is filled through a session factory bound to the installation's key, with a signed
checkpoint required every 10 entries (the interval is lowered for the test; 1000 in use), and
an anchor (``amparo audit checkpoint --out``) taken in the middle, as a witness would.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, func, insert, select, text, update

from amparo import audit
from amparo.audit import checkpoints
from amparo.audit.entries import entry_hash
from amparo.audit.models import AuditCheckpoint, AuditEntry, AuditHead, AuditQueued
from amparo.cli import main
from amparo.exchange.keys import KeysOnDemand
from amparo.store.db import make_engine, session_factory, transaction

INTERVAL = 10


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


def _fill(url: str, n: int, start: int = 0) -> None:
    engine = make_engine(url)
    try:
        made = audit.bind_signer(session_factory(engine), KeysOnDemand(Path(os.environ["AMPARO_DATA_DIR"])))
        for i in range(start, start + n):
            with transaction(made) as session:
                audit.record(
                    session,
                    actor=f"user-{i % 3}",
                    action="read",
                    record_kind="case",
                    record_id=f"C-{i}",
                    purpose="case_management",
                    outcome="ok",
                    detail={"i": i},
                )
        audit.settle(made)
    finally:
        engine.dispose()


@pytest.fixture
def trail(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """(the database URL, the anchor file): 25 entries, an anchor, 12 entries more (SQLite, and
    PostgreSQL when AMPARO_TEST_POSTGRES_URL is set)."""
    monkeypatch.setattr(checkpoints, "CHECKPOINT_INTERVAL", INTERVAL)
    monkeypatch.setenv("AMPARO_DATABASE_URL", database_url)
    _fill(database_url, 25)
    anchor = tmp_path / "anchor.json"
    assert _run(["audit", "checkpoint", "--out", str(anchor)]) == 0
    _fill(database_url, 12, start=25)
    return database_url, anchor


def _tampered(url: str, change: Callable[[Connection], None]) -> str:
    """Apply ``change`` to the database as a writer of it would (no key)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            change(connection)
    finally:
        engine.dispose()
    return url


def _head(connection: Connection) -> tuple[int, str]:
    row = connection.execute(select(AuditHead.seq, AuditHead.entry_hash)).one()
    return int(row.seq), str(row.entry_hash)


def _move_head_to(connection: Connection, seq: int) -> None:
    digest = connection.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq))
    connection.execute(update(AuditHead).values(seq=seq, entry_hash=digest or audit.GENESIS))


def delete_last_entries_and_move_the_head_back(c: Connection) -> None:
    seq, _ = _head(c)
    c.execute(delete(AuditEntry).where(AuditEntry.seq > seq - 14))
    c.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > seq - 14))
    _move_head_to(c, seq - 14)


def delete_entries_and_checkpoints_together(c: Connection) -> None:
    c.execute(delete(AuditEntry).where(AuditEntry.seq > 18))
    c.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > 18))
    _move_head_to(c, 18)


def _rehash_from(c: Connection, changed: int) -> None:
    rows = c.execute(select(AuditEntry).order_by(AuditEntry.seq)).mappings().all()
    prev = audit.GENESIS
    for row in rows:
        body = {k: row[k] for k in audit.ENTRY_FIELDS}
        body["detail"] = json.loads(row["detail"])
        if row["seq"] < changed:
            prev = row["entry_hash"]
            continue
        if row["seq"] == changed:
            body["actor"] = "someone-else"
        body["prev_hash"] = prev
        digest = entry_hash(body)
        c.execute(
            update(AuditEntry)
            .where(AuditEntry.seq == row["seq"])
            .values(actor=body["actor"], prev_hash=prev, entry_hash=digest)
        )
        c.execute(update(AuditCheckpoint).where(AuditCheckpoint.seq == row["seq"]).values(entry_hash=digest))
        prev = digest
    c.execute(update(AuditHead).values(entry_hash=prev))


def change_an_entry_rehash_after_it_and_fix_the_head(c: Connection) -> None:
    _rehash_from(c, 30)
    c.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq >= 30))


def change_an_entry_after_the_last_checkpoint_and_rehash(c: Connection) -> None:
    _rehash_from(c, 35)  # no checkpoint seals 35..38: the MACs catch it


def delete_all_checkpoints(c: Connection) -> None:
    c.execute(delete(AuditCheckpoint))


def delete_only_the_last_checkpoint(c: Connection) -> None:
    last = c.scalar(select(func.max(AuditCheckpoint.seq)))
    c.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq == last))


def append_a_forged_correctly_hashed_entry(c: Connection) -> None:
    seq, prev = _head(c)
    body = {
        "seq": seq + 1,
        "at": "2026-01-01T00:00:00.000000+00:00",
        "actor": "cli",
        "action": "user_added",
        "record_kind": "user",
        "record_id": "U-forged",
        "purpose": "administration",
        "outcome": "ok",
        "detail": {},
        "prev_hash": prev,
    }
    digest = entry_hash(body)
    c.execute(insert(AuditEntry).values(**{**body, "detail": "{}", "entry_hash": digest}))
    c.execute(update(AuditHead).values(seq=seq + 1, entry_hash=digest))


def wipe_everything_and_reset_the_head(c: Connection) -> None:
    c.execute(delete(AuditEntry))
    c.execute(delete(AuditCheckpoint))
    c.execute(update(AuditHead).values(seq=0, entry_hash=audit.GENESIS))


def replace_the_anchored_entry_with_another_one(c: Connection) -> None:
    c.execute(text("UPDATE audit_entries SET outcome = 'denied' WHERE seq = 26"))
    change_an_entry_rehash_after_it_and_fix_the_head(c)


TAMPERS = [
    delete_last_entries_and_move_the_head_back,
    delete_entries_and_checkpoints_together,
    change_an_entry_rehash_after_it_and_fix_the_head,
    change_an_entry_after_the_last_checkpoint_and_rehash,
    delete_all_checkpoints,
    delete_only_the_last_checkpoint,
    append_a_forged_correctly_hashed_entry,
    wipe_everything_and_reset_the_head,
    replace_the_anchored_entry_with_another_one,
]


def test_the_untouched_trail_verifies_against_its_anchor(trail: tuple[str, Path]) -> None:
    _db, anchor = trail
    assert _run(["audit", "verify", "--anchor", str(anchor)]) == 0
    assert _run(["audit", "verify"]) == 0


@pytest.mark.parametrize("change", TAMPERS, ids=lambda f: f.__name__)
def test_each_tamper_is_caught(
    trail: tuple[str, Path], change: Callable[[Connection], None], capsys: pytest.CaptureFixture[str]
) -> None:
    url, anchor = trail
    _tampered(url, change)
    assert _run(["audit", "verify", "--anchor", str(anchor)]) == 1
    assert "NOT intact" in capsys.readouterr().err


def test_a_row_inserted_into_the_queue_is_refused_not_chained_as_genuine(trail: tuple[str, Path]) -> None:
    url, anchor = trail

    def insert_a_queue_row(c: Connection) -> None:
        c.execute(
            insert(AuditQueued).values(
                at="2026-01-01T00:00:00.000000+00:00",
                actor="cli",
                action="user_added",
                record_kind="user",
                record_id="U-forged",
                purpose="administration",
                outcome="ok",
                detail="{}",
            )
        )

    _tampered(url, insert_a_queue_row)
    assert _run(["audit", "verify", "--anchor", str(anchor)]) == 0  # chained as a refusal: intact
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            actions = [r.action for r in c.execute(select(AuditEntry.action).order_by(AuditEntry.seq))]
            refused = c.execute(
                select(AuditEntry.detail).where(AuditEntry.action == "audit.queue_row_refused")
            ).all()
    finally:
        engine.dispose()
    assert "user_added" not in actions
    assert len(refused) == 1 and "missing or invalid MAC" in refused[0].detail


def test_an_anchor_from_another_key_or_changed_is_refused(trail: tuple[Path, Path], tmp_path: Path) -> None:
    _db, anchor = trail
    forged = json.loads(anchor.read_text())
    forged["hash"] = forged["entry_hash"] = "0" * 64
    bad = tmp_path / "bad-anchor.json"
    bad.write_text(json.dumps(forged))
    assert _run(["audit", "verify", "--anchor", str(bad)]) == 1
