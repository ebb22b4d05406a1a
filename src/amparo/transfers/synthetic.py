"""Synthetic cohorts for the planner: the Guatemala 2019–2020 cohort, and large multi-country ones.

Nothing here is a real person. The Guatemala cohort follows the published shape of the 2019–2020
transfers (``data/partner_capacity.yaml``): Honduran and Salvadoran nationals, mostly Honduran;
single adults from 2019-11-21 and families from 2019-12-12; removal flights from 2019-11-21 to the
suspension on 2020-03-16 at about 57 people a week on average, very uneven. Flight dates, seats,
windows, family sizes and the shares of vulnerable cases and of cases with a finding of likely
harm in Guatemala are assumptions of the generator, not data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from amparo.transfers.model import Capacity, Case, MonthlyCap, Shelter, Slot

FIRST_FLIGHT = dt.date(2019, 11, 21)
FIRST_FAMILIES = dt.date(2019, 12, 12)
SUSPENDED = dt.date(2020, 3, 16)


def partner_capacity() -> dict[str, Any]:
    """The shipped partner-capacity figures with their sources (``data/partner_capacity.yaml``)."""
    text = resources.files("amparo.transfers").joinpath("data/partner_capacity.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class Cohort:
    cases: list[Case]
    capacity: Capacity


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def _months(start: dt.date, end: dt.date) -> list[str]:
    months: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _families(
    rng: random.Random,
    n_cases: int,
    country: str,
    nationalities: list[tuple[str, float]],
    start: dt.date,
    end: dt.date,
    families_from: dt.date,
    prefix: str,
    window_days: tuple[int, int] = (21, 75),
) -> list[Case]:
    """Cases in families (1 case = 1 person; most families are single adults)."""
    cases: list[Case] = []
    codes = [c for c, _ in nationalities]
    weights = [w for _, w in nationalities]
    group = 0
    while len(cases) < n_cases:
        group += 1
        earliest = start + dt.timedelta(days=rng.randrange(max(1, _days(start, end) - 14)))
        size = 1
        if earliest >= families_from and rng.random() < 0.3:
            size = rng.choice((2, 2, 3, 3, 4, 5))
        size = min(size, n_cases - len(cases))
        nationality = rng.choices(codes, weights)[0]
        waiting = earliest - dt.timedelta(days=rng.randrange(3, 60))
        deadline = earliest + dt.timedelta(days=rng.randrange(*window_days))
        excluded = (country,) if rng.random() < 0.03 else ()
        dual = (nationality, country) if rng.random() < 0.005 else (nationality,)
        for member in range(size):
            cases.append(
                Case(
                    case_id=f"{prefix}{len(cases) + 1:06d}",
                    group_id=f"{prefix}F{group:06d}",
                    people=1,
                    receiving_country=country,
                    nationalities=dual,
                    excluded_countries=excluded,
                    earliest=earliest,
                    deadline=deadline,
                    waiting_since=waiting,
                    vulnerable=rng.random() < (0.04 if member == 0 else 0.02),
                )
            )
    return cases


def _flights(
    rng: random.Random, country: str, start: dt.date, end: dt.date, n: int, seats: tuple[int, int]
) -> list[Slot]:
    span = _days(start, end)
    days = sorted({0, span, *rng.sample(range(1, span), min(span - 1, n - 2))})
    return [
        Slot(
            f"{country}-{start + dt.timedelta(days=d):%Y%m%d}-{i:03d}",
            start + dt.timedelta(days=d),
            country,
            rng.randint(*seats),
        )
        for i, d in enumerate(days[:n])
    ]


def guatemala_cohort(seed: int = 2019, n_cases: int = 1000, scenario: str = "as_implemented") -> Cohort:
    """About ``n_cases`` cases and 40 flights to Guatemala, 2019-11-21 … 2020-03-16.

    ``scenario`` picks the monthly caps from ``partner_capacity.yaml``: ``as_implemented`` (the pace
    of 2019–2020, about 250 people a month) or ``asylum_system`` (Guatemala's own processing
    capacity, 12 a month, and its 0 government shelter places).
    """
    rng = random.Random(seed)
    gt = partner_capacity()["countries"]["GT"]["scenarios"]
    if scenario not in gt:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {sorted(gt)}")
    cases = _families(
        rng,
        n_cases,
        "GT",
        [("HN", 0.7), ("SV", 0.3)],
        FIRST_FLIGHT - dt.timedelta(days=21),
        SUSPENDED,
        FIRST_FAMILIES,
        "GT",
    )
    slots = _flights(rng, "GT", FIRST_FLIGHT, SUSPENDED, 40, (5, 45))
    cap = int(gt[scenario]["monthly_cap_people"])
    caps = tuple(MonthlyCap("GT", m, cap) for m in _months(FIRST_FLIGHT, SUSPENDED))
    shelter: tuple[Shelter, ...] = ()
    if "shelter_places" in gt[scenario]:
        shelter = (Shelter("GT", int(gt[scenario]["shelter_places"]), 30),)
    return Cohort(cases, Capacity(tuple(slots), caps, shelter))


def regional_cohort(
    seed: int,
    n_cases: int,
    n_slots: int,
    countries: tuple[str, ...] = ("GT", "HN", "SV", "MX", "CR"),
    window_days: tuple[int, int] = (21, 75),
) -> Cohort:
    """A large benchmark cohort over several receiving countries across 2024 (capacity binding);
    each case's window lasts ``window_days`` (drawn uniformly, upper bound excluded)."""
    rng = random.Random(seed)
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    origins = [("HN", 0.3), ("SV", 0.15), ("GT", 0.2), ("NI", 0.1), ("VE", 0.15), ("CU", 0.1)]
    cases: list[Case] = []
    slots: list[Slot] = []
    caps: list[MonthlyCap] = []
    shelters: list[Shelter] = []
    for index, country in enumerate(countries):
        share = n_cases // len(countries) + (1 if index < n_cases % len(countries) else 0)
        per_country = n_slots // len(countries) + (1 if index < n_slots % len(countries) else 0)
        cases += _families(rng, share, country, origins, start, end, start, f"{country}", window_days)
        average = share * 0.85 / per_country  # seats for about 85 % of the people
        slots += _flights(rng, country, start, end, per_country, (int(average * 0.5), int(average * 1.5)))
        monthly = int(share * 0.8 / 12)
        caps += [MonthlyCap(country, m, monthly) for m in _months(start, end)]
        shelters.append(Shelter(country, int(monthly * 0.9), 30))
    return Cohort(cases, Capacity(tuple(slots), tuple(caps), tuple(shelters)))


def case_row(case: Case) -> dict[str, object]:
    return {
        "case_id": case.case_id,
        "group_id": case.group_id,
        "people": case.people,
        "receiving_country": case.receiving_country,
        "nationalities": list(case.nationalities),
        "excluded_countries": list(case.excluded_countries),
        "earliest": case.earliest.isoformat(),
        "deadline": case.deadline.isoformat(),
        "waiting_since": case.waiting_since.isoformat(),
        "vulnerable": case.vulnerable,
    }


def capacity_document(capacity: Capacity) -> dict[str, object]:
    return {
        "slots": [
            {
                "slot_id": s.slot_id,
                "date": s.date.isoformat(),
                "receiving_country": s.receiving_country,
                "seats": s.seats,
            }
            for s in capacity.slots
        ],
        "monthly_caps": [
            {"receiving_country": c.receiving_country, "month": c.month, "people": c.people}
            for c in capacity.monthly_caps
        ],
        "shelter": [
            {"receiving_country": s.receiving_country, "places": s.places, "stay_days": s.stay_days}
            for s in capacity.shelter
        ],
    }


def write_cohort(cohort: Cohort, cases_path: Path, capacity_path: Path) -> None:
    """CASES as JSON Lines, CAPACITY as YAML or JSON by extension."""
    cases_path.parent.mkdir(parents=True, exist_ok=True)
    with cases_path.open("w", encoding="utf-8") as out:
        for case in cohort.cases:
            out.write(json.dumps(case_row(case)) + "\n")
    document = capacity_document(cohort.capacity)
    if capacity_path.suffix.lower() == ".json":
        capacity_path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    else:
        capacity_path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
