"""Shared pieces of the case services: who asks and why, the access check, audit, views of records.

Every read goes through :func:`access` (the one access decision, ``amparo.access.authorize``)
for the actor's purpose, on the facts :mod:`amparo.exchange.facts` builds from the store; a
record the policy refuses is reported exactly like a missing one. Every read, write and
decision is audited in the caller's transaction with the purpose used; a refused read is
audited in a transaction of its own (:class:`DeniedRead`), since the caller's is rolled back.

Field-level redaction. A permit names the fields allowed (``None``: all of them; vocabulary in
:mod:`amparo.exchange.fields`). A view that shows a withheld field is refused as not found
(404, audited as denied) and is absent from lists; :data:`NEEDS` says which field each view
needs: a case, its transitions and deadlines need ``claim_fact`` (they reveal that a claim was
screened), decisions need ``screening_decision``, findings ``findings``, notes ``notes``. An
encounter is shown with whatever is allowed: its ``document`` becomes the projected field view
(:func:`amparo.exchange.fields.project` of :func:`~amparo.exchange.fields.view_of_encounter`),
its top-level values drawn from withheld fields are null (``person_id`` unless every identity
field is allowed, ``nationality`` unless ``nationalities``, ``encountered_on`` unless allowed),
and ``redacted`` names the fields withheld.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from amparo.access import AccessDecision, RecordFacts, Requester, authorize
from amparo.errors import NotFound
from amparo.exchange import audit
from amparo.exchange.facts import CaseContext, record_facts
from amparo.exchange.fields import IDENTITY, project, view_of_encounter
from amparo.store.models import Case, Deadline, Decision, Encounter, Finding, Note, Transition, User

#: The purpose of writes, and of reads by an actor built without one.
PURPOSE = "case_management"

#: The field a view needs (see the module docstring); an encounter needs none.
NEEDS: Mapping[str, str] = {
    "case": "claim_fact",
    "transitions": "claim_fact",
    "deadlines": "claim_fact",
    "decision": "screening_decision",
    "decisions": "screening_decision",
    "findings": "findings",
    "notes": "notes",
}


@dataclass(frozen=True)
class Actor:
    """The user acting, as the services need it, and the purpose of the access."""

    user: User
    purpose: str = PURPOSE

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def requester(self) -> Requester:
        from amparo.exchange.agencies import get_agency

        return Requester(self.user.id, self.user.role, self.user.agency, get_agency(self.user.agency).country)

    def reading(self, purpose: str) -> Actor:
        """The same user, reading for ``purpose``."""
        return replace(self, purpose=purpose)


def facts_of(
    kind: str, record_id: str, document: Mapping[str, Any], context: CaseContext | None = None
) -> RecordFacts:
    """What the access policy needs to know about a record drawn from this encounter (and its
    case's context from :func:`amparo.exchange.facts.case_contexts`)."""
    return record_facts(kind, record_id, document, context)


def access(actor: Actor, facts: RecordFacts) -> AccessDecision:
    """The access decision for one record, for the actor's purpose, today."""
    return authorize(actor.requester, facts, actor.purpose, dt.date.today())


def shows(decision: AccessDecision, view: str) -> bool:
    """Whether a permit lets ``view`` be shown (it allows the field the view needs)."""
    if not decision.permitted:
        return False
    needed = NEEDS.get(view)
    return needed is None or decision.fields is None or needed in decision.fields


def refusal(decision: AccessDecision, view: str) -> list[str]:
    """Why ``view`` is not shown (for the audit trail)."""
    if not decision.permitted:
        return list(decision.reasons[:6])
    return [f"the view '{view}' needs the field '{NEEDS.get(view)}', which is withheld"]


def visible(actor: Actor, facts: RecordFacts, view: str | None = None) -> bool:
    """Whether ``actor`` may see ``view`` (default: the record's kind) of this record, today."""
    return shows(access(actor, facts), view or facts.kind)


def _decision_detail(decision: AccessDecision) -> dict[str, Any]:
    return {
        "arrangements": list(decision.arrangements),
        "fields": "all" if decision.fields is None else sorted(decision.fields),
    }


class DeniedRead(NotFound):
    """A read the access policy refused: answered exactly like a missing record (404), and
    audited by :func:`amparo.store.db.transaction` in a transaction of its own after the
    request's transaction has rolled back (so the denial is kept although nothing else is).

    ``kind`` and ``record_id`` make the message, the same as a missing record's; the audit
    entry names ``audit_kind`` (what was read, default ``kind``), the purpose and the reasons.
    """

    def __init__(
        self,
        actor_id: str,
        kind: str,
        record_id: str,
        *,
        purpose: str = PURPOSE,
        audit_kind: str | None = None,
        reasons: list[str] | None = None,
    ) -> None:
        super().__init__(kind, record_id)
        self.actor_id = actor_id
        self.record_kind = audit_kind or kind
        self.record_id = record_id
        self.purpose = purpose
        self.reasons = list(reasons or [])

    def after_rollback(self, session: Session) -> None:
        """Append the denial to the audit trail (called with a fresh session, then committed)."""
        audit.record(
            session,
            actor=self.actor_id,
            action="read",
            record_kind=self.record_kind,
            record_id=self.record_id,
            purpose=self.purpose,
            outcome="denied",
            detail={"reasons": self.reasons} if self.reasons else None,
        )


def require_visible(
    _session: Session, actor: Actor, facts: RecordFacts, view: str | None = None, *, kind: str | None = None
) -> AccessDecision:
    """The permit for ``view`` (default: the record's kind) of the record; DeniedRead (a
    NotFound named ``kind``, default the record's, audited after the rollback) when refused.

    The denial is not written in the caller's session: that transaction is rolled back with the 404
    (and on SQLite, BEGIN IMMEDIATE, a second connection could not write while it is open). Run
    the service inside
    :func:`amparo.store.db.transaction`, which writes it once the first has ended.
    """
    decision = access(actor, facts)
    view = view or facts.kind
    if not shows(decision, view):
        raise DeniedRead(
            actor.id,
            kind or facts.kind,
            facts.record_id,
            purpose=actor.purpose,
            audit_kind=view,
            reasons=refusal(decision, view),
        )
    return decision


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
        detail = {**_decision_detail(permit), **detail}
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


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def encounter_view(
    e: Encounter,
    case_id: str | None = None,
    *,
    copy_document: bool = True,
    fields: frozenset[str] | None = None,
) -> dict[str, Any]:
    """The API view of an encounter with only ``fields`` (``None``: all, the document as
    received); ``copy_document=False`` when ``e`` is not kept in a session."""
    view: dict[str, Any] = {
        "id": e.id,
        "person_id": e.person_id,
        "case_id": case_id,
        "agency": e.agency,
        "encountered_on": e.encountered_on.isoformat(),
        "nationality": e.nationality,
        "received_at": iso(e.received_at),
        "document": copy.deepcopy(e.document) if copy_document else e.document,
        "redacted": [],
    }
    if fields is None:
        return view
    full = view_of_encounter("encounter", e.id, e.document)
    shown = project(full, fields)
    view["document"] = shown
    view["redacted"] = sorted(k for k in full if k not in shown)
    if not set(IDENTITY) <= fields:
        view["person_id"] = None
    if "nationalities" not in fields:
        view["nationality"] = None
    if "encountered_on" not in fields:
        view["encountered_on"] = None
    return view


def decision_view(d: Decision, *, copy_document: bool = True) -> dict[str, Any]:
    """The API view of a decision (``copy_document=False`` when ``d`` is not kept in a session).

    The trace is stored once, in its own column (decisions stored since ``stored_document``
    was introduced keep no second copy in ``document``); it goes back after the summary."""
    body: dict[str, Any] = {}
    for key, value in d.document.items():
        body[key] = value
        if key == "summary" and "trace" not in d.document:
            body["trace"] = d.trace
    if copy_document:
        body = copy.deepcopy(body)
    body.update(
        {
            "id": d.id,
            "case_id": d.case_id,
            "encounter_id": d.encounter_id,
            "sequence": d.sequence,
            "reason": d.reason,
            "made_by": d.made_by,
            "made_at": iso(d.made_at),
            "ruleset_version": d.ruleset_version,
        }
    )
    return body


def case_view(c: Case, next_steps: list[str], *, fields: frozenset[str] | None = None) -> dict[str, Any]:
    """The API view of a case; ``person_id`` is null unless ``fields`` has every identity field."""
    return {
        "id": c.id,
        "encounter_id": c.encounter_id,
        "person_id": c.person_id if fields is None or set(IDENTITY) <= fields else None,
        "state": c.state,
        "version": c.version,
        "pending_target": c.pending_target,
        "proposed_by": c.proposed_by,
        "concurred_by": c.concurred_by,
        "current_decision_id": c.current_decision_id,
        "next_steps": next_steps,
        "opened_at": iso(c.opened_at),
        "updated_at": iso(c.updated_at),
    }


def finding_view(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "case_id": f.case_id,
        "key": f.key,
        "value": f.value,
        "interview": f.interview,
        "interviewed_on": iso(f.interviewed_on),
        "established_by": f.established_by,
        "established_at": iso(f.established_at),
        "decision_id": f.decision_id,
    }


def note_view(n: Note) -> dict[str, Any]:
    return {
        "id": n.id,
        "case_id": n.case_id,
        "text": n.text,
        "written_by": n.written_by,
        "written_at": iso(n.written_at),
    }


def transition_view(t: Transition) -> dict[str, Any]:
    return {
        "id": t.id,
        "case_id": t.case_id,
        "from_state": t.from_state,
        "to_state": t.to_state,
        "reason": t.reason,
        "by_user": t.by_user,
        "at": iso(t.at),
    }


def deadline_view(d: Deadline, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": d.id,
        "case_id": d.case_id,
        "step": d.step,
        "due_at": iso(d.due_at),
        "met_at": iso(d.met_at),
        "overdue": d.met_at is None and d.due_at < now,
    }
