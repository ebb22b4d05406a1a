"""Audit entries: what one entry holds, its hash, and appending it in the caller's transaction.

An entry is first a row of the audit queue (:func:`queued_row`, appended by
:func:`amparo.audit.chain.record`), then, once chained, a row of the log with its sequence number
and hash (:func:`entry_hash`), exported as :func:`entry_row`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from amparo.audit.models import AuditEntry, AuditQueued
from amparo.errors import AuditError
from amparo.store.canonical_json import canonical_bytes, canonical_json

GENESIS = "0" * 64
ENTRY_FIELDS = ("seq", "at", "actor", "action", "record_kind", "record_id", "purpose", "outcome", "detail")
QUEUED_FIELDS = ("at", "actor", "action", "record_kind", "record_id", "purpose", "outcome", "detail")
QUEUE: Table = AuditQueued.__table__  # type: ignore[assignment]
ENTRIES: Table = AuditEntry.__table__  # type: ignore[assignment]

#: How an audited action ended.
Outcome = Literal["ok", "denied", "not_found", "refused", "ignored"]


def entry_hash(body: Mapping[str, Any]) -> str:
    """The hash of an entry: its fields and ``prev_hash``, canonical JSON, SHA-256."""
    return hashlib.sha256(canonical_bytes({k: body[k] for k in (*ENTRY_FIELDS, "prev_hash")})).hexdigest()


def now_text() -> str:
    """The current UTC time as the audit tables store it (ISO 8601, microseconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def queued_row(
    *,
    actor: str,
    action: str,
    record_kind: str,
    record_id: str,
    purpose: str,
    outcome: Outcome,
    detail: Mapping[str, Any] | None = None,
    session: Session | None = None,
) -> dict[str, str | None]:
    """The audit queue row of one entry (``detail`` as canonical JSON text), with its ``mac``
    under the audit key of the signer bound to ``session`` (:mod:`amparo.audit.mac`; None
    without one: a chainer holding the key refuses such a row)."""
    from amparo.audit.mac import queued_mac, session_mac_key

    row: dict[str, str | None] = {
        "at": now_text(),
        "actor": str(actor),
        "action": str(action),
        "record_kind": str(record_kind),
        "record_id": str(record_id),
        "purpose": str(purpose),
        "outcome": str(outcome),
        "detail": canonical_json(dict(detail or {})),
    }
    key = session_mac_key(session.info) if session is not None else None
    row["mac"] = queued_mac(key, row) if key is not None else None
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


def count(session: Session) -> int:
    """How many entries the log holds."""
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
