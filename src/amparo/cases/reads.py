"""Reads of one record through the access policy: an encounter, a case, a decision, and the
decisions, findings, notes, transitions or deadlines of a case (oldest first).

A record the policy refuses for the actor's purpose answers like a missing one
(:class:`amparo.access.actor.DeniedRead`); every permitted read is audited with its permit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.access.actor import Actor
from amparo.access.facts import case_context, person_facts, record_facts
from amparo.cases.auditing import audited, permit_or_refusal
from amparo.cases.models import (
    CaseOut,
    DeadlineOut,
    DecisionOut,
    EncounterOut,
    FindingOut,
    NoteOut,
    TransitionOut,
)
from amparo.cases.stored import StoredCase, load_case
from amparo.cases.views import (
    deadline_view,
    decision_view,
    encounter_view,
    finding_view,
    note_view,
    transition_view,
)
from amparo.engine.registry import PackRegistry
from amparo.errors import NotFound
from amparo.store.models import Case, Deadline, Decision, Encounter, Finding, Note, Transition, utcnow


def get_encounter(session: Session, packs: PackRegistry, actor: Actor, encounter_id: str) -> EncounterOut:
    encounter = session.get(Encounter, encounter_id)
    if encounter is None:
        raise NotFound("encounter", encounter_id)
    case = session.scalars(select(Case).where(Case.encounter_id == encounter_id)).first()
    context = case_context(session, case, packs) if case is not None else None
    person = person_facts(packs, encounter.document)
    permit = permit_or_refusal(session, actor, record_facts("encounter", encounter.id, person, context))
    audited(session, actor, "read", "encounter", encounter_id, permit=permit)
    return encounter_view(
        encounter, case.id if case is not None else None, fields=permit.fields, person=person
    )


def get_case(session: Session, packs: PackRegistry, actor: Actor, case_id: str) -> CaseOut:
    stored = load_case(session, packs, actor, case_id)
    audited(session, actor, "read", "case", case_id, permit=stored.permit)
    return stored.shown()


def get_decision(session: Session, packs: PackRegistry, actor: Actor, decision_id: str) -> DecisionOut:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("decision", decision_id)
    case = session.get(Case, decision.case_id)
    encounter = session.get(Encounter, decision.encounter_id)
    if case is None or encounter is None:  # pragma: no cover  (foreign keys guarantee them)
        raise NotFound("decision", decision_id)
    person = person_facts(packs, encounter.document)
    facts = record_facts("decision", decision.id, person, case_context(session, case, packs))
    permit = permit_or_refusal(session, actor, facts)
    audited(session, actor, "read", "decision", decision_id, permit=permit)
    return decision_view(decision)


def _children(session: Session, packs: PackRegistry, actor: Actor, case_id: str, kind: str) -> StoredCase:
    """The case, if the permit allows the field its ``kind`` list needs; the read is audited."""
    stored = load_case(session, packs, actor, case_id, kind)
    audited(session, actor, "read", kind, case_id, permit=stored.permit)
    return stored


def case_decisions(session: Session, packs: PackRegistry, actor: Actor, case_id: str) -> list[DecisionOut]:
    _children(session, packs, actor, case_id, "decisions")
    rows = session.scalars(select(Decision).where(Decision.case_id == case_id).order_by(Decision.sequence))
    return [decision_view(d) for d in rows]


def case_findings(session: Session, packs: PackRegistry, actor: Actor, case_id: str) -> list[FindingOut]:
    _children(session, packs, actor, case_id, "findings")
    rows = session.scalars(
        select(Finding).where(Finding.case_id == case_id).order_by(Finding.established_at, Finding.id)
    )
    return [finding_view(f) for f in rows]


def case_notes(session: Session, packs: PackRegistry, actor: Actor, case_id: str) -> list[NoteOut]:
    _children(session, packs, actor, case_id, "notes")
    rows = session.scalars(select(Note).where(Note.case_id == case_id).order_by(Note.written_at, Note.id))
    return [note_view(n) for n in rows]


def case_transitions(
    session: Session, packs: PackRegistry, actor: Actor, case_id: str
) -> list[TransitionOut]:
    _children(session, packs, actor, case_id, "transitions")
    rows = session.scalars(
        select(Transition).where(Transition.case_id == case_id).order_by(Transition.at, Transition.id)
    )
    return [transition_view(t) for t in rows]


def case_deadlines(session: Session, packs: PackRegistry, actor: Actor, case_id: str) -> list[DeadlineOut]:
    _children(session, packs, actor, case_id, "deadlines")
    now = utcnow()
    rows = session.scalars(select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.due_at))
    return [deadline_view(d, now) for d in rows]
