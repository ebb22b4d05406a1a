"""HTTP routes of transfers (mounted under /api/v1/transfers): partner capacity as dated data
(read by US supervisors, admins and analysts; recorded by an admin, audited), and the proposed plans
decided family by family by a supervisor (accept, edit, reject; who and when kept and audited).

A partner agency, or a US officer, gets 404 exactly as for a missing record: the plans name cases
and their reasons (a finding of likely harm, a vulnerability), which 8 CFR 208.6 protects.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from amparo.access.actor import Actor
from amparo.api.deps import Factory, Reader
from amparo.errors import NotFound
from amparo.store.db import transaction

router = APIRouter(prefix="/api/v1/transfers", tags=["transfers"])

READERS = frozenset({"supervisor", "admin", "analyst"})
PlanId = Annotated[str, Path(min_length=1, max_length=40)]


class CapacityIn(BaseModel):
    """One dated capacity value of a receiving country, with its source."""

    receiving_country: str = Field(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    measure: Literal[
        "monthly_cap_people", "shelter_places", "shelter_stay_days", "adjudicators", "decisions_per_year"
    ]
    value: int = Field(ge=0, le=10_000_000)
    valid_from: dt.date
    valid_to: dt.date | None = None
    source: str = Field(min_length=1, max_length=2000, description="where the figure is published")
    certainty: Literal["V", "M", "U"] = "V"


class PlanDecisionIn(BaseModel):
    """A supervisor's decision on the family of ``case_id`` in a proposed plan."""

    case_id: str = Field(min_length=1, max_length=40)
    decision: Literal["accepted", "edited", "rejected"]
    slot_id: str | None = Field(default=None, max_length=80, description="the slot chosen (edited only)")
    note: str | None = Field(default=None, max_length=400)


def _allowed(actor: Actor, roles: frozenset[str], kind: str, key: str) -> None:
    """404, as for a missing record, for anyone but the given roles of a US agency."""
    if actor.user.role not in roles or actor.requester.country != "US":
        raise NotFound(kind, key)


@router.get("/capacity", summary="Dated capacity values of the receiving countries, with their sources")
def list_capacity(
    actor: Reader, made: Factory, country: Annotated[str | None, Query(pattern="^[A-Z]{2}$")] = None
) -> dict[str, Any]:
    from amparo.transfers.tables import CapacityValue

    _allowed(actor, READERS, "transfer capacity", country or "*")
    with transaction(made) as session:
        query = select(CapacityValue).where(CapacityValue.superseded_by.is_(None))
        if country:
            query = query.where(CapacityValue.receiving_country == country)
        rows = session.scalars(
            query.order_by(CapacityValue.receiving_country, CapacityValue.measure, CapacityValue.valid_from)
        )
        return {
            "items": [
                {
                    "id": r.id,
                    "receiving_country": r.receiving_country,
                    "measure": r.measure,
                    "value": r.value,
                    "valid_from": r.valid_from.isoformat(),
                    "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                    "source": r.source,
                    "certainty": r.certainty,
                    "recorded_by": r.recorded_by,
                }
                for r in rows
            ]
        }


@router.post("/capacity", status_code=201, summary="Record a dated capacity value (admin; audited)")
def record_capacity(body: CapacityIn, actor: Reader, made: Factory) -> dict[str, Any]:
    from amparo.transfers import capacity_store

    _allowed(actor, frozenset({"admin"}), "transfer capacity", body.receiving_country)
    with transaction(made) as session:
        row_id = capacity_store.record_value(
            session,
            actor=actor.id,
            receiving_country=body.receiving_country,
            measure=body.measure,
            value=body.value,
            valid_from=body.valid_from,
            valid_to=body.valid_to,
            source=body.source,
            certainty=body.certainty,
        )
    return {"id": row_id}


@router.get("/plans/{plan_id}", summary="A proposed plan with each case's proposal and decision")
def get_plan(plan_id: PlanId, actor: Reader, made: Factory) -> dict[str, Any]:
    from amparo.transfers import proposals

    _allowed(actor, READERS, "transfer plan", plan_id)
    with transaction(made) as session:
        return proposals.plan_view(session, plan_id)


@router.post(
    "/plans/{plan_id}/decisions", summary="Accept, edit or reject a family's assignment (supervisor)"
)
def decide(plan_id: PlanId, body: PlanDecisionIn, actor: Reader, made: Factory) -> dict[str, Any]:
    from amparo.transfers import proposals

    _allowed(actor, frozenset({"supervisor"}), "transfer plan", plan_id)
    with transaction(made) as session:
        decided = proposals.decide(
            session,
            plan_id,
            body.case_id,
            actor=actor.id,
            decision=body.decision,
            slot_id=body.slot_id,
            note=body.note,
        )
    return {"plan_id": plan_id, "decision": body.decision, "cases": decided}
