"""Audit trail hook. Every read, write, disclosure, export and policy decision is recorded here.

Interface (stable): :func:`record` is called inside the caller's transaction, so the audit entry
commits or rolls back with the change it describes. The exchange issue implements the
hash-chained, signed log behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session


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
    """Append one audit entry (not yet persisted: the exchange issue adds the chained log)."""
    del session, actor, action, record_kind, record_id, purpose, outcome, detail
