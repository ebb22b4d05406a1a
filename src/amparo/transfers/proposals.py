"""Plans as proposals: store a plan, and record a supervisor's decision on each assignment.

A plan stored here is a proposal. For each family a supervisor accepts the proposed slot, edits it
(another slot, checked against the same hard rules and the capacity left by the plan's other
assignments), or rejects it; the decision is recorded on every case of the family with who decided
and when, and is an audit entry. Only accepted or edited assignments may move a case to
``transfer_scheduled`` (:func:`accepted_slot`); wiring that into the case workflow is left to the
cases area.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.errors import FieldError, InputError, NotFound
from amparo.store.ids import new_id
from amparo.store.models import utcnow
from amparo.transfers.instance import Loads, build
from amparo.transfers.loading import parse_capacity, parse_cases
from amparo.transfers.model import Capacity, Case, Plan
from amparo.transfers.synthetic import capacity_document, case_row
from amparo.transfers.tables import TransferPlan, TransferProposal

PURPOSE = "transfer planning"
Decision = Literal["accepted", "edited", "rejected"]
_ACTION = {
    "accepted": "transfers.plan.accept",
    "edited": "transfers.plan.edit",
    "rejected": "transfers.plan.reject",
}


def save_plan(
    session: Session,
    plan: Plan,
    cases: list[Case],
    capacity: Capacity,
    *,
    actor: str,
    period: tuple[dt.date, dt.date] | None = None,
) -> str:
    """Store ``plan`` as a proposal (every case pending); audited. Returns the plan id."""
    plan_id = new_id("TP")
    summary = {
        k: v for k, v in plan.as_dict().items() if k not in ("assignments", "unassigned", "potentials")
    }
    session.add(
        TransferPlan(
            plan_id=plan_id,
            period_from=period[0] if period else None,
            period_to=period[1] if period else None,
            summary=summary,
            potentials=plan.potentials,
            capacity=capacity_document(capacity),
            created_by=actor,
        )
    )
    session.flush()
    slot_of = {a.case_id: a.slot_id for a in plan.assignments}
    reason_of = {u.case_id: u.reason for u in plan.unassigned}
    for case in cases:
        session.add(
            TransferProposal(
                plan_id=plan_id,
                case_id=case.case_id,
                group_id=case.group_id,
                planned_case=case_row(case),
                proposed_slot_id=slot_of.get(case.case_id),
                reason=reason_of.get(case.case_id),
                decision="pending",
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="transfers.plan.propose",
        record_kind="transfer_plan",
        record_id=plan_id,
        purpose=PURPOSE,
        outcome="ok",
        detail={
            "cases": len(cases),
            **{k: summary[k] for k in ("people_assigned", "bound", "gap", "method")},
        },
    )
    return plan_id


def _family(session: Session, plan_id: str, case_id: str) -> list[TransferProposal]:
    one = session.get(TransferProposal, (plan_id, case_id))
    if one is None:
        raise NotFound("case in transfer plan", f"{plan_id}/{case_id}")
    return list(
        session.scalars(
            select(TransferProposal).where(
                TransferProposal.plan_id == plan_id, TransferProposal.group_id == one.group_id
            )
        )
    )


def _slot_in_effect(row: TransferProposal) -> str | None:
    if row.decision in ("accepted", "edited"):
        return row.decided_slot_id
    if row.decision == "pending":
        return row.proposed_slot_id
    return None


def _check_edit(session: Session, plan: TransferPlan, family: list[TransferProposal], slot_id: str) -> None:
    """The edited slot keeps every hard rule, and the plan's capacity with its other assignments."""
    capacity = parse_capacity(plan.capacity, source="the plan's capacity")
    if slot_id not in {s.slot_id for s in capacity.slots}:
        raise InputError([FieldError("/slot_id", f"no slot '{slot_id}' in this plan's capacity")])
    rows = list(session.scalars(select(TransferProposal).where(TransferProposal.plan_id == plan.plan_id)))
    cases = parse_cases([r.planned_case for r in rows], source="the plan's cases")
    instance = build(cases, capacity)
    family_ids = {r.case_id for r in family}
    index = next((i for i, f in enumerate(instance.families) if set(f.case_ids) == family_ids), None)
    if index is None:
        reason = instance.set_aside.get(family[0].case_id, "this family cannot be planned")
        raise InputError([FieldError("/slot_id", f"not allowed for this family: {reason}")])
    position = next(i for i, s in enumerate(instance.slots) if s.slot_id == slot_id)
    fam = instance.families[index]
    if not fam.lo <= position <= fam.hi:
        raise InputError(
            [FieldError("/slot_id", f"slot '{slot_id}' is outside the family's window or receiving country")]
        )
    loads = Loads(instance)
    slot_index = {s.slot_id: i for i, s in enumerate(instance.slots)}
    effect = {r.case_id: _slot_in_effect(r) for r in rows}
    for f, other in enumerate(instance.families):
        current = effect.get(other.case_ids[0])
        if f != index and current is not None:
            loads.place(f, slot_index[current])
    if not loads.fits(position, fam.people):
        raise InputError(
            [
                FieldError(
                    "/slot_id", f"slot '{slot_id}' has no room for {fam.people} more people within capacity"
                )
            ]
        )


def decide(
    session: Session,
    plan_id: str,
    case_id: str,
    *,
    actor: str,
    decision: Decision,
    slot_id: str | None = None,
    note: str | None = None,
) -> list[str]:
    """Record a supervisor's decision on the family of ``case_id``; returns the case ids decided."""
    plan = session.get(TransferPlan, plan_id)
    if plan is None:
        raise NotFound("transfer plan", plan_id)
    family = _family(session, plan_id, case_id)
    proposed = family[0].proposed_slot_id
    if decision == "accepted":
        if proposed is None:
            raise InputError(
                [FieldError("/decision", "nothing to accept: the planner proposed no slot; edit instead")]
            )
        chosen: str | None = proposed
    elif decision == "edited":
        if not slot_id:
            raise InputError([FieldError("/slot_id", "an edit names the slot")])
        _check_edit(session, plan, family, slot_id)
        chosen = slot_id
    elif decision == "rejected":
        chosen = None
    else:
        raise InputError(
            [FieldError("/decision", f"expected accepted, edited or rejected; got {decision!r}")]
        )
    now = utcnow()
    for row in family:
        row.decision, row.decided_slot_id, row.decided_by, row.decided_at, row.note = (
            decision,
            chosen,
            actor,
            now,
            note,
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=_ACTION[decision],
        record_kind="transfer_plan",
        record_id=plan_id,
        purpose=PURPOSE,
        outcome="ok",
        detail={"cases": [r.case_id for r in family], "proposed": proposed, "decided": chosen, "note": note},
    )
    return [r.case_id for r in family]


def accepted_slot(session: Session, case_id: str) -> tuple[str, str] | None:
    """(plan id, slot id) of the latest accepted or edited assignment of a case, or None.

    The case workflow may move a case to ``transfer_scheduled`` only when this is not None.
    """
    rows = session.scalars(
        select(TransferProposal)
        .where(TransferProposal.case_id == case_id, TransferProposal.decision.in_(("accepted", "edited")))
        .order_by(TransferProposal.decided_at.desc())
    ).all()
    for row in rows:
        if row.decided_slot_id:
            return row.plan_id, row.decided_slot_id
    return None


def plan_view(session: Session, plan_id: str) -> dict[str, Any]:
    """A stored plan with each case's proposal and decision."""
    plan = session.get(TransferPlan, plan_id)
    if plan is None:
        raise NotFound("transfer plan", plan_id)
    rows = session.scalars(
        select(TransferProposal).where(TransferProposal.plan_id == plan_id).order_by(TransferProposal.case_id)
    ).all()
    return {
        "plan_id": plan.plan_id,
        "created_by": plan.created_by,
        "created_at": plan.created_at.isoformat(),
        "summary": plan.summary,
        "proposals": [
            {
                "case_id": r.case_id,
                "group_id": r.group_id,
                "proposed_slot_id": r.proposed_slot_id,
                "reason": r.reason,
                "decision": r.decision,
                "decided_slot_id": r.decided_slot_id,
                "decided_by": r.decided_by,
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
                "note": r.note,
            }
            for r in rows
        ],
    }
