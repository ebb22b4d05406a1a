"""Outside anchors of the audit trail, as transparency logs keep them (RFC 9162, Rekor).

``amparo audit checkpoint --out FILE`` writes a signed checkpoint of the chain head (an
*anchor*): ``seq``, ``hash`` (the hash of entry ``seq``, which commits to every entry before it)
and the Ed25519 ``signature`` over the checkpoint body, with the key that made it. Kept outside
the database (a witness, another installation, a printout), it lets ``amparo audit verify
--anchor FILE`` prove the trail still EXTENDS it: entry ``seq`` is still there with that hash.
Deleting the newest entries and moving the head back, deleting entries and checkpoints
together, re-hashing from a changed entry on, or wiping everything, is then caught.

Installations witness each other: every envelope carries the sender's latest signed checkpoint
(:func:`latest`) and the receiver keeps it (:func:`keep_witnessed`), so a partner can later prove
what the sender's trail held (:func:`check_anchor` on the kept checkpoint).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.audit.checkpoints import Signer, b64, checkpoint, checkpoint_body, checkpoint_row
from amparo.audit.mac import entry_mac, same
from amparo.audit.models import AuditCheckpoint, AuditEntry, WitnessedCheckpoint
from amparo.store.canonical_json import canonical_bytes, canonical_json

ANCHOR_FORMAT = "amparo-audit-anchor/1"
_BODY_KEYS = ("seq", "entry_hash", "prev_checkpoint", "signed_at", "key_id", "public_key", "signature")


@dataclass(frozen=True)
class AnchorCheck:
    """Whether the trail extends an anchor; ``message`` says why not."""

    ok: bool
    message: str


def make_anchor(session: Session, keys: Signer, *, with_tree: bool = True) -> dict[str, Any] | None:
    """A signed checkpoint of the head, as an anchor file's content, with the signed Merkle tree
    head of the same entries (``tree_head``, :mod:`amparo.audit.merkle`; it reads every entry
    hash, so envelopes and receipts carry the checkpoint without it); None for an empty trail."""
    from amparo.audit.merkle import leaves_of, tree_head

    row = checkpoint(session, keys)
    if row is None:
        return None
    if not with_tree:
        return as_anchor(row)
    return {**as_anchor(row), "tree_head": tree_head(leaves_of(session, int(row["seq"])), keys)}


def as_anchor(row: Mapping[str, Any]) -> dict[str, Any]:
    """A checkpoint row as an anchor (``hash`` repeats ``entry_hash``)."""
    return {"format": ANCHOR_FORMAT, **{k: row[k] for k in _BODY_KEYS}, "hash": row["entry_hash"]}


def latest(session: Session) -> dict[str, Any] | None:
    """The latest signed checkpoint of this installation, as an anchor (None before the first)."""
    last = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)).first()
    return as_anchor(checkpoint_row(last)) if last is not None else None


def signature_problem(anchor: Mapping[str, Any], trusted: frozenset[str] | None) -> str | None:
    """None when the anchor's signature verifies (by a trusted key, when given); else why not."""
    try:
        if anchor.get("format") != ANCHOR_FORMAT or not isinstance(anchor.get("seq"), int):
            return "it is not an amparo audit anchor"
        if anchor.get("hash") != anchor.get("entry_hash"):
            return "its hash and entry_hash differ"
        public = base64.b64decode(str(anchor["public_key"]), validate=True)
        signature = base64.b64decode(str(anchor["signature"]), validate=True)
        body = checkpoint_body({**anchor, "type": "checkpoint"})
        Ed25519PublicKey.from_public_bytes(public).verify(signature, canonical_bytes(body))
    except (KeyError, ValueError, binascii.Error, InvalidSignature):
        return "its signature does not verify"
    if trusted is not None and anchor["public_key"] not in trusted:
        return "it is signed by a key that is not this installation's"
    return None


def check_anchor(
    session: Session, anchor: Mapping[str, Any], *, trusted: frozenset[str] | None = None
) -> AnchorCheck:
    """Whether the trail in the database still extends ``anchor`` (entry ``seq`` holds ``hash``)."""
    bad = signature_problem(anchor, trusted)
    if bad:
        return AnchorCheck(False, f"the anchor is not valid: {bad}")
    seq = int(anchor["seq"])
    found = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq))
    if found is None:
        return AnchorCheck(False, f"removed: the trail no longer holds entry {seq}, which the anchor seals")
    if found != anchor["hash"]:
        return AnchorCheck(False, f"changed: entry {seq} differs from the entry the anchor sealed")
    return AnchorCheck(True, f"extends the anchor at entry {seq}")


def first_unauthenticated(session: Session, key: bytes, batch: int = 5000) -> int | None:
    """The first entry whose MAC under ``key`` is missing or wrong (forged, or re-hashed by a
    database writer), or None when every entry is authenticated."""
    last = 0
    while True:
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash, AuditEntry.mac)
            .where(AuditEntry.seq > last)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            return None
        for seq, digest, mac in rows:
            if not same(mac, entry_mac(key, digest)):
                return int(seq)
            last = int(seq)


def keep_witnessed(
    session: Session, peer: str, anchor: Mapping[str, Any], signing_key: bytes, *, via: str
) -> bool:
    """Keep a peer's signed checkpoint received in an envelope or a receipt, when its signature
    verifies with the peer's signing key; whether it was kept."""
    if signature_problem(anchor, frozenset({b64(signing_key)})) is not None:
        return False
    row_id = f"{peer}:{anchor['seq']}:{str(anchor['hash'])[:32]}"
    if session.get(WitnessedCheckpoint, row_id) is None:
        session.add(
            WitnessedCheckpoint(
                id=row_id,
                peer=peer,
                seq=int(anchor["seq"]),
                entry_hash=str(anchor["hash"]),
                checkpoint=canonical_json(dict(anchor)),
                received_at=dt.datetime.now(dt.UTC).isoformat(),
                via=via[:64],
            )
        )
    return True


def witnessed(session: Session, peer: str) -> list[dict[str, Any]]:
    """The checkpoints kept from ``peer``, oldest first (each an anchor for ``verify --anchor``)."""
    rows = session.scalars(
        select(WitnessedCheckpoint).where(WitnessedCheckpoint.peer == peer).order_by(WitnessedCheckpoint.seq)
    )
    return [json.loads(r.checkpoint) for r in rows]
