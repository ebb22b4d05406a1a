"""The audit trail: an append-only, hash-chained log in the database, with signed checkpoints.

Every read, write, disclosure, export and policy decision is appended by :func:`record`, inside
the caller's transaction (the entry commits or rolls back with what it describes). Each entry
commits to the previous entry's hash: ``entry_hash = sha256(canonical JSON of the entry with
prev_hash)``. Appends first bump the one-row chain head (``UPDATE audit_head``), which takes the
row lock on PostgreSQL and the write lock on SQLite, so sequence numbers are unique and gapless
under concurrency. Every :data:`CHECKPOINT_INTERVAL` entries (and on export) the installation's
Ed25519 key signs a checkpoint naming the head, chained to the previous checkpoint.
Verification lives in :mod:`amparo.exchange.audit_verify`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from amparo.errors import AuditError
from amparo.exchange.keys import InstallationKeys, b64, installation_keys
from amparo.exchange.models import AuditCheckpoint, AuditEntry, AuditHead

GENESIS = "0" * 64
CHECKPOINT_INTERVAL = 1000
ENTRY_FIELDS = ("seq", "at", "actor", "action", "record_kind", "record_id", "purpose", "outcome", "detail")


def canonical(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8 (non-JSON values as strings)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(body: Mapping[str, Any]) -> str:
    """The hash of an entry: its fields and ``prev_hash``, canonical JSON, SHA-256."""
    return hashlib.sha256(canonical({k: body[k] for k in (*ENTRY_FIELDS, "prev_hash")})).hexdigest()


def checkpoint_body(row: Mapping[str, Any]) -> dict[str, Any]:
    """The signed part of a checkpoint."""
    keys = ("seq", "entry_hash", "prev_checkpoint", "signed_at", "key_id", "public_key")
    return {"type": "checkpoint", **{k: row[k] for k in keys}}


def checkpoint_hash(row: Mapping[str, Any]) -> str:
    """What the next checkpoint commits to."""
    return hashlib.sha256(canonical(checkpoint_body(row))).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _keys() -> InstallationKeys:
    from amparo.settings import load_settings

    return installation_keys(load_settings().data_dir)


def _head(session: Session) -> tuple[int, str]:
    """Lock the chain head and return (its seq, its hash); creates it on a fresh schema."""
    bumped = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1),
        execution_options={"synchronize_session": False},
    )
    if getattr(bumped, "rowcount", 1) == 0:  # a fresh (or truncated) schema: create the head once
        try:
            with session.begin_nested():
                session.execute(insert(AuditHead).values(id=1, seq=0, entry_hash=GENESIS))
        except IntegrityError:
            pass  # a concurrent append created it first
        session.execute(
            update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1),
            execution_options={"synchronize_session": False},
        )
    row = session.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)).one()
    return int(row.seq) - 1, str(row.entry_hash)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    record_kind: str,
    record_id: str,
    purpose: str,
    outcome: str,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction (see the module docstring)."""
    last_seq, prev = _head(session)
    body: dict[str, Any] = {
        "seq": last_seq + 1,
        "at": _now(),
        "actor": str(actor),
        "action": str(action),
        "record_kind": str(record_kind),
        "record_id": str(record_id),
        "purpose": str(purpose),
        "outcome": str(outcome),
        "detail": json.loads(canonical(dict(detail or {}))),
        "prev_hash": prev,
    }
    digest = entry_hash(body)
    session.execute(
        insert(AuditEntry).values(**{**body, "detail": canonical(body["detail"]).decode()}, entry_hash=digest)
    )
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(entry_hash=digest),
        execution_options={"synchronize_session": False},
    )
    if body["seq"] % CHECKPOINT_INTERVAL == 0:
        checkpoint(session, _keys(), seq=body["seq"], digest=digest)


def checkpoint(
    session: Session, keys: InstallationKeys, *, seq: int | None = None, digest: str | None = None
) -> dict[str, Any] | None:
    """Sign a checkpoint of the head (or of ``seq``/``digest``); None when the log is empty."""
    if seq is None or digest is None:
        head = session.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)).first()
        if head is None or head.seq == 0:
            return None
        seq, digest = int(head.seq), str(head.entry_hash)
    existing = session.get(AuditCheckpoint, seq)
    if existing is not None:
        return checkpoint_row(existing)
    last = session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)).scalar()
    row: dict[str, Any] = {
        "seq": seq,
        "entry_hash": digest,
        "prev_checkpoint": checkpoint_hash(checkpoint_row(last)) if last is not None else GENESIS,
        "signed_at": _now(),
        "key_id": keys.key_id,
        "public_key": b64(keys.signing_public),
    }
    row["signature"] = b64(keys.signing.sign(canonical(checkpoint_body(row))))
    session.execute(insert(AuditCheckpoint).values(**row))
    return row


def entry_row(entry: AuditEntry) -> dict[str, Any]:
    """An entry as its export line (``type`` 'entry')."""
    try:
        detail = json.loads(entry.detail)
    except ValueError as exc:
        raise AuditError(f"Audit entry {entry.seq} has a detail that is not JSON.") from exc
    return {
        "type": "entry",
        **{k: getattr(entry, k) for k in ENTRY_FIELDS if k != "detail"},
        "detail": detail,
        "prev_hash": entry.prev_hash,
        "hash": entry.entry_hash,
    }


def checkpoint_row(cp: AuditCheckpoint) -> dict[str, Any]:
    """A checkpoint as its export line."""
    return {
        "type": "checkpoint",
        "seq": cp.seq,
        "entry_hash": cp.entry_hash,
        "prev_checkpoint": cp.prev_checkpoint,
        "signed_at": cp.signed_at,
        "key_id": cp.key_id,
        "public_key": cp.public_key,
        "signature": cp.signature,
    }


def iter_log(session: Session, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Entries in sequence order with each checkpoint right after the entry it seals."""
    checkpoints = {cp.seq: checkpoint_row(cp) for cp in session.scalars(select(AuditCheckpoint))}
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            yield entry_row(entry)
            if entry.seq in checkpoints:
                yield checkpoints.pop(entry.seq)
            last = entry.seq
    yield from (checkpoints[k] for k in sorted(checkpoints))  # checkpoints of missing entries


def head_of(session: Session) -> tuple[int, str]:
    """The chain head (seq, hash) without locking it; (0, GENESIS) for an empty log."""
    row = session.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)).first()
    return (int(row.seq), str(row.entry_hash)) if row is not None else (0, GENESIS)


def export(session: Session, keys: InstallationKeys, out: Path, *, actor: str) -> dict[str, Any]:
    """Write the log to ``out`` (JSON Lines) with a signed trailer; the export is itself audited.

    The caller commits ``session``: the export entry and its checkpoint are part of the log.
    """
    record(
        session,
        actor=actor,
        action="audit_export",
        record_kind="audit_log",
        record_id=out.name,
        purpose="audit",
        outcome="ok",
    )
    checkpoint(session, keys)
    entries = checkpoints = 0
    last_checkpoint = GENESIS
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for line in iter_log(session):
            if line["type"] == "entry":
                entries += 1
            else:
                checkpoints += 1
                last_checkpoint = checkpoint_hash(line)
            handle.write(canonical(line).decode() + "\n")
        head_seq, head_hash = head_of(session)
        trailer: dict[str, Any] = {
            "type": "export",
            "entries": entries,
            "checkpoints": checkpoints,
            "head_seq": head_seq,
            "head_hash": head_hash,
            "last_checkpoint": last_checkpoint,
            "exported_at": _now(),
            "key_id": keys.key_id,
            "public_key": b64(keys.signing_public),
        }
        trailer["signature"] = b64(keys.signing.sign(canonical(trailer)))
        handle.write(canonical(trailer).decode() + "\n")
    return trailer


def count(session: Session) -> int:
    """How many entries the log holds."""
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
