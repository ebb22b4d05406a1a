"""The audit queue and its chainer: entries commit with their work, are chained exactly once
in a gapless order by concurrent chainers (threads and separate engines, as separate server
processes would be), vanish with a rolled-back transaction, and are never lost by a crash
between commit and chaining. On SQLite always, on PostgreSQL when AMPARO_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.audit import chain, checkpoints, entries
from amparo.audit.models import AuditEntry
from amparo.audit.verify import verify_rows
from amparo.exchange.keys import installation_keys
from amparo.store.db import make_engine, session_factory, transaction


@pytest.fixture
def factories(database_url: str, tmp_path: Path) -> Iterator[list[sessionmaker[Session]]]:
    """Two engines on one database: two processes' worth of pools and chainers."""
    engines = [make_engine(database_url), make_engine(database_url)]
    keys = installation_keys(tmp_path / "amparo-data")
    yield [audit.bind_signer(session_factory(e), keys) for e in engines]
    for engine in engines:
        engine.dispose()


def _append(factory: sessionmaker[Session], tag: str, n: int = 1) -> None:
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
                detail={"i": i},
            )


def _trail(factory: sessionmaker[Session]) -> list[AuditEntry]:
    with factory() as session:
        verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
        assert verdict.ok, verdict.message
        assert audit.queued_count(session) == 0
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_an_entry_is_chained_when_its_transaction_commits(factories: list[sessionmaker[Session]]) -> None:
    made = factories[0]
    _append(made, "alone", 3)
    entries = _trail(made)  # no settle: the committing thread chained its own entries
    assert [(e.seq, e.record_id) for e in entries] == [(1, "alone-0"), (2, "alone-1"), (3, "alone-2")]


def test_a_rolled_back_transaction_leaves_no_entry(factories: list[sessionmaker[Session]]) -> None:
    made = factories[0]
    with pytest.raises(RuntimeError), transaction(made) as session:
        audit.record(
            session,
            actor="x",
            action="write",
            record_kind="case",
            record_id="C-1",
            purpose="case_management",
            outcome="ok",
        )
        raise RuntimeError("the work failed")
    _append(made, "after")
    assert [e.record_id for e in _trail(made)] == ["after-0"]


def test_concurrent_writers_and_chainers_give_one_gapless_chain(
    factories: list[sessionmaker[Session]],
) -> None:
    errors: list[BaseException] = []

    def writer(made: sessionmaker[Session], tag: str) -> None:
        try:
            for i in range(25):
                _append(made, f"{tag}-{i}", 2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(factories[k % 2], f"w{k}")) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for made in factories:
        audit.settle(made)
    entries = _trail(factories[0])
    assert [e.seq for e in entries] == list(range(1, 6 * 25 * 2 + 1))
    ids = [e.record_id for e in entries]
    assert len(set(ids)) == len(ids) == 300  # every entry exactly once
    for k in range(6):  # one writer's entries keep their order in the chain
        mine = [r for r in ids if r.startswith(f"w{k}-")]
        assert mine == [f"w{k}-{i}-{j}" for i in range(25) for j in range(2)]


def test_entries_a_crash_left_queued_are_chained_on_the_next_pass(
    factories: list[sessionmaker[Session]], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = factories[0]
    # a commit without the after-commit hook: as if the process died right after committing
    with made() as session, session.begin():
        for i in range(5):
            session.execute(
                insert(entries.QUEUE),
                [
                    audit.queued_row(
                        actor="crash",
                        action="write",
                        record_kind="case",
                        record_id=f"C-{i}",
                        purpose="case_management",
                        outcome="ok",
                        session=session,  # authenticated under the audit key (issue 11)
                    )
                ],
            )
    with made() as session:
        assert audit.queued_count(session) == 5 and audit.count(session) == 0
    monkeypatch.setattr(chain, "CHAIN_BATCH", 2)  # several batches in one pass
    assert audit.settle(made) == 5
    assert [e.record_id for e in _trail(made)] == [f"C-{i}" for i in range(5)]


def test_checkpoints_are_signed_across_batches(
    factories: list[sessionmaker[Session]], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = factories[0]
    monkeypatch.setattr(checkpoints, "CHECKPOINT_INTERVAL", 4)
    monkeypatch.setattr(chain, "CHAIN_BATCH", 3)
    _append(made, "cp", 11)
    _trail(made)
    with made() as session:
        sealed = [row["seq"] for row in audit.iter_log(session) if row["type"] == "checkpoint"]
    assert sealed == [4, 8]


def test_a_commit_that_finds_a_pass_running_is_chained_by_the_sweep(
    factories: list[sessionmaker[Session]],
) -> None:
    made = factories[0]
    _append(made, "first")  # creates this factory's chainer
    chainer = chain._chainers[made]
    with chainer.busy:  # another thread's pass is running: the next commit only marks its entry
        _append(made, "during")
        with made() as session:
            assert audit.queued_count(session) == 1
    deadline = time.monotonic() + 10 * audit.SWEEP_SECONDS + 5
    while time.monotonic() < deadline:  # no further commit: only the sweep can chain it
        with made() as session:
            if audit.queued_count(session) == 0:
                break
        time.sleep(0.05)
    assert [e.record_id for e in _trail(made)] == ["first-0", "during-0"]
