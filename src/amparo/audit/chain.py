"""Appending and chaining: entries are queued in the caller's transaction and then get their
sequence number and hash, in queue order.

Every read, write, disclosure, export and policy decision is appended by :func:`record`, inside
the caller's transaction: one INSERT into the audit queue, which commits or rolls back with what
it describes, takes no lock, and so does not serialise the writers. Once a transaction that queued entries has committed, :func:`chain_soon` chains what is queued:
:func:`integrate` locks the one-row chain head (``SELECT ... FOR UPDATE`` on PostgreSQL, the
write lock on SQLite), gives each queued entry in queue order the next sequence number and
``entry_hash = sha256(canonical JSON of the entry with prev_hash)``, moves it into the log and
stores the new head, in one transaction. One thread per process chains at a time, a whole batch
per head lock and commit, while the others go on; entries left queued by a crash are chained
when the server starts, and before ``amparo audit export`` and ``verify``. This is the sequencer
of a transparency log (Trillian's "integrate" step); the bound on how long an entry waits
unchained is one chaining pass after its commit. Every
:data:`~amparo.audit.checkpoints.CHECKPOINT_INTERVAL` entries the installation's key (bound to
the session factory, :func:`amparo.audit.checkpoints.bind_signer`) signs a checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import weakref
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from amparo.audit import checkpoints
from amparo.audit.checkpoints import SIGNER_INFO, Signer, bound_signer, checkpoint
from amparo.audit.entries import (
    ENTRIES,
    GENESIS,
    QUEUE,
    QUEUED_FIELDS,
    Outcome,
    entry_hash,
    now_text,
    queued_row,
)
from amparo.audit.mac import entry_mac, mac_key, queued_mac, same
from amparo.audit.models import AuditHead
from amparo.errors import AuditError, ConfigError
from amparo.store.canonical_json import canonical_json
from amparo.store.db import after_commit

#: Queued entries chained per pass of :func:`integrate` (one INSERT and one DELETE each).
CHAIN_BATCH = 2000
HEAD: Table = AuditHead.__table__  # type: ignore[assignment]

log = logging.getLogger(__name__)


# --- appending ------------------------------------------------------------------------------


def queued(session: Session) -> None:
    """Note that ``session`` queued entries: they are chained once its transaction commits."""
    after_commit(session, chain_soon)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    record_kind: str,
    record_id: str,
    purpose: str,
    outcome: Outcome,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction (see the module docstring)."""
    row = queued_row(
        actor=actor,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        purpose=purpose,
        outcome=outcome,
        detail=detail,
        session=session,
    )
    session.execute(insert(QUEUE), [row])
    queued(session)


# --- chaining -------------------------------------------------------------------------------


_LOCK_HEAD = select(HEAD.c.seq, HEAD.c.entry_hash).where(HEAD.c.id == 1).with_for_update()
# The oldest queued entries, taken out of the queue (deleted and returned) in one statement; the
# head lock held by the caller makes sure no other chainer takes them too.
_TAKE = (
    delete(QUEUE)
    .where(QUEUE.c.id.in_(select(QUEUE.c.id).order_by(QUEUE.c.id).limit(bindparam("batch"))))
    .returning(*QUEUE.c)
)
_SET_HEAD = update(HEAD).where(HEAD.c.id == 1).values(seq=bindparam("seq"), entry_hash=bindparam("hash"))
_ENTRY_COLUMNS = ", ".join(f'"{c.name}"' for c in ENTRIES.columns)
# PostgreSQL: the new entries and the new head in one statement (the entries as one JSON array).
_APPEND_PG = text(
    "WITH head AS (UPDATE audit_head SET seq = :seq, entry_hash = :hash WHERE id = 1) "
    f"INSERT INTO audit_entries ({_ENTRY_COLUMNS}) SELECT {_ENTRY_COLUMNS} "
    "FROM json_populate_recordset(NULL::audit_entries, CAST(:entries AS json))"
)


def _lock_head(connection: Connection) -> tuple[int, str]:
    """Lock the chain head until the transaction ends; (its seq, its hash). Creates it once."""
    row = connection.execute(_LOCK_HEAD).first()
    if row is None:  # a fresh (or truncated) schema: create the head once
        try:
            with connection.begin_nested():
                connection.execute(insert(HEAD), [{"id": 1, "seq": 0, "entry_hash": GENESIS}])
        except IntegrityError:
            pass  # a concurrent chainer created it first
        row = connection.execute(_LOCK_HEAD).one()
    return int(row.seq), str(row.entry_hash)


def _append(connection: Connection, entries: list[dict[str, Any]]) -> None:
    """Insert chained entries and move the head to the last of them."""
    head = {"seq": entries[-1]["seq"], "hash": entries[-1]["entry_hash"]}
    if connection.dialect.name == "postgresql":
        connection.execute(_APPEND_PG, {**head, "entries": orjson.dumps(entries).decode()})
    else:
        connection.execute(insert(ENTRIES), entries)
        connection.execute(_SET_HEAD, head)


def integrate(session: Session, keys: Signer | None = None) -> int:
    """Chain every queued entry this transaction can see, in queue order; how many.

    Runs in the caller's transaction and holds the head lock until it ends. Signs a checkpoint
    at every multiple of :data:`CHECKPOINT_INTERVAL` it passes.
    """
    connection = session.connection()
    seq, prev = _lock_head(connection)
    first = seq
    signer = keys or session.info.get(SIGNER_INFO)
    key = mac_key(signer) if signer is not None else None
    interval = checkpoints.CHECKPOINT_INTERVAL
    while True:
        taken = connection.execute(_TAKE, {"batch": CHAIN_BATCH}).mappings().all()
        if not taken:
            break
        entries: list[dict[str, Any]] = []
        sealed: list[tuple[int, str]] = []
        for queued_entry in sorted((dict(r) for r in taken), key=lambda r: int(r["id"])):
            seq += 1
            fields: Mapping[str, Any] = queued_entry
            if key is not None and not same(queued_entry["mac"], queued_mac(key, queued_entry)):
                fields = _refusal(queued_entry)
            body: dict[str, Any] = {k: fields[k] for k in QUEUED_FIELDS}
            body.update(seq=seq, prev_hash=prev, detail=json.loads(fields["detail"]))
            prev = entry_hash(body)
            entries.append(
                {
                    **body,
                    "detail": fields["detail"],
                    "entry_hash": prev,
                    "mac": entry_mac(key, prev) if key is not None else None,
                }
            )
            if seq % interval == 0:
                sealed.append((seq, prev))
        _append(connection, entries)
        for at_seq, digest in sealed:
            checkpoint(session, keys or bound_signer(session), seq=at_seq, digest=digest)
        if len(taken) < CHAIN_BATCH:
            break
    return seq - first


def _refusal(row: Mapping[str, Any]) -> dict[str, str]:
    """The entry chained in place of a queued row without a valid MAC: the refusal, naming the
    row (its id and a digest of its content), never its claims as if they were genuine."""
    digest = hashlib.sha256(
        "\x1f".join(str(row[k]) for k in QUEUED_FIELDS).encode("utf-8", "replace")
    ).hexdigest()
    return {
        "at": now_text(),
        "actor": "audit-chainer",
        "action": "audit.queue_row_refused",
        "record_kind": "audit_queue",
        "record_id": str(row["id"]),
        "purpose": "audit",
        "outcome": "refused",
        "detail": canonical_json(
            {
                "reason": "missing or invalid MAC",
                "row_sha256": digest,
                "claimed_action": str(row["action"])[:64],
            }
        ),
    }


def chain_queued(factory: sessionmaker[Session]) -> int:
    """Chain what is queued, in a transaction of its own (waits for another chainer); how many."""
    with factory() as session, session.begin():
        return integrate(session)


#: A chainer's sweep chains what has been waiting this long for a pass (marked by a commit that
#: found another pass running, which may have missed it).
SWEEP_SECONDS = 0.25


class _Chainer:
    """Per session factory: one pass at a time; a daemon thread sweeps up what a commit queued
    while a pass was running (it holds the factory weakly and ends with it)."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.busy = threading.Lock()
        self.marked_at: float | None = None  # when work was first marked since the last pass began
        self.factory = weakref.ref(factory)
        threading.Thread(target=self._sweep, name="amparo-audit-chainer", daemon=True).start()

    def mark(self) -> None:
        if self.marked_at is None:
            self.marked_at = time.monotonic()

    def run_pass(self, factory: sessionmaker[Session]) -> None:
        """One chaining pass (the caller holds ``busy``); a failure leaves the entries queued."""
        self.marked_at = None
        try:
            chain_queued(factory)
        except (SQLAlchemyError, AuditError, ConfigError) as exc:  # ConfigError: database unreachable
            log.warning("audit entries left queued, to be chained on the next pass: %s", exc)

    def _sweep(self) -> None:
        while True:
            time.sleep(SWEEP_SECONDS / 2)
            factory = self.factory()
            if factory is None:
                return
            marked = self.marked_at
            if marked is not None and time.monotonic() - marked >= SWEEP_SECONDS:
                with self.busy:
                    self.run_pass(factory)
            del factory


_chainers: weakref.WeakKeyDictionary[sessionmaker[Session], _Chainer] = weakref.WeakKeyDictionary()
_chainers_lock = threading.Lock()


def chain_soon(factory: sessionmaker[Session]) -> None:
    """After a commit that queued entries: chain them in this thread, unless another thread of
    this process is chaining; then they are marked, and the next commit's pass or, after
    :data:`SWEEP_SECONDS`, the chainer's sweep takes them. No request waits for more than one pass.

    A failure leaves the entries queued (nothing is lost): they are chained by the next pass,
    at the next start, or before ``amparo audit export`` and ``verify``.
    """
    with _chainers_lock:
        chainer = _chainers.get(factory)
        if chainer is None:
            chainer = _chainers[factory] = _Chainer(factory)
    chainer.mark()
    if chainer.busy.acquire(blocking=False):
        try:
            chainer.run_pass(factory)
        finally:
            chainer.busy.release()


def settle(factory: sessionmaker[Session]) -> int:
    """Chain everything committed so far, after any pass of this process has finished; how many
    entries this call chained (for readers that must see the whole trail, and for tests)."""
    with _chainers_lock:
        chainer = _chainers.get(factory)
    if chainer is None:
        return chain_queued(factory)
    with chainer.busy:
        chainer.marked_at = None
        return chain_queued(factory)


def queued_count(session: Session) -> int:
    """How many entries wait in the queue, not yet chained."""
    return int(session.scalar(select(func.count()).select_from(QUEUE)) or 0)


def head_of(session: Session) -> tuple[int, str]:
    """The chain head (seq, hash) without locking it; (0, GENESIS) for an empty log."""
    row = session.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)).first()
    return (int(row.seq), str(row.entry_hash)) if row is not None else (0, GENESIS)
