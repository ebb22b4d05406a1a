"""Signed checkpoints: every :data:`CHECKPOINT_INTERVAL` entries (and on export) the
installation's Ed25519 key signs a checkpoint naming the chain head, chained to the previous
checkpoint.

The key is the installation's: it is passed in, or bound to the session factory at the edge
(:func:`bind_signer`, from the settings the app or the command was created with), never read
from the environment here.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from amparo.audit.entries import GENESIS, now_text
from amparo.audit.models import AuditCheckpoint, AuditHead
from amparo.audit.signer import SIGNER_INFO as SIGNER_INFO
from amparo.audit.signer import Signer as Signer
from amparo.errors import AuditError
from amparo.store.canonical_json import canonical_bytes

CHECKPOINT_INTERVAL = 1000


def bind_signer(factory: sessionmaker[Session], signer: Signer) -> sessionmaker[Session]:
    """Make ``signer`` sign the checkpoints of every session of ``factory`` (returns it)."""
    info = dict(factory.kw.get("info") or {})
    info[SIGNER_INFO] = signer
    factory.configure(info=info)
    return factory


def bound_signer(session: Session) -> Signer:
    """The signer bound to the session's factory; AuditError when none is."""
    signer = session.info.get(SIGNER_INFO)
    if signer is None:
        raise AuditError(
            "No installation key is bound to this database session: a checkpoint cannot be signed "
            "(bind one with amparo.audit.bind_signer where the sessions are made)."
        )
    return signer  # type: ignore[no-any-return]


def b64(data: bytes) -> str:
    """Standard base64 text of ``data``."""
    return base64.b64encode(data).decode()


def checkpoint_body(row: Mapping[str, Any]) -> dict[str, Any]:
    """The signed part of a checkpoint."""
    keys = ("seq", "entry_hash", "prev_checkpoint", "signed_at", "key_id", "public_key")
    return {"type": "checkpoint", **{k: row[k] for k in keys}}


def checkpoint_hash(row: Mapping[str, Any]) -> str:
    """What the next checkpoint commits to."""
    return hashlib.sha256(canonical_bytes(checkpoint_body(row))).hexdigest()


def checkpoint(
    session: Session, keys: Signer, *, seq: int | None = None, digest: str | None = None
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
        "signed_at": now_text(),
        "key_id": keys.key_id,
        "public_key": b64(keys.signing_public),
    }
    row["signature"] = b64(keys.signing.sign(canonical_bytes(checkpoint_body(row))))
    session.execute(insert(AuditCheckpoint).values(**row))
    return row


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
