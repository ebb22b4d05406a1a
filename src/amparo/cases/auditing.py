"""The audit entries the case services write: every permitted read, list, write and decision,
in the caller's transaction, for the actor's purpose; and every refused read, in a transaction
of its own once the caller's has rolled back (:func:`permit_or_refusal`).

A refused read answers 404 and the request's transaction is rolled back with it (on SQLite,
``BEGIN IMMEDIATE``, a second connection could not even write while it is open), so the denial
is written after the rollback: :func:`amparo.store.db.after_rollback`, run by
:func:`amparo.store.db.transaction`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from amparo import audit
from amparo.access.actor import Actor, DeniedRead, require_visible
from amparo.access.model import AccessDecision, RecordFacts
from amparo.store.db import after_rollback


def _permit_detail(permit: AccessDecision) -> dict[str, Any]:
    return {
        "arrangements": list(permit.arrangements),
        "fields": "all" if permit.fields is None else sorted(permit.fields),
    }


def audited(
    session: Session,
    actor: Actor,
    action: str,
    kind: str,
    record_id: str,
    *,
    permit: AccessDecision | None = None,
    **detail: Any,
) -> None:
    """Audit a permitted read (with the ``permit``'s arrangements and fields) or a write, for
    the actor's purpose."""
    if permit is not None:
        detail = {**_permit_detail(permit), **detail}
    audit.record(
        session,
        actor=actor.id,
        action=action,
        record_kind=kind,
        record_id=record_id,
        purpose=actor.purpose,
        outcome="ok",
        detail=detail or None,
    )


def audit_refusal(session: Session, denied: DeniedRead) -> None:
    """Append a refused read to the audit trail, with the purpose used and the reasons."""
    audit.record(
        session,
        actor=denied.actor_id,
        action="read",
        record_kind=denied.record_kind,
        record_id=denied.record_id,
        purpose=denied.purpose,
        outcome="denied",
        detail={"reasons": list(denied.reasons)} if denied.reasons else None,
    )


def permit_or_refusal(
    session: Session, actor: Actor, facts: RecordFacts, view: str | None = None, *, kind: str | None = None
) -> AccessDecision:
    """The permit for ``view`` of the record (:func:`amparo.access.actor.require_visible`); when
    it is refused, the :class:`DeniedRead` propagates and its audit entry is written once the
    transaction of ``session`` has rolled back."""
    try:
        return require_visible(actor, facts, view, kind=kind)
    except DeniedRead as denied:
        after_rollback(session, partial(_audit_refusal_of, denied))
        raise


def _audit_refusal_of(denied: DeniedRead, session: Session) -> None:
    audit_refusal(session, denied)
