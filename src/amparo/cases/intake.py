"""Intake: store a document, open its case and record its first decision.

The document's ``schema`` field picks its law pack (:meth:`PackRegistry.for_document`, the
registry passed in by the caller); the pack parses it once, and the typed document serves every
step: who it is about (:meth:`LawPack.person`: the encounter's columns, the new person's row,
the access facts), and its screening (:func:`amparo.screening.screen_parsed`). Nothing here knows
any pack's document or summary keys.

Idempotent on the document id: the same document again returns the stored result unchanged
(``created=False``); a different document under the same id is a :class:`Conflict`. Documents are
validated only by their pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.access.actor import PURPOSE, Actor
from amparo.access.facts import person_facts, record_facts
from amparo.cases.auditing import audited, permit_or_refusal
from amparo.cases.decisions import clock_rows, decision_row, screen_with
from amparo.cases.models import IntakeOut
from amparo.cases.steps import step_rows
from amparo.cases.views import decision_view, encounter_view
from amparo.engine.pack import PersonFacts
from amparo.engine.registry import PackRegistry
from amparo.errors import Conflict, FieldError, InputError
from amparo.identity.intake import resolve_at_intake
from amparo.store.base import Base
from amparo.store.canonical_json import document_sha256
from amparo.store.db import transaction
from amparo.store.ids import new_id
from amparo.store.integrity import translated
from amparo.store.models import Case, Deadline, Decision, Encounter, Transition, utcnow
from amparo.store.multi_insert import insert_rows

# The tables a new intake inserts into with one Core INSERT each (no unit-of-work flushes).
PERSONS: Table = Base.metadata.tables["persons"]
ENCOUNTERS: Table = Base.metadata.tables["encounters"]
CASES: Table = Base.metadata.tables["cases"]
DECISIONS: Table = Base.metadata.tables["decisions"]
TRANSITIONS: Table = Base.metadata.tables["transitions"]
DEADLINES: Table = Base.metadata.tables["deadlines"]
_STORED = select(ENCOUNTERS.c.id).where(ENCOUNTERS.c.id == bindparam("id"))


@dataclass(frozen=True)
class IntakeResult:
    """``created`` is False for an identical replay; ``body`` is the same either way."""

    created: bool
    body: IntakeOut


def _stored_body(session: Session, encounter: Encounter) -> IntakeOut:
    case = session.scalars(select(Case).where(Case.encounter_id == encounter.id)).one()
    first = session.scalars(
        select(Decision).where(Decision.case_id == case.id).order_by(Decision.sequence).limit(1)
    ).one()
    return IntakeOut.model_construct(
        encounter=encounter_view(encounter, case.id), decision=decision_view(first)
    )


def _check_id(path_id: str, doc_id: object) -> None:
    if isinstance(doc_id, str) and doc_id != path_id:
        raise InputError([FieldError("/id", f"must equal the id in the URL ('{path_id}'); it is '{doc_id}'")])


def _person_row(person_id: str, person: PersonFacts, now: Any) -> dict[str, Any]:
    return {
        "id": person_id,
        "given_names": person.given_names,
        "surnames": person.surnames,
        "birth_date": person.birth_date,
        "nationalities": list(person.nationalities),
        "created_at": now,
    }


def _place(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Where the document says the person was met (its ``place``, when it has one)."""
    place = document.get("place")
    return place if isinstance(place, Mapping) else {}


def _columns(row: Encounter | Decision | Transition | Deadline) -> dict[str, Any]:
    """The column values of a transient (never added) ORM object, for a Core INSERT."""
    table: Table = Base.metadata.tables[row.__tablename__]
    return {column.key: getattr(row, column.key) for column in table.columns}


def intake(
    session: Session, packs: PackRegistry, actor: Actor, path_id: str, document: Mapping[str, Any]
) -> IntakeResult:
    """Store ``document`` under ``path_id`` with its case and first decision (one transaction).

    A new intake is one row per table (person when new, encounter, case, decision, transition,
    deadline, identity rows and its audit entry) with every value computed here, so no row is read
    back or updated; on PostgreSQL they are one statement (:func:`amparo.store.multi_insert.insert_rows`).
    """
    _check_id(path_id, document.get("id"))
    digest = document_sha256(document)
    # A plain column read (no ORM load) decides first intake vs replay; a replay loads the row.
    stored = session.connection().execute(_STORED, {"id": path_id}).first()
    existing = session.get(Encounter, path_id) if stored is not None else None
    if existing is not None:
        stored_person = person_facts(packs, existing.document)
        permit_or_refusal(session, actor, record_facts("encounter", existing.id, stored_person))
        if existing.document_sha256 != digest:
            raise Conflict("encounter", path_id, "Use a new id for a new encounter.")
        audited(session, actor, "encounter.intake", "encounter", path_id, replay=True)
        return IntakeResult(False, _stored_body(session, existing))

    pack = packs.for_document(document)
    parsed = pack.parse(document)
    person = pack.person(parsed)
    screened = screen_with(pack, parsed)
    _check_id(path_id, person.document_id)
    doc = dict(document)
    identity = resolve_at_intake(session, doc)
    now = utcnow()
    person_id = identity.person_id
    new_person = person_id is None
    if person_id is None:
        person_id = new_id("P")
    place = _place(doc)
    encounter = Encounter(
        id=path_id,
        person_id=person_id,
        document=doc,
        document_sha256=digest,
        encountered_on=person.occurred_on,
        nationality=person.nationalities[0] if person.nationalities else None,
        border=str(place.get("border", "")),
        manner=str(place.get("manner", "")),
        agency=actor.user.agency,
        received_by=actor.id,
        received_at=now,
    )
    workflow = pack.workflow
    case_id = new_id("C")
    decision = decision_row(
        case_id=case_id,
        encounter_id=path_id,
        screened=screened,
        sequence=1,
        reason="intake",
        by=actor.id,
        at=now,
    )
    case_row: dict[str, Any] = {
        "id": case_id,
        "encounter_id": path_id,
        "person_id": person_id,
        "state": workflow.first_state,
        "version": 1,
        "pending_target": None,
        "pending_from": None,
        "proposed_by": None,
        "concurred_by": None,
        "current_decision_id": decision.id,
        "opened_at": now,
        "updated_at": now,
    }
    transition, deadline = step_rows(
        workflow,
        case_id=case_id,
        from_state=workflow.intake_state,
        to_state=workflow.first_state,
        by=actor.id,
        reason="screened at intake",
        at=now,
    )
    rows: list[tuple[Table, dict[str, Any]]] = []
    if new_person:
        rows.append((PERSONS, _person_row(person_id, person, now)))
    rows += [(ENCOUNTERS, _columns(encounter)), (CASES, case_row), (DECISIONS, _columns(decision))]
    rows.append((TRANSITIONS, _columns(transition)))
    if deadline is not None:
        rows.append((DEADLINES, _columns(deadline)))
    rows += [(DEADLINES, _columns(c)) for c in clock_rows(pack, case_id=case_id, summary=decision.summary)]
    # The audit entry naming the write and the decision it made goes in with the rows it
    # describes (the audit queue; it is chained once the transaction has committed).
    entry = audit.queued_row(
        actor=actor.id,
        action="encounter.intake",
        record_kind="encounter",
        record_id=path_id,
        purpose=PURPOSE,
        outcome="ok",
        detail={"decision": decision.id, "summary": decision.summary},
        session=session,  # authenticated under the audit key (issue 11)
    )
    rows.append((audit.QUEUE, entry))
    rows += identity.rows(person_id, now)  # blocking keys, link (and review) rows
    with translated(session, "encounter", path_id):
        insert_rows(session, rows)  # one statement on PostgreSQL
    audit.queued(session)
    body = IntakeOut.model_construct(
        encounter=encounter_view(encounter, case_id, copy_document=False),
        decision=decision_view(decision, copy_document=False),
    )
    return IntakeResult(True, body)


def run_intake(
    factory: sessionmaker[Session],
    packs: PackRegistry,
    actor: Actor,
    path_id: str,
    document: Mapping[str, Any],
) -> IntakeResult:
    """:func:`intake` in its own transaction; a concurrent first intake of the same id is retried once,
    so the loser of the race answers as a replay (or a Conflict) instead of failing."""
    for attempt in range(2):
        try:
            with transaction(factory) as session:
                return intake(session, packs, actor, path_id, document)
        except Conflict:
            if attempt == 1:
                raise
            with factory() as session:
                if session.get(Encounter, path_id) is None:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover
