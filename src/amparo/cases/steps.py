"""Workflow steps of a case: the transition and deadline rows of a step (one builder, for intake
and for every later step), guarded transitions, supervisor concurrence, and notes.

The workflow is the case's pack's (:attr:`amparo.engine.pack.LawPack.workflow`): a removal is
only proposed (the case enters the concurrence state with the removal pending) and takes effect
when a different supervisor concurs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.access.actor import Actor
from amparo.cases.auditing import audited
from amparo.cases.models import CaseOut, NoteOut
from amparo.cases.stored import bump, load_case, require_version
from amparo.cases.views import note_view
from amparo.engine.registry import PackRegistry
from amparo.engine.workflow import Workflow
from amparo.errors import FieldError, InputError, TransitionNotAllowed
from amparo.store.ids import new_id
from amparo.store.integrity import translated
from amparo.store.models import Case, Deadline, Note, Transition, utcnow
from amparo.transfers.proposals import accepted_slot


def step_rows(
    workflow: Workflow,
    *,
    case_id: str,
    from_state: str,
    to_state: str,
    by: str,
    reason: str | None,
    at: dt.datetime,
) -> tuple[Transition, Deadline | None]:
    """The transition into ``to_state`` and the deadline of that step, if it has one (not yet
    added to a session)."""
    transition = Transition(
        id=new_id("T"),
        case_id=case_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        by_user=by,
        at=at,
    )
    limit = workflow.step_deadlines.get(to_state)
    deadline = None
    if limit is not None:
        deadline = Deadline(id=new_id("DL"), case_id=case_id, step=to_state, due_at=at + limit, met_at=None)
    return transition, deadline


def enter_step(
    session: Session, workflow: Workflow, case: Case, to_state: str, *, by: str, reason: str | None
) -> None:
    """Record a transition and move the per-step deadlines: the old one is met, the new one set
    (the legal clocks of the case's decisions run on, :mod:`amparo.cases.decisions`)."""
    now = utcnow()
    for open_deadline in session.scalars(
        select(Deadline).where(
            Deadline.case_id == case.id,
            Deadline.met_at.is_(None),
            Deadline.step.in_(workflow.states),
        )
    ):
        open_deadline.met_at = now
    transition, deadline = step_rows(
        workflow, case_id=case.id, from_state=case.state, to_state=to_state, by=by, reason=reason, at=now
    )
    session.add(transition)
    if deadline is not None:
        session.add(deadline)


def transition(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    case_id: str,
    *,
    to: str,
    reason: str | None,
    expected_version: int,
) -> CaseOut:
    """Request a workflow step; a removal only enters supervisor concurrence."""
    stored = load_case(session, packs, actor, case_id)
    case = stored.case
    require_version(case, expected_version)
    summary = stored.context.summary or {}
    step = stored.workflow.plan(case.state, to, summary)
    if isinstance(step, str):
        if to not in stored.workflow.states:  # not a state at all: the request is invalid (422)
            raise InputError([FieldError("/to", step)])
        raise TransitionNotAllowed(case.id, case.state, to, step)
    if step.state in stored.workflow.needs_accepted_assignment and accepted_slot(session, case.id) is None:
        raise TransitionNotAllowed(
            case.id,
            case.state,
            to,
            "no supervisor has accepted a seat for this case in a transfer plan (accept or edit its "
            "assignment first)",
        )
    enter_step(session, stored.workflow, case, step.state, by=actor.id, reason=reason)
    values: dict[str, Any] = {"state": step.state}
    if step.pending_target is not None:
        values.update(
            pending_target=step.pending_target,
            pending_from=case.state,
            proposed_by=actor.id,
            concurred_by=None,
        )
    bump(session, case, expected_version, **values)
    audited(session, actor, "case.transition", "case", case.id, to=step.state, requested=to)
    return stored.shown(summary)


def concur(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    case_id: str,
    *,
    concur: bool,
    reason: str | None,
    expected_version: int,
) -> CaseOut:
    """A supervisor other than the proposer concurs (the removal takes effect) or refuses it."""
    stored = load_case(session, packs, actor, case_id)
    case, workflow = stored.case, stored.workflow
    require_version(case, expected_version)
    target = case.pending_target or "?"
    if case.state != workflow.concurrence_state:
        raise TransitionNotAllowed(case.id, case.state, target, "no removal awaits concurrence on this case")
    if case.proposed_by == actor.id:
        raise TransitionNotAllowed(
            case.id,
            case.state,
            target,
            "the supervisor who concurs must be a different user from the one who proposed",
        )
    summary = stored.context.summary or {}
    if concur:
        effective = workflow.concur_target(case.pending_target, summary)
        if effective is None:
            raise TransitionNotAllowed(
                case.id, case.state, target, "the current decision no longer supports the removal"
            )
        enter_step(session, workflow, case, effective, by=actor.id, reason=reason or "supervisor concurrence")
        bump(session, case, expected_version, state=effective, concurred_by=actor.id)
    else:
        back = case.pending_from or workflow.first_state
        enter_step(
            session, workflow, case, back, by=actor.id, reason=reason or "supervisor refused the removal"
        )
        bump(
            session,
            case,
            expected_version,
            state=back,
            pending_target=None,
            pending_from=None,
            proposed_by=None,
        )
    audited(session, actor, "case.concurrence", "case", case.id, concur=concur, target=target)
    return stored.shown(summary)


def add_note(session: Session, packs: PackRegistry, actor: Actor, case_id: str, text: str) -> NoteOut:
    """A note on the case, by the actor."""
    case = load_case(session, packs, actor, case_id).case
    note = Note(id=new_id("N"), case_id=case.id, text=text, written_by=actor.id, written_at=utcnow())
    with translated(session, "note", note.id):
        session.add(note)
    audited(session, actor, "note.written", "note", note.id, case=case.id)
    return note_view(note)
