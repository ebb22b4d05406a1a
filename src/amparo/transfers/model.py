"""The planner's input and output as plain, immutable values (no I/O, no solver).

The fields follow ``../shared/spec/contracts.md`` ("Transfer planning"): a case belongs to a family
(``group_id``) and has a window, nationalities, countries where harm was found more likely than not
and a vulnerability flag; capacity is seats per slot, monthly caps per receiving country and month,
and shelter places held for ``stay_days`` from the slot's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One case of the CASES file."""

    case_id: str
    group_id: str
    people: int
    receiving_country: str
    nationalities: tuple[str, ...]
    excluded_countries: tuple[str, ...]
    earliest: dt.date
    deadline: dt.date
    waiting_since: dt.date
    vulnerable: bool


@dataclass(frozen=True)
class Slot:
    """A departure (a seat allocation on a flight) to one receiving country on one date."""

    slot_id: str
    date: dt.date
    receiving_country: str
    seats: int

    @property
    def month(self) -> str:
        return f"{self.date.year:04d}-{self.date.month:02d}"


@dataclass(frozen=True)
class MonthlyCap:
    """At most ``people`` people received by ``receiving_country`` on slots dated in ``month``."""

    receiving_country: str
    month: str  # YYYY-MM
    people: int


@dataclass(frozen=True)
class Shelter:
    """Reception places; people arriving on day d hold a place on d … d+stay_days−1."""

    receiving_country: str
    places: int
    stay_days: int


@dataclass(frozen=True)
class Capacity:
    """The CAPACITY file. A country or month without a cap or shelter entry is not limited by it."""

    slots: tuple[Slot, ...]
    monthly_caps: tuple[MonthlyCap, ...] = ()
    shelter: tuple[Shelter, ...] = ()

    def cap_for(self, country: str, month: str) -> int | None:
        for cap in self.monthly_caps:
            if cap.receiving_country == country and cap.month == month:
                return cap.people
        return None

    def shelter_for(self, country: str) -> Shelter | None:
        for entry in self.shelter:
            if entry.receiving_country == country:
                return entry
        return None


@dataclass(frozen=True)
class Assignment:
    case_id: str
    slot_id: str


@dataclass(frozen=True)
class Unassigned:
    case_id: str
    reason: str


@dataclass
class Plan:
    """A plan: every input case exactly once, in ``assignments`` or ``unassigned``.

    ``objective`` is the number of people assigned (the primary objective); ``bound`` a proven upper
    bound on it; ``gap`` = (bound − objective) / bound (0 when the bound is 0). The secondary
    objective (those waiting longest first) orders choices among equals and is not part of the gap.
    """

    assignments: list[Assignment]
    unassigned: list[Unassigned]
    people_assigned: int
    objective: float
    bound: float
    gap: float
    solver: str
    method: str
    greedy_people_assigned: int
    seconds: float
    potentials: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """PLAN.json: the contract's keys, plus ``method`` and ``potentials``."""
        return {
            "assignments": [{"case_id": a.case_id, "slot_id": a.slot_id} for a in self.assignments],
            "unassigned": [{"case_id": u.case_id, "reason": u.reason} for u in self.unassigned],
            "people_assigned": self.people_assigned,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "solver": self.solver,
            "method": self.method,
            "greedy": {"people_assigned": self.greedy_people_assigned},
            "seconds": round(self.seconds, 3),
            "potentials": self.potentials,
        }
