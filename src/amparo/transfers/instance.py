"""From cases and capacity to what the solvers work on: families, their eligible slots, capacity rows.

* Slots are numbered 0…S−1 sorted by (receiving country, date, slot id), so the slots a family may
  take are one contiguous range ``[lo, hi]`` (same country, date within every member's window).
* A family that cannot go at all (a vulnerable member, a country of nationality or of feared harm,
  no slot in the window) is set aside with a reason for each of its cases.
* Every hard capacity constraint is a *row*: a set of slots whose people add up to at most ``limit``
  — one seat row per slot, one row per (country, month) cap, and one shelter row per country and
  distinct slot date d (the people of the slots dated d−stay_days+1 … d; occupancy only rises on a
  slot date, so those days are the only ones to check).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from amparo.transfers.model import Capacity, Case, Slot

VULNERABLE = "vulnerable: individual review"


@dataclass
class Family:
    """The cases of one ``group_id`` that can go, and where: slots ``lo`` … ``hi`` (inclusive)."""

    group_id: str
    case_ids: list[str]
    people: int
    country: str
    lo: int
    hi: int
    waiting_since: dt.date
    order: int  # first appearance in the input, to break ties stably


@dataclass(frozen=True)
class Row:
    """A capacity constraint: the people on ``slots`` add up to at most ``limit``."""

    kind: str  # seats | monthly_cap | shelter
    country: str
    label: str  # the slot id, the month, or the shelter day
    limit: int
    slots: tuple[int, ...]


@dataclass
class Instance:
    slots: list[Slot]
    families: list[Family]
    set_aside: dict[str, str]  # case_id -> reason, for cases no plan may assign
    rows: list[Row]
    rows_of_slot: list[list[int]] = field(default_factory=list)
    case_order: list[str] = field(default_factory=list)
    case_people: dict[str, int] = field(default_factory=dict)

    @property
    def people_eligible(self) -> int:
        return sum(f.people for f in self.families)


def _reason_for(case: Case) -> str | None:
    if case.vulnerable:
        return VULNERABLE
    if case.receiving_country in case.nationalities:
        return f"nationality: {case.receiving_country} is a country of nationality"
    if case.receiving_country in case.excluded_countries:
        return f"excluded: harm in {case.receiving_country} was found more likely than not"
    return None


def _capacity_rows(slots: list[Slot], capacity: Capacity) -> list[Row]:
    rows = [Row("seats", s.receiving_country, s.slot_id, s.seats, (i,)) for i, s in enumerate(slots)]
    by_month: dict[tuple[str, str], list[int]] = {}
    by_country: dict[str, list[int]] = {}
    for i, slot in enumerate(slots):
        by_month.setdefault((slot.receiving_country, slot.month), []).append(i)
        by_country.setdefault(slot.receiving_country, []).append(i)
    for (country, month), members in sorted(by_month.items()):
        cap = capacity.cap_for(country, month)
        if cap is not None:
            rows.append(Row("monthly_cap", country, month, cap, tuple(members)))
    for country, members in sorted(by_country.items()):
        shelter = capacity.shelter_for(country)
        if shelter is None:
            continue
        dates = [slots[i].date for i in members]  # sorted: slots are sorted by date within a country
        for day in sorted(set(dates)):
            first = bisect.bisect_left(dates, day - dt.timedelta(days=shelter.stay_days - 1))
            last = bisect.bisect_right(dates, day)
            rows.append(Row("shelter", country, day.isoformat(), shelter.places, tuple(members[first:last])))
    return rows


def build(cases: list[Case], capacity: Capacity) -> Instance:
    """Families with their eligible slot ranges, the cases set aside with reasons, and the rows."""
    slots = sorted(capacity.slots, key=lambda s: (s.receiving_country, s.date, s.slot_id))
    dates_of: dict[str, list[dt.date]] = {}
    start_of: dict[str, int] = {}
    for i, slot in enumerate(slots):
        start_of.setdefault(slot.receiving_country, i)
        dates_of.setdefault(slot.receiving_country, []).append(slot.date)
    members: dict[str, list[Case]] = {}
    for case in cases:
        members.setdefault(case.group_id, []).append(case)
    set_aside: dict[str, str] = {}
    families: list[Family] = []
    for order, (group_id, group) in enumerate(members.items()):
        reasons = {c.case_id: r for c in group if (r := _reason_for(c)) is not None}
        if reasons:
            first_id, first_reason = next(iter(reasons.items()))
            why = first_reason.split(":", 1)[0]
            for case in group:
                set_aside[case.case_id] = reasons.get(
                    case.case_id, f"family: member {first_id} cannot be planned ({why})"
                )
            continue
        country = group[0].receiving_country
        start = max(c.earliest for c in group)
        end = min(c.deadline for c in group)
        dates = dates_of.get(country, [])
        lo = bisect.bisect_left(dates, start)
        hi = bisect.bisect_right(dates, end) - 1
        if lo > hi:
            where = f"between {start} and {end}" if start <= end else "(the members' windows do not overlap)"
            for case in group:
                set_aside[case.case_id] = f"window: no slot to {country} {where}"
            continue
        offset = start_of[country]
        families.append(
            Family(
                group_id=group_id,
                case_ids=[c.case_id for c in group],
                people=sum(c.people for c in group),
                country=country,
                lo=offset + lo,
                hi=offset + hi,
                waiting_since=min(c.waiting_since for c in group),
                order=order,
            )
        )
    rows = _capacity_rows(slots, capacity)
    rows_of_slot: list[list[int]] = [[] for _ in slots]
    for number, row in enumerate(rows):
        for member in row.slots:
            rows_of_slot[member].append(number)
    return Instance(
        slots=slots,
        families=families,
        set_aside=set_aside,
        rows=rows,
        rows_of_slot=rows_of_slot,
        case_order=[c.case_id for c in cases],
        case_people={c.case_id: c.people for c in cases},
    )


class Loads:
    """The people on each capacity row as families are placed; ``fits`` checks every row of a slot."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.room = [row.limit for row in instance.rows]
        self.slot_of: dict[int, int] = {}  # family index -> slot index

    def fits(self, slot: int, people: int) -> bool:
        return all(self.room[r] >= people for r in self.instance.rows_of_slot[slot])

    def place(self, family: int, slot: int) -> None:
        people = self.instance.families[family].people
        for r in self.instance.rows_of_slot[slot]:
            self.room[r] -= people
        self.slot_of[family] = slot

    def place_first_fit(self, family: int) -> bool:
        """Place on the earliest eligible slot with room; False when none has room."""
        fam = self.instance.families[family]
        for slot in range(fam.lo, fam.hi + 1):
            if self.fits(slot, fam.people):
                self.place(family, slot)
                return True
        return False

    @property
    def people(self) -> int:
        return sum(self.instance.families[f].people for f in self.slot_of)


def first_come(instance: Instance) -> Loads:
    """The first-come baseline: longest waiting first, each on the earliest slot with room."""
    loads = Loads(instance)
    order = sorted(
        range(len(instance.families)),
        key=lambda f: (instance.families[f].waiting_since, instance.families[f].order),
    )
    for f in order:
        loads.place_first_fit(f)
    return loads
