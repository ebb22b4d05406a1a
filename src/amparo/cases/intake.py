"""Intake: store an encounter v1 document, open its case and record its first decision.

Idempotent on the encounter id: the same document again returns the stored result unchanged
(``created=False``); a different document under the same id is a :class:`Conflict`. Documents
are validated only by the law engine (:func:`amparo.screening.screen`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from amparo.cases import workflow
from amparo.cases.records import (
    PURPOSE,
    Actor,
    audited,
    decision_view,
    encounter_view,
    facts_of,
    require_visible,
)
from amparo.errors import Conflict, FieldError, InputError
from amparo.exchange import audit
from amparo.identity.intake import resolve_at_intake
from amparo.store.base import Base
from amparo.store.db import transaction
from amparo.store.models import Case, Deadline, Decision, Encounter, Transition, utcnow
from amparo.store.multi_insert import insert_rows
from amparo.store.repositories import document_sha256, new_id, translated

# The tables a new intake inserts into with one Core INSERT each (no unit-of-work flushes).
PERSONS: Table = Base.metadata.tables["persons"]
ENCOUNTERS: Table = Base.metadata.tables["encounters"]
CASES: Table = Base.metadata.tables["cases"]
DECISIONS: Table = Base.metadata.tables["decisions"]
TRANSITIONS: Table = Base.metadata.tables["transitions"]
DEADLINES: Table = Base.metadata.tables["deadlines"]
_STORED = select(ENCOUNTERS.c.id).where(ENCOUNTERS.c.id == bindparam("id"))


@dataclass(frozen=True)
class Screened:
    """What the store keeps of a screening decision."""

    as_of: dt.date
    ruleset_version: str
    document: dict[str, Any]


def screen_document(document: Mapping[str, Any], as_of: dt.date | None = None) -> Screened:
    """Validate and screen one encounter through the law engine (EncounterInvalid when invalid)."""
    from amparo.engine.registry import installed_registry  # interim: the CASES helper threads the registry in
    from amparo.screening import screen

    decision = screen(document, installed_registry(), as_of=as_of)
    return Screened(decision.as_of, str(decision.ruleset_version), decision.to_dict())


@dataclass(frozen=True)
class IntakeResult:
    """``created`` is False for an identical replay; ``body`` is the same either way."""

    created: bool
    body: dict[str, Any]


def stored_document(decision_document: Mapping[str, Any]) -> dict[str, Any]:
    """The decision summary v1 object as the ``document`` column keeps it: without its trace,
    which is stored once, in the ``trace`` column (about 10 KB a decision), and put back in
    place by :func:`amparo.cases.records.decision_view`."""
    return {k: v for k, v in decision_document.items() if k != "trace"}


def new_decision(
    session: Session,
    *,
    case: Case,
    encounter_id: str,
    screened: Screened,
    sequence: int,
    reason: str,
    by: str,
) -> Decision:
    """Add an immutable decision to a case and make it the case's current one."""
    decision = Decision(
        id=new_id("D"),
        case_id=case.id,
        encounter_id=encounter_id,
        sequence=sequence,
        as_of=screened.as_of,
        ruleset_version=screened.ruleset_version,
        summary=screened.document.get("summary", {}),
        trace=screened.document.get("trace", []),
        flags=screened.document.get("flags", []),
        document=stored_document(screened.document),
        reason=reason,
        made_by=by,
        made_at=utcnow(),
    )
    session.add(decision)
    return decision


def enter_step(session: Session, case: Case, to_state: str, *, by: str, reason: str | None) -> None:
    """Record a transition and move the per-step deadlines: the old one is met, the new one set."""
    now = utcnow()
    for open_deadline in session.scalars(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.met_at.is_(None))
    ):
        open_deadline.met_at = now
    session.add(
        Transition(
            id=new_id("T"),
            case_id=case.id,
            from_state=case.state,
            to_state=to_state,
            reason=reason,
            by_user=by,
            at=now,
        )
    )
    limit = workflow.STEP_DEADLINES.get(to_state)
    if limit is not None:
        session.add(Deadline(id=new_id("DL"), case_id=case.id, step=to_state, due_at=now + limit))


def _stored_body(session: Session, encounter: Encounter) -> dict[str, Any]:
    case = session.scalars(select(Case).where(Case.encounter_id == encounter.id)).one()
    first = session.scalars(
        select(Decision).where(Decision.case_id == case.id).order_by(Decision.sequence).limit(1)
    ).one()
    return _body(encounter, case, first)


def _body(encounter: Encounter, case: Case, decision: Decision) -> dict[str, Any]:
    return {"encounter": encounter_view(encounter, case.id), "decision": decision_view(decision)}


def _check_path_id(path_id: str, document: Mapping[str, Any]) -> None:
    doc_id = document.get("id")
    if isinstance(doc_id, str) and doc_id != path_id:
        raise InputError([FieldError("/id", f"must equal the id in the URL ('{path_id}'); it is '{doc_id}'")])


def _person_row(person_id: str, person_doc: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    birth = person_doc.get("birth_date")
    return {
        "id": person_id,
        "given_names": person_doc.get("given_names"),
        "surnames": person_doc.get("surnames"),
        "birth_date": dt.date.fromisoformat(birth) if isinstance(birth, str) else None,
        "nationalities": list(person_doc.get("nationalities") or []),
        "created_at": now,
    }


def intake(session: Session, actor: Actor, path_id: str, document: Mapping[str, Any]) -> IntakeResult:
    """Store ``document`` under ``path_id`` with its case and first decision (one transaction).

    A new intake is one row per table (person when new, encounter, case, decision, transition,
    deadline, and its audit entry) with every value computed here, so no row is read back or
    updated; on PostgreSQL they are one statement (:func:`amparo.store.multi_insert.insert_rows`).
    """
    _check_path_id(path_id, document)
    digest = document_sha256(document)
    # A plain column read (no ORM load) decides first intake vs replay; a replay loads the row.
    stored = session.connection().execute(_STORED, {"id": path_id}).first()
    existing = session.get(Encounter, path_id) if stored is not None else None
    if existing is not None:
        require_visible(session, actor, facts_of("encounter", existing.id, existing.document))
        if existing.document_sha256 != digest:
            raise Conflict("encounter", path_id, "Use a new id for a new encounter.")
        audited(session, actor, "encounter.intake", "encounter", path_id, replay=True)
        return IntakeResult(False, _stored_body(session, existing))

    screened = screen_document(document)
    _check_path_id(path_id, document)  # a document without a string id fails screening first
    doc = dict(document)
    person_doc = doc.get("person") or {}
    identity = resolve_at_intake(session, doc)
    person_id = identity.person_id
    now = utcnow()
    new_person = person_id is None
    if person_id is None:
        person_id = new_id("P")
    nationalities = person_doc.get("nationalities") or []
    place = doc.get("place") or {}
    encounter = Encounter(
        id=path_id,
        person_id=person_id,
        document=doc,
        document_sha256=digest,
        encountered_on=dt.date.fromisoformat(str(doc["encountered_on"])[:10]),
        nationality=nationalities[0] if nationalities else None,
        border=str(place.get("border", "")),
        manner=str(place.get("manner", "")),
        agency=actor.user.agency,
        received_by=actor.id,
        received_at=now,
    )
    decision_id = new_id("D")
    case_row: dict[str, Any] = {
        "id": new_id("C"),
        "encounter_id": path_id,
        "person_id": person_id,
        "state": "screened",
        "version": 1,
        "pending_target": None,
        "pending_from": None,
        "proposed_by": None,
        "concurred_by": None,
        "current_decision_id": decision_id,
        "opened_at": now,
        "updated_at": now,
    }
    decision = Decision(
        id=decision_id,
        case_id=case_row["id"],
        encounter_id=path_id,
        sequence=1,
        as_of=screened.as_of,
        ruleset_version=screened.ruleset_version,
        summary=screened.document.get("summary", {}),
        trace=screened.document.get("trace", []),
        flags=screened.document.get("flags", []),
        document=stored_document(screened.document),
        reason="intake",
        made_by=actor.id,
        made_at=now,
    )
    rows: list[tuple[Table, dict[str, Any]]] = []
    if new_person:
        rows.append((PERSONS, _person_row(person_id, person_doc, now)))
    rows += [(ENCOUNTERS, _columns(encounter)), (CASES, case_row), (DECISIONS, _columns(decision))]
    rows.append(
        (
            TRANSITIONS,
            {
                "id": new_id("T"),
                "case_id": case_row["id"],
                "from_state": "intake",
                "to_state": "screened",
                "reason": "screened at intake",
                "by_user": actor.id,
                "at": now,
            },
        )
    )
    limit = workflow.STEP_DEADLINES.get("screened")
    if limit is not None:
        rows.append(
            (
                DEADLINES,
                {"id": new_id("DL"), "case_id": case_row["id"], "step": "screened", "due_at": now + limit},
            )
        )
    # The audit entry naming the write and the decision it made goes in with the rows it
    # describes (the audit queue; it is chained once the transaction has committed).
    entry = audit.queued_row(
        actor=actor.id,
        action="encounter.intake",
        record_kind="encounter",
        record_id=path_id,
        purpose=PURPOSE,
        outcome="ok",
        detail={"decision": decision_id, "summary": decision.summary},
    )
    rows.append((audit.QUEUE, entry))
    rows += identity.rows(person_id, now)  # blocking keys, link (and review) rows
    with translated(session, "encounter", path_id):
        insert_rows(session, rows)  # one statement on PostgreSQL
    audit.queued(session)
    body = {
        "encounter": encounter_view(encounter, case_row["id"], copy_document=False),
        "decision": decision_view(decision, copy_document=False),
    }
    return IntakeResult(True, body)


def _columns(row: Encounter | Decision) -> dict[str, Any]:
    """The column values of a transient (never added) ORM object, for a Core INSERT."""
    table: Table = Base.metadata.tables[row.__tablename__]
    return {column.key: getattr(row, column.key) for column in table.columns}


def run_intake(
    factory: sessionmaker[Session], actor: Actor, path_id: str, document: Mapping[str, Any]
) -> IntakeResult:
    """:func:`intake` in its own transaction; a concurrent first intake of the same id is retried once,
    so the loser of the race answers as a replay (or a Conflict) instead of failing."""
    for attempt in range(2):
        try:
            with transaction(factory) as session:
                return intake(session, actor, path_id, document)
        except Conflict:
            if attempt == 1:
                raise
            with factory() as session:
                if session.get(Encounter, path_id) is None:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover
