"""The tables of the transfers area (migration ``0006_transfers``).

- ``transfer_capacity``: partner capacity as dated values — per receiving country and measure
  (``monthly_cap_people``, ``shelter_places``, ``shelter_stay_days``, ``adjudicators``,
  ``decisions_per_year``), the value in force from ``valid_from`` until ``valid_to`` (exclusive;
  open when empty), with its source and certainty, and who recorded it and when. A change is a
  new row; the row it replaces gets ``superseded_by`` (nothing is overwritten);
- ``transfer_slots``: departures (slot id, date, receiving country, seats);
- ``transfer_plans``: a plan as a proposal — its period, the planner's summary (people, bound, gap,
  solver, method, first-come baseline), the potentials, and the capacity it was planned on;
- ``transfer_proposals``: one row per case of a plan: the proposed slot (or the reason it was not
  planned), the case as planned (so edits are checked against the same rules), and the
  supervisor's decision (``pending``, ``accepted``, ``edited``, ``rejected``), the slot decided,
  who decided and when;
- ``transfer_outcomes``: what happened after arrival, recorded by the receiving installation as
  events (claim lodged, abandoned, granted, refused, departed, assisted return), append-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amparo.store.base import Base
from amparo.store.models import UTCDateTime, utcnow

MEASURES = ("monthly_cap_people", "shelter_places", "shelter_stay_days", "adjudicators", "decisions_per_year")
DECISIONS = ("pending", "accepted", "edited", "rejected")
EVENTS = ("transferred", "claim_lodged", "abandoned", "granted", "refused", "departed", "assisted_return")


class CapacityValue(Base):
    """One dated value of a partner's capacity."""

    __tablename__ = "transfer_capacity"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    receiving_country: Mapped[str] = mapped_column(String(2))
    measure: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    certainty: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_by: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (Index("ix_transfer_capacity_country_measure", "receiving_country", "measure"),)


class TransferSlot(Base):
    """A departure to a receiving country with its seats."""

    __tablename__ = "transfer_slots"

    slot_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    receiving_country: Mapped[str] = mapped_column(String(2))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    seats: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TransferPlan(Base):
    """A plan made by the planner: a proposal until each of its assignments is decided."""

    __tablename__ = "transfer_plans"

    plan_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    potentials: Mapped[dict[str, Any]] = mapped_column(JSON)
    capacity: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TransferProposal(Base):
    """One case of a plan: what the planner proposed and what the supervisor decided."""

    __tablename__ = "transfer_proposals"

    plan_id: Mapped[str] = mapped_column(ForeignKey("transfer_plans.plan_id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(128))
    planned_case: Mapped[dict[str, Any]] = mapped_column(JSON)  # the case as planned (contract fields)
    proposed_slot_id: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    decided_slot_id: Mapped[str | None] = mapped_column(String(80))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_transfer_proposals_case_id", "case_id"),)


class TransferOutcome(Base):
    """One event in a transferred person's life on the receiving side."""

    __tablename__ = "transfer_outcomes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(128), index=True)
    receiving_country: Mapped[str] = mapped_column(String(2))
    event: Mapped[str] = mapped_column(String(20))
    event_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
