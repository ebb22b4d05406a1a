"""Export of the audit trail: JSON Lines, each checkpoint right after the entry it seals,
and a signed trailer; the export is itself audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.audit.chain import head_of, integrate, record
from amparo.audit.checkpoints import Signer, b64, checkpoint, checkpoint_hash, checkpoint_row
from amparo.audit.entries import GENESIS, entry_row, now_text
from amparo.audit.models import AuditCheckpoint, AuditEntry
from amparo.store.canonical_json import canonical_bytes, canonical_json


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


def export(session: Session, keys: Signer, out: Path, *, actor: str) -> dict[str, Any]:
    """Write the log to ``out`` (JSON Lines) with a signed trailer; the export is itself audited.

    Chains what is queued first; the caller commits ``session``: the export entry and its
    checkpoint are part of the log.
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
    integrate(session, keys)  # every committed entry, and the export's own, is in the chain
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
            handle.write(canonical_json(line) + "\n")
        head_seq, head_hash = head_of(session)
        trailer: dict[str, Any] = {
            "type": "export",
            "entries": entries,
            "checkpoints": checkpoints,
            "head_seq": head_seq,
            "head_hash": head_hash,
            "last_checkpoint": last_checkpoint,
            "exported_at": now_text(),
            "key_id": keys.key_id,
            "public_key": b64(keys.signing_public),
        }
        trailer["signature"] = b64(keys.signing.sign(canonical_bytes(trailer)))
        handle.write(canonical_json(trailer) + "\n")
    return trailer
