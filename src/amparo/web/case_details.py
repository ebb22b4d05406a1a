"""Everything the case page shows, each part read through the case services (so through the
access decision): a part the reader may not see is simply absent, as the API answers 404 for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.access.actor import Actor
from amparo.audit.models import AuditEntry
from amparo.cases import lists, reads
from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, NotFound
from amparo.store.models import User

T = TypeVar("T")
#: Roles that may read a case's audit trail on its page.
AUDIT_READERS = frozenset({"supervisor", "admin"})
AUDIT_ROWS = 50


def _maybe(read: Callable[[], T]) -> T | None:
    """A part of the page, or None when the access policy withholds it."""
    try:
        return read()
    except NotFound:
        return None


def _pack(packs: PackRegistry, decision: dict[str, Any] | None) -> LawPack:
    ruleset = (decision or {}).get("ruleset") or {}
    try:
        return packs.get(str(ruleset.get("id")))
    except AmparoError:
        return packs.default


def case_details(session: Session, packs: PackRegistry, actor: Actor, case_id: str) -> dict[str, Any]:
    """The case (NotFound when it may not be seen) and every part of it the reader may see."""
    case = reads.get_case(session, packs, actor, case_id)
    encounter = _maybe(lambda: reads.get_encounter(session, packs, actor, case.encounter_id))
    decisions = _maybe(lambda: reads.case_decisions(session, packs, actor, case_id)) or []
    current = next(
        (d for d in decisions if d.id == case.current_decision_id), decisions[-1] if decisions else None
    )
    current_doc = current.document_first() if current is not None else None
    pack = _pack(packs, current_doc)
    others = []
    if case.person_id:
        page = lists.list_cases(session, packs, actor, person_id=case.person_id, limit=50)
        others = [c for c in page.items if c.id != case.id]
    links = identity_links(session, actor, case.encounter_id) if encounter is not None else []
    trail = None
    names: dict[str, str] = {}
    if actor.user.role in AUDIT_READERS:
        ids = [case.id, case.encounter_id, *(d.id for d in decisions)]
        trail = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.record_id.in_(ids))
                .order_by(AuditEntry.seq.desc())
                .limit(AUDIT_ROWS)
            )
        )
        ids_seen = {e.actor for e in trail}
        names = {
            r.id: r.name for r in session.execute(select(User.id, User.name).where(User.id.in_(ids_seen)))
        }
        audit.record(
            session,
            actor=actor.id,
            action="audit.read",
            record_kind="case",
            record_id=case.id,
            purpose=actor.purpose,
            outcome="ok",
            detail={"entries": len(trail)},
        )
    return {
        "case": case,
        "encounter": encounter,
        "decisions": decisions,
        "current": current_doc,
        "labels": {k.key: (k.label, k.label_es or k.label) for k in pack.program.summary},
        "pack": pack,
        "findings": _maybe(lambda: reads.case_findings(session, packs, actor, case_id)),
        "transitions": _maybe(lambda: reads.case_transitions(session, packs, actor, case_id)),
        "deadlines": _maybe(lambda: reads.case_deadlines(session, packs, actor, case_id)),
        "notes": _maybe(lambda: reads.case_notes(session, packs, actor, case_id)),
        "others": others,
        "links": links,
        "trail": trail,
        "names": names,
        "finding_keys": finding_keys(pack),
        "concurrence_state": pack.workflow.concurrence_state,
        "flag_texts": {f.id: (f.title, f.decision) for f in pack.law_book().flags.values()},
    }


def finding_keys(pack: LawPack) -> list[str]:
    """The findings the pack's document accepts (from its JSON Schema when it publishes one)."""
    schema_of = getattr(pack, "document_json_schema", None)
    schema: dict[str, Any] = schema_of() if callable(schema_of) else {}
    findings = (schema.get("properties") or {}).get("findings") or {}
    return sorted((findings.get("properties") or {}).keys())


def identity_links(session: Session, actor: Actor, encounter_id: str) -> list[dict[str, Any]]:
    """The identity reviews of this encounter with the model's explanation (only for those who may
    resolve identity: a partner never learns whether a person is known)."""
    from amparo.identity import decisions as identity
    from amparo.identity.tables import IdentityReview

    if not identity.may_resolve_identity(actor.user):
        return []
    reviews = session.scalars(
        select(IdentityReview)
        .where(IdentityReview.encounter_id == encounter_id)
        .order_by(IdentityReview.created_at)
    ).all()
    return [identity.review_view(session, r) for r in reviews]
