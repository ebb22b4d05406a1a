"""Case services: reads and lists through the access policy, findings that re-screen, new
as-of decisions, guarded workflow transitions, supervisor concurrence, notes and deadlines.

Reads are decided for the actor's purpose on the facts :mod:`amparo.exchange.facts` builds
(the case's scheduled ACA transfer and recorded disclosure bases included), with field-level
redaction as :mod:`amparo.cases.records` describes; a refused record answers like a missing one
and is absent from lists (whose case contexts are loaded in two queries a batch).

Updates carry the case version they were made on; the write is a conditional UPDATE on
that version, so of two concurrent updates exactly one wins and the other gets StaleVersion.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from amparo.access import AccessDecision
from amparo.cases import workflow
from amparo.cases.intake import enter_step, new_decision, screen_document
from amparo.cases.records import (
    Actor,
    access,
    audited,
    case_view,
    deadline_view,
    decision_view,
    encounter_view,
    facts_of,
    finding_view,
    note_view,
    require_visible,
    shows,
    transition_view,
)
from amparo.errors import NotFound, StaleVersion, TransitionNotAllowed
from amparo.exchange.facts import CaseContext, case_context, case_contexts
from amparo.store.models import Case, Deadline, Decision, Encounter, Finding, Note, Transition, utcnow
from amparo.store.repositories import decode_cursor, encode_cursor, new_id, translated

MAX_LIMIT = 200


@dataclass(frozen=True)
class Page:
    """One page of a list and the cursor of the next (None at the end)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


# ---------------------------------------------------------------- loading with the access check


@dataclass(frozen=True)
class _CaseRead:
    """A case loaded through the access check: its encounter, context and the permit."""

    case: Case
    encounter: Encounter
    context: CaseContext
    permit: AccessDecision


def _load_case(session: Session, actor: Actor, case_id: str, view: str = "case") -> _CaseRead:
    """The case if ``actor`` may see ``view`` of it (records.NEEDS); else not found."""
    row = session.execute(
        select(Case, Encounter).join(Encounter, Encounter.id == Case.encounter_id).where(Case.id == case_id)
    ).first()
    if row is None:
        raise NotFound("case", case_id)
    case, encounter = row
    context = case_context(session, case)
    facts = facts_of("case", case.id, encounter.document, context)
    permit = require_visible(session, actor, facts, view, kind="case")
    return _CaseRead(case, encounter, context, permit)


def _case_and_encounter(session: Session, actor: Actor, case_id: str) -> tuple[Case, Encounter]:
    loaded = _load_case(session, actor, case_id)
    return loaded.case, loaded.encounter


def _current_summary(session: Session, case: Case) -> Mapping[str, Any]:
    decision = session.get(Decision, case.current_decision_id) if case.current_decision_id else None
    return decision.summary if decision is not None else {}


def _case_body(session: Session, case: Case) -> dict[str, Any]:
    return case_view(case, workflow.next_steps(case.state, _current_summary(session, case)))


def _shown_case(case: Case, context: CaseContext, permit: AccessDecision) -> dict[str, Any]:
    return case_view(case, workflow.next_steps(case.state, context.summary or {}), fields=permit.fields)


def get_encounter(session: Session, actor: Actor, encounter_id: str) -> dict[str, Any]:
    encounter = session.get(Encounter, encounter_id)
    if encounter is None:
        raise NotFound("encounter", encounter_id)
    case = session.scalars(select(Case).where(Case.encounter_id == encounter_id)).first()
    context = case_context(session, case) if case is not None else None
    permit = require_visible(session, actor, facts_of("encounter", encounter.id, encounter.document, context))
    audited(session, actor, "read", "encounter", encounter_id, permit=permit)
    return encounter_view(encounter, case.id if case is not None else None, fields=permit.fields)


def get_case(session: Session, actor: Actor, case_id: str) -> dict[str, Any]:
    loaded = _load_case(session, actor, case_id)
    audited(session, actor, "read", "case", case_id, permit=loaded.permit)
    return _shown_case(loaded.case, loaded.context, loaded.permit)


def get_decision(session: Session, actor: Actor, decision_id: str) -> dict[str, Any]:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("decision", decision_id)
    case = session.get(Case, decision.case_id)
    encounter = session.get(Encounter, decision.encounter_id)
    if case is None or encounter is None:  # pragma: no cover  (foreign keys guarantee them)
        raise NotFound("decision", decision_id)
    facts = facts_of("decision", decision.id, encounter.document, case_context(session, case))
    permit = require_visible(session, actor, facts)
    audited(session, actor, "read", "decision", decision_id, permit=permit)
    return decision_view(decision)


def case_children(session: Session, actor: Actor, case_id: str, kind: str) -> list[dict[str, Any]]:
    """The decisions, findings, notes, transitions or deadlines of a case, oldest first
    (not found unless the permit allows the field ``kind`` needs, records.NEEDS)."""
    case = _load_case(session, actor, case_id, kind)
    audited(session, actor, "read", kind, case_id, permit=case.permit)
    now = utcnow()
    if kind == "decisions":
        rows = session.scalars(
            select(Decision).where(Decision.case_id == case_id).order_by(Decision.sequence)
        )
        return [decision_view(d) for d in rows]
    if kind == "findings":
        found = session.scalars(
            select(Finding).where(Finding.case_id == case_id).order_by(Finding.established_at, Finding.id)
        )
        return [finding_view(f) for f in found]
    if kind == "notes":
        notes = session.scalars(
            select(Note).where(Note.case_id == case_id).order_by(Note.written_at, Note.id)
        )
        return [note_view(n) for n in notes]
    if kind == "transitions":
        steps = session.scalars(
            select(Transition).where(Transition.case_id == case_id).order_by(Transition.at, Transition.id)
        )
        return [transition_view(t) for t in steps]
    deadlines = session.scalars(select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.due_at))
    return [deadline_view(d, now) for d in deadlines]


# ---------------------------------------------------------------- lists (keyset pagination)

#: Turns a batch of rows into their views, None for each row the actor may not see.
Shown = Callable[[Sequence[Any]], list[dict[str, Any] | None]]


def _paged(
    session: Session,
    query: Select[*tuple[Any, ...]],
    key: Callable[[Any], tuple[str, ...]],
    shown: Shown,
    limit: int,
) -> Page:
    """Pages of ``query`` (already ordered by ``key`` and past the cursor) keeping only what the
    policy lets the actor see: a refused record is absent, not counted, not hinted at."""
    limit = max(1, min(limit, MAX_LIMIT))
    items: list[tuple[Any, dict[str, Any]]] = []
    offset = 0
    batch = limit + 1
    while len(items) <= limit:
        rows = list(session.execute(query.offset(offset).limit(batch)).all())
        items.extend((r, v) for r, v in zip(rows, shown(rows), strict=True) if v is not None)
        if len(rows) < batch:
            break
        offset += batch
    page = items[:limit]
    more = len(items) > limit
    return Page([v for _, v in page], encode_cursor(*key(page[-1][0])) if more and page else None)


def _permits(
    session: Session, actor: Actor, kind: str, pairs: Iterable[tuple[Case, Encounter]]
) -> dict[str, tuple[CaseContext, AccessDecision]]:
    """The context of each case and the permit for its ``kind`` record (by case id), the
    contexts of the whole batch loaded in two queries."""
    unique = {case.id: (case, encounter) for case, encounter in pairs}
    contexts = case_contexts(session, [case for case, _ in unique.values()])
    permits: dict[str, tuple[CaseContext, AccessDecision]] = {}
    for case_id, (_, encounter) in unique.items():
        record_id = encounter.id if kind == "encounter" else case_id
        facts = facts_of(kind, record_id, encounter.document, contexts[case_id])
        permits[case_id] = (contexts[case_id], access(actor, facts))
    return permits


def _listed(session: Session, actor: Actor, kind: str, page: Page, **detail: Any) -> Page:
    """Audit a list with the ids it shows."""
    audited(session, actor, "list", kind, "*", returned=[item["id"] for item in page.items], **detail)
    return page


def list_encounters(
    session: Session,
    actor: Actor,
    *,
    nationality: str | None = None,
    border: str | None = None,
    agency: str | None = None,
    encountered_from: dt.date | None = None,
    encountered_to: dt.date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    query = select(Encounter, Case).join(Case, Case.encounter_id == Encounter.id).order_by(Encounter.id)
    if nationality:
        query = query.where(Encounter.nationality == nationality)
    if border:
        query = query.where(Encounter.border == border)
    if agency:
        query = query.where(Encounter.agency == agency)
    if encountered_from:
        query = query.where(Encounter.encountered_on >= encountered_from)
    if encountered_to:
        query = query.where(Encounter.encountered_on <= encountered_to)
    if cursor:
        query = query.where(Encounter.id > decode_cursor(cursor, 1)[0])

    def shown(rows: Sequence[Any]) -> list[dict[str, Any] | None]:
        permits = {
            k: p for k, (_, p) in _permits(session, actor, "encounter", ((c, e) for e, c in rows)).items()
        }
        return [
            encounter_view(e, c.id, fields=permits[c.id].fields)
            if shows(permits[c.id], "encounter")
            else None
            for e, c in rows
        ]

    return _listed(session, actor, "encounter", _paged(session, query, lambda r: (r[0].id,), shown, limit))


def list_cases(
    session: Session,
    actor: Actor,
    *,
    state: str | None = None,
    person_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    query = select(Case, Encounter).join(Encounter, Encounter.id == Case.encounter_id).order_by(Case.id)
    if state:
        query = query.where(Case.state == state)
    if person_id:
        query = query.where(Case.person_id == person_id)
    if cursor:
        query = query.where(Case.id > decode_cursor(cursor, 1)[0])

    def shown(rows: Sequence[Any]) -> list[dict[str, Any] | None]:
        permits = _permits(session, actor, "case", rows)
        return [_shown_case(c, *permits[c.id]) if shows(permits[c.id][1], "case") else None for c, _ in rows]

    return _listed(session, actor, "case", _paged(session, query, lambda r: (r[0].id,), shown, limit))


def list_deadlines(
    session: Session,
    actor: Actor,
    *,
    overdue: bool = False,
    case_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """Deadlines by due time; ``overdue`` keeps the open ones already past."""
    now = utcnow()
    query = (
        select(Deadline, Case, Encounter)
        .join(Case, Case.id == Deadline.case_id)
        .join(Encounter, Encounter.id == Case.encounter_id)
        .order_by(Deadline.due_at, Deadline.id)
    )
    if overdue:
        query = query.where(Deadline.met_at.is_(None), Deadline.due_at < now)
    if case_id:
        query = query.where(Deadline.case_id == case_id)
    if cursor:
        due, last = decode_cursor(cursor, 2)
        try:
            due_at = dt.datetime.fromisoformat(due)
        except ValueError:
            due_at = now
        query = query.where((Deadline.due_at > due_at) | ((Deadline.due_at == due_at) & (Deadline.id > last)))

    def shown(rows: Sequence[Any]) -> list[dict[str, Any] | None]:
        permits = _permits(session, actor, "case", ((c, e) for _, c, e in rows))
        return [deadline_view(d, now) if shows(permits[c.id][1], "deadlines") else None for d, c, _ in rows]

    page = _paged(session, query, lambda r: (r[0].due_at.isoformat(), r[0].id), shown, limit)
    return _listed(session, actor, "deadline", page, overdue=overdue)


# ---------------------------------------------------------------- updates (versioned)


def _bump(session: Session, case: Case, expected: int | None, **values: Any) -> None:
    """Conditional UPDATE on the version: StaleVersion when another update got there first."""
    given = case.version if expected is None else expected
    if given != case.version:
        raise StaleVersion("case", case.id, given=str(given), current=str(case.version))
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == given)
        .values(version=given + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(Case.version).where(Case.id == case.id))
        raise StaleVersion("case", case.id, given=str(given), current=str(current))
    session.refresh(case)


def _next_sequence(session: Session, case: Case) -> int:
    return (
        int(session.scalar(select(func.max(Decision.sequence)).where(Decision.case_id == case.id)) or 0) + 1
    )


def _rescreen(
    session: Session,
    actor: Actor,
    case: Case,
    encounter: Encounter,
    *,
    as_of: dt.date | None,
    reason: str,
    new_findings: Mapping[str, Any] | None = None,
) -> Decision:
    """Screen the encounter with every finding of the case (and ``new_findings``) applied."""
    document = copy.deepcopy(encounter.document)
    established: dict[str, Any] = dict(document.get("findings") or {})
    for f in session.scalars(
        select(Finding).where(Finding.case_id == case.id).order_by(Finding.established_at, Finding.id)
    ):
        established[f.key] = f.value
    established.update(new_findings or {})
    if established:
        document["findings"] = established
    screened = screen_document(document, as_of=as_of)
    decision = new_decision(
        session,
        case=case,
        encounter_id=encounter.id,
        screened=screened,
        sequence=_next_sequence(session, case),
        reason=reason,
        by=actor.id,
    )
    with translated(session, "decision", decision.id):
        pass
    audited(session, actor, "decision.made", "decision", decision.id, reason=reason, summary=decision.summary)
    return decision


def add_findings(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    findings: Mapping[str, Any],
    interview: str | None,
    interviewed_on: dt.date | None,
    as_of: dt.date | None,
    expected_version: int | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Record what an officer established and re-screen: (the new decision, the case).

    The engine validates the findings (paths under ``/findings``); the as-of date stays the
    current decision's unless another is given."""
    case, encounter = _case_and_encounter(session, actor, case_id)
    if case.state in workflow.TERMINAL:
        raise TransitionNotAllowed(case.id, case.state, case.state, "the case is closed to new findings")
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion("case", case.id, given=str(expected_version), current=str(case.version))
    previous = session.get(Decision, case.current_decision_id) if case.current_decision_id else None
    as_of = as_of or (previous.as_of if previous is not None else None)
    decision = _rescreen(
        session, actor, case, encounter, as_of=as_of, reason="finding", new_findings=findings
    )
    now = utcnow()
    rows = [
        Finding(
            id=new_id("F"),
            case_id=case.id,
            key=key,
            value=value,
            interview=interview,
            interviewed_on=interviewed_on,
            established_by=actor.id,
            established_at=now,
            decision_id=decision.id,
        )
        for key, value in findings.items()
    ]
    with translated(session, "finding", case.id):
        session.add_all(rows)
    _bump(session, case, expected_version, current_decision_id=decision.id)
    for f in rows:
        audited(session, actor, "finding.recorded", "finding", f.id, key=f.key, case=case.id)
    return decision_view(decision), _case_body(session, case)


def redecide(
    session: Session, actor: Actor, case_id: str, *, as_of: dt.date, expected_version: int | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new decision on the law as read on ``as_of``; the earlier decisions stay."""
    case, encounter = _case_and_encounter(session, actor, case_id)
    decision = _rescreen(session, actor, case, encounter, as_of=as_of, reason="as_of")
    session.flush()
    _bump(session, case, expected_version, current_decision_id=decision.id)
    return decision_view(decision), _case_body(session, case)


def transition(
    session: Session, actor: Actor, case_id: str, *, to: str, reason: str | None, expected_version: int
) -> dict[str, Any]:
    """Request a workflow step; a removal only enters supervisor concurrence."""
    case, _ = _case_and_encounter(session, actor, case_id)
    if expected_version != case.version:
        raise StaleVersion("case", case.id, given=str(expected_version), current=str(case.version))
    step = workflow.plan(case.state, to, _current_summary(session, case))
    if isinstance(step, str):
        raise TransitionNotAllowed(case.id, case.state, to, step)
    enter_step(session, case, step.state, by=actor.id, reason=reason)
    values: dict[str, Any] = {"state": step.state}
    if step.pending_target is not None:
        values.update(
            pending_target=step.pending_target,
            pending_from=case.state,
            proposed_by=actor.id,
            concurred_by=None,
        )
    _bump(session, case, expected_version, **values)
    audited(session, actor, "case.transition", "case", case.id, to=step.state, requested=to)
    return _case_body(session, case)


def concur(
    session: Session, actor: Actor, case_id: str, *, concur: bool, reason: str | None, expected_version: int
) -> dict[str, Any]:
    """A supervisor other than the proposer concurs (the removal takes effect) or refuses it."""
    case, _ = _case_and_encounter(session, actor, case_id)
    if expected_version != case.version:
        raise StaleVersion("case", case.id, given=str(expected_version), current=str(case.version))
    target = case.pending_target or "?"
    if case.state != "supervisor_concurrence":
        raise TransitionNotAllowed(case.id, case.state, target, "no removal awaits concurrence on this case")
    if case.proposed_by == actor.id:
        raise TransitionNotAllowed(
            case.id,
            case.state,
            target,
            "the supervisor who concurs must be a different user from the one who proposed",
        )
    if concur:
        effective = workflow.concur_target(case.pending_target, _current_summary(session, case))
        if effective is None:
            raise TransitionNotAllowed(
                case.id, case.state, target, "the current decision no longer supports the removal"
            )
        enter_step(session, case, effective, by=actor.id, reason=reason or "supervisor concurrence")
        _bump(session, case, expected_version, state=effective, concurred_by=actor.id)
    else:
        back = case.pending_from or "screened"
        enter_step(session, case, back, by=actor.id, reason=reason or "supervisor refused the removal")
        _bump(
            session,
            case,
            expected_version,
            state=back,
            pending_target=None,
            pending_from=None,
            proposed_by=None,
        )
    audited(session, actor, "case.concurrence", "case", case.id, concur=concur, target=target)
    return _case_body(session, case)


def add_note(session: Session, actor: Actor, case_id: str, text: str) -> dict[str, Any]:
    case, _ = _case_and_encounter(session, actor, case_id)
    note = Note(id=new_id("N"), case_id=case.id, text=text, written_by=actor.id, written_at=utcnow())
    with translated(session, "note", note.id):
        session.add(note)
    audited(session, actor, "note.written", "note", note.id, case=case.id)
    return note_view(note)
