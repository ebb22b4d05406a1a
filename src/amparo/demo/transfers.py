"""Step 4: transfer planning within Guatemala's capacity, families kept together, the plan accepted.

Capacity. The shipped 2019–2020 figures (:func:`amparo.transfers.synthetic.partner_capacity`),
scenario ``as_implemented``: about 250 people a month, the pace of the 939 transfers from
2019-11-21 to the suspension on 2020-03-16 (no shelter limit: NGO and IOM places were never
published). The cohort is a sample of the period's encounters, so the cap is scaled by the same
factor (cohort encounters / CBP encounters), pro-rated for the months the period cuts (November
from the 21st, March to the 15th) and rounded up to whole people. Departures (the
demo's assumption): from the first transfer (2019-11-21) to the day before the suspension, each
with at least 5 seats (so a family can travel together in a small cohort), a week apart at full
scale and further apart in a smaller cohort so that seats follow the scaled pace (at most 4 weeks
apart; the monthly cap then binds).

Cases. Every cohort case in ``transfer_scheduled`` (a concurred ACA transfer): its family is the
family's encounter (members met together), its window opens the day after the threshold
interview and closes 60 days later (assumption), it has waited since its encounter.

The plan (:func:`amparo.transfers.planner.plan`) is stored as a proposal
(:func:`amparo.transfers.proposals.save_plan`) and a supervisor accepts every family's proposed
departure (:func:`amparo.transfers.proposals.decide`). A second run finds the accepted plan and
reuses it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from amparo.demo.cohort import Cohort
from amparo.demo.installation import Installation
from amparo.demo.workflow import AcaCase
from amparo.store.models import Case as StoredCase
from amparo.transfers.model import Capacity, Case, MonthlyCap, Slot

FIRST_TRANSFER = dt.date(2019, 11, 21)
SUSPENDED = dt.date(2020, 3, 16)
WINDOW_DAYS = 60
#: A departure carries at least this many seats (so a family can travel together at small scale).
MIN_SEATS = 5


@dataclass
class TransferTally:
    """The plan and what became of it."""

    plan_id: str | None = None
    reused: bool = False
    cases: int = 0
    people_planned: int = 0
    bound: float = 0.0
    greedy: int = 0
    method: str = ""
    capacity_people: int = 0
    seats: int = 0
    monthly_cap: int = 0
    scale: float = 0.0
    accepted: dict[str, tuple[str, dt.date]] = field(default_factory=dict)  # case -> (slot, date)
    families: int = 0
    families_split: int = 0
    unassigned_reasons: dict[str, int] = field(default_factory=dict)


def _months(start: dt.date, end: dt.date) -> list[tuple[str, float]]:
    """Each month of ``start`` … ``end`` with the share of its days inside the period."""
    months: list[tuple[str, float]] = []
    day = start.replace(day=1)
    while day <= end:
        following = (day + dt.timedelta(days=32)).replace(day=1)
        inside = (min(following, end + dt.timedelta(days=1)) - max(day, start)).days
        months.append((f"{day:%Y-%m}", inside / (following - day).days))
        day = following
    return months


def demo_capacity(cohort: Cohort) -> tuple[Capacity, float]:
    """The scaled ``as_implemented`` capacity for the cohort, and the scale factor."""
    from amparo.transfers.synthetic import partner_capacity

    official = sum(c.official for c in cohort.cells)
    scale = len(cohort.documents) / official if official else 0.0
    pace = int(partner_capacity()["countries"]["GT"]["scenarios"]["as_implemented"]["monthly_cap_people"])
    last = SUSPENDED - dt.timedelta(days=1)
    weekly = pace * 12 / 52 * scale  # people a week at that pace, in the cohort's scale
    seats = max(MIN_SEATS, math.ceil(weekly))
    every = dt.timedelta(days=min(28, max(7, round(7 * seats / weekly)))) if weekly else dt.timedelta(days=28)
    slots: list[Slot] = []
    day = FIRST_TRANSFER
    while day <= last:
        slots.append(Slot(f"DEMO-GT-{day:%Y%m%d}", day, "GT", seats))
        day += every
    caps = tuple(
        MonthlyCap("GT", month, math.ceil(pace * scale * share))
        for month, share in _months(FIRST_TRANSFER, last)
    )
    return Capacity(tuple(slots), caps, ()), scale


def capacity_people(capacity: Capacity) -> int:
    """The most people the capacity lets go: per month the lesser of its cap and its seats."""
    total = 0
    for month in sorted({s.month for s in capacity.slots}):
        seats = sum(s.seats for s in capacity.slots if s.month == month)
        cap = capacity.cap_for("GT", month)
        total += seats if cap is None else min(cap, seats)
    return total


def planner_cases(installation: Installation, cohort: Cohort, cases: list[AcaCase]) -> list[Case]:
    """The cases in ``transfer_scheduled`` as the planner reads them."""
    scheduled: list[Case] = []
    with installation.factory() as session:
        for case in cases:
            stored = session.get(StoredCase, case.case_id)
            if stored is None or stored.state != "transfer_scheduled":
                continue
            truth = cohort.truth[case.encounter_id]
            earliest = case.interviewed_on + dt.timedelta(days=1)
            scheduled.append(
                Case(
                    case_id=case.case_id,
                    group_id=truth.family_visit or case.case_id,
                    people=1,
                    receiving_country="GT",
                    nationalities=(case.nationality,),
                    excluded_countries=(),
                    earliest=earliest,
                    deadline=earliest + dt.timedelta(days=WINDOW_DAYS),
                    waiting_since=case.encountered_on,
                    vulnerable=False,
                )
            )
    return scheduled


def _accepted(installation: Installation, case_ids: list[str]) -> dict[str, tuple[str, str]]:
    from amparo.transfers.proposals import accepted_slot

    found: dict[str, tuple[str, str]] = {}
    with installation.factory() as session:
        for case_id in case_ids:
            slot = accepted_slot(session, case_id)
            if slot is not None:
                found[case_id] = slot
    return found


def _previous_plan(installation: Installation, case_ids: list[str]) -> str | None:
    """The latest demo plan a previous run made for any of these ACA cases (None: plan now)."""
    from amparo.transfers.tables import TransferPlan, TransferProposal

    if not case_ids:
        return None
    with installation.factory() as session:
        return session.scalar(
            select(TransferPlan.plan_id)
            .join(TransferProposal, TransferProposal.plan_id == TransferPlan.plan_id)
            .where(TransferProposal.case_id.in_(case_ids[:500]), TransferPlan.period_from == FIRST_TRANSFER)
            .order_by(TransferPlan.created_at.desc())
            .limit(1)
        )


def _families(installation: Installation, plan_id: str, tally: TransferTally) -> None:
    """Count families and families split, from the stored proposals and decisions."""
    from amparo.transfers.tables import TransferProposal

    slots: dict[str, set[str | None]] = defaultdict(set)
    tally.cases = 0
    with installation.factory() as session:
        for row in session.scalars(select(TransferProposal).where(TransferProposal.plan_id == plan_id)):
            tally.cases += 1
            slots[row.group_id].add(
                row.decided_slot_id if row.decision != "pending" else row.proposed_slot_id
            )
            if row.reason:
                kind = row.reason.split(":", 1)[0]
                tally.unassigned_reasons[kind] = tally.unassigned_reasons.get(kind, 0) + 1
    tally.families = len(slots)
    tally.families_split = sum(1 for chosen in slots.values() if len(chosen) > 1)


def plan_transfers(installation: Installation, cohort: Cohort, cases: list[AcaCase]) -> TransferTally:
    """Plan, store and accept (or find the accepted plan of a previous run)."""
    from amparo.transfers.capacity_store import record_slot
    from amparo.transfers.planner import plan
    from amparo.transfers.proposals import decide, save_plan

    capacity, scale = demo_capacity(cohort)
    tally = TransferTally(scale=scale, capacity_people=capacity_people(capacity))
    tally.seats = sum(s.seats for s in capacity.slots)
    tally.monthly_cap = max((c.people for c in capacity.monthly_caps), default=0)
    scheduled = planner_cases(installation, cohort, cases)
    tally.cases = len(scheduled)
    previous = _previous_plan(installation, [c.case_id for c in cases])
    supervisor = installation.actors["demo-supervisor"].id
    if previous is not None:
        tally.plan_id = previous
        tally.reused = True
    else:
        result = plan(scheduled, capacity, time_limit=20.0)
        with installation.session() as session:
            for slot in capacity.slots:
                record_slot(session, actor=supervisor, slot=slot)
            tally.plan_id = save_plan(
                session, result, scheduled, capacity, actor=supervisor, period=(FIRST_TRANSFER, SUSPENDED)
            )
        decided: set[str] = set()
        with installation.session() as session:
            for assignment in result.assignments:
                if assignment.case_id in decided:
                    continue
                decided.update(
                    decide(
                        session, tally.plan_id, assignment.case_id, actor=supervisor, decision="accepted",
                        note="accepted as proposed (demo)",
                    )
                )  # fmt: skip
    _summary_of_plan(installation, tally)
    _families(installation, tally.plan_id, tally)
    dates = {s.slot_id: s.date for s in capacity.slots}
    for case_id, (_, slot_id) in _accepted(installation, [c.case_id for c in cases]).items():
        tally.accepted[case_id] = (slot_id, dates.get(slot_id, FIRST_TRANSFER))
    return tally


def _summary_of_plan(installation: Installation, tally: TransferTally) -> None:
    from amparo.transfers.tables import TransferPlan

    with installation.factory() as session:
        stored = session.get(TransferPlan, tally.plan_id)
        summary: dict[str, Any] = dict(stored.summary) if stored is not None else {}
    tally.people_planned = int(summary.get("people_assigned", 0))
    tally.bound = float(summary.get("bound", 0.0))
    tally.greedy = int((summary.get("greedy") or {}).get("people_assigned", 0))
    tally.method = str(summary.get("method", ""))
