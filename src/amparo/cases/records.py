"""Shared pieces of the case services: who asks, the access check, audit, views of records.

Every read goes through :func:`visible` (the one access decision, ``amparo.access.authorize``);
a record the policy refuses is reported exactly like a missing one. Every read, write and
decision is audited in the caller's transaction; a refused read is audited
in a transaction of its own (:class:`DeniedRead`), since the caller's is rolled back.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from amparo.access import RecordFacts, Requester, authorize
from amparo.errors import NotFound
from amparo.exchange import audit
from amparo.store.models import Case, Deadline, Decision, Encounter, Finding, Note, Transition, User

PURPOSE = "case_management"


@dataclass(frozen=True)
class Actor:
    """The user acting, as the services need it."""

    user: User

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def requester(self) -> Requester:
        from amparo.exchange.agencies import get_agency

        return Requester(self.user.id, self.user.role, self.user.agency, get_agency(self.user.agency).country)


def facts_of(kind: str, record_id: str, document: Mapping[str, Any], case: Case | None = None) -> RecordFacts:
    """What the access policy needs to know about a record drawn from this encounter."""
    person = document.get("person") or {}
    claims = document.get("fear_claims") or []
    aca_to: str | None = None
    if case is not None and case.state in {"transfer_scheduled", "transferred"}:
        aca_to = case.pending_target
    return RecordFacts(
        kind=kind,
        record_id=record_id,
        nationalities=tuple(person.get("nationalities") or ()),
        feared_countries=tuple(str(c["country"]) for c in claims if isinstance(c, dict) and c.get("country")),
        asylum_related=True,
        aca_receiving_country=aca_to,
    )


def visible(actor: Actor, facts: RecordFacts) -> bool:
    """The access decision for one record, today."""
    return authorize(actor.requester, facts, PURPOSE, dt.date.today()).permitted


class DeniedRead(NotFound):
    """A read the access policy refused: answered exactly like a missing record (404), and
    audited by :func:`amparo.store.db.transaction` in a transaction of its own after the
    request's transaction has rolled back (so the denial is kept although nothing else is)."""

    def __init__(self, actor_id: str, kind: str, record_id: str) -> None:
        super().__init__(kind, record_id)
        self.actor_id = actor_id
        self.record_kind = kind
        self.record_id = record_id

    def after_rollback(self, session: Session) -> None:
        """Append the denial to the audit trail (called with a fresh session, then committed)."""
        audit.record(
            session,
            actor=self.actor_id,
            action="read",
            record_kind=self.record_kind,
            record_id=self.record_id,
            purpose=PURPOSE,
            outcome="denied",
        )


def require_visible(_session: Session, actor: Actor, facts: RecordFacts) -> None:
    """DeniedRead (a NotFound, audited after the rollback) when the policy refuses the record.

    The denial is not written in the caller's session: that transaction is rolled back with the 404,
    and on SQLite (BEGIN IMMEDIATE) or with the audit head locked on PostgreSQL a second
    connection could not write while it is open. Run the service inside
    :func:`amparo.store.db.transaction`, which writes it once the first has ended.
    """
    if not visible(actor, facts):
        raise DeniedRead(actor.id, facts.kind, facts.record_id)


def audited(session: Session, actor: Actor, action: str, kind: str, record_id: str, **detail: Any) -> None:
    """Audit a permitted read or a write."""
    audit.record(
        session,
        actor=actor.id,
        action=action,
        record_kind=kind,
        record_id=record_id,
        purpose=PURPOSE,
        outcome="ok",
        detail=detail or None,
    )


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def encounter_view(e: Encounter, case_id: str | None = None, *, copy_document: bool = True) -> dict[str, Any]:
    """The API view of an encounter (``copy_document=False`` when ``e`` is not kept in a session)."""
    return {
        "id": e.id,
        "person_id": e.person_id,
        "case_id": case_id,
        "agency": e.agency,
        "encountered_on": e.encountered_on.isoformat(),
        "nationality": e.nationality,
        "received_at": iso(e.received_at),
        "document": copy.deepcopy(e.document) if copy_document else e.document,
    }


def decision_view(d: Decision, *, copy_document: bool = True) -> dict[str, Any]:
    """The API view of a decision (``copy_document=False`` when ``d`` is not kept in a session)."""
    body = copy.deepcopy(d.document) if copy_document else dict(d.document)
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


def case_view(c: Case, next_steps: list[str]) -> dict[str, Any]:
    return {
        "id": c.id,
        "encounter_id": c.encounter_id,
        "person_id": c.person_id,
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
