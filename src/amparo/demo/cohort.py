"""The demo's cohort: encounter v1 documents for November 2019 – March 2020, scaled from CBP's counts.

The skeleton is CBP's Southwest Land Border Encounters table for those months
(:func:`amparo.flows.series.query`, by month, citizenship grouping, demographic and component):
each cell gets its share of ``size`` encounters (largest remainders). The people come from the
identity area's synthetic population (:func:`amparo.identity.synth.generate`): its families
(encountered together, sharing surnames), its repeat crossers and the name variations people
really present (accents lost, a surname dropped, a nickname, a typo, a birth date written
day-first). A unit of that population (a person alone, or a family) is drawn for a cell of its
citizenship grouping and demographic; its first encounter falls on a day of the cell's month and
each later one 1 to 8 weeks after the one before, while it is still within the period.

What the CBP table does not give is drawn here and named as an assumption
(:data:`ASSUMPTIONS`): where the person was met, the route, whether a fear of return is stated,
and what a person says at an ACA threshold interview. Nothing here is a real person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

START = dt.date(2019, 11, 1)
END = dt.date(2020, 3, 31)
BIG = ("MX", "GT", "HN", "SV")

#: Where people were met: (location, state, weight) by component (an assumption of the demo,
#: not CBP data; El Paso matters for the Guatemala ACA's first phase).
_BETWEEN_PORTS = (
    ("Rio Grande Valley Sector", "TX", 0.35),
    ("El Paso Sector", "TX", 0.14),
    ("Del Rio Sector", "TX", 0.12),
    ("Tucson Sector", "AZ", 0.12),
    ("San Diego Sector", "CA", 0.10),
    ("Yuma Sector", "AZ", 0.08),
    ("Laredo Sector", "TX", 0.09),
)
_PORTS = (
    ("San Ysidro Port of Entry", "CA", 0.3),
    ("El Paso Port of Entry", "TX", 0.2),
    ("Nogales Port of Entry", "AZ", 0.15),
    ("Laredo Port of Entry", "TX", 0.2),
    ("Brownsville Port of Entry", "TX", 0.15),
)
_ROUTES: Mapping[str, tuple[str, ...]] = {
    "MX": (),
    "GT": ("MX",),
    "HN": ("GT", "MX"),
    "SV": ("GT", "MX"),
    "NI": ("HN", "GT", "MX"),
    "CU": ("NI", "HN", "GT", "MX"),
}
_LONG_ROUTE = ("PA", "CR", "NI", "HN", "GT", "MX")

#: The generator's assumptions (shown in the report beside the CBP calibration).
ASSUMPTIONS: Mapping[str, str] = {
    "fear_stated": "a fear of return to the country of nationality is stated by 45% of adults and "
    "families at the encounter (assumption)",
    "fear_of_guatemala": "at an ACA threshold interview, 15% of those interviewed state a fear of "
    "Guatemala (assumption); for a third of them the officer finds harm there more likely than not "
    "(assumption; no source gives these rates)",
    "places": "sectors and ports drawn with fixed weights (assumption; El Paso 14% of Border Patrol "
    "encounters)",
    "repeat_gap": "a repeat crosser is met again 1 to 8 weeks after the previous encounter (assumption)",
    "adjudication": "the screening is read 0 to 3 days after the encounter (assumption)",
}


@dataclass(frozen=True)
class Cell:
    """One cell of the CBP table for the period."""

    month: str  # YYYY-MM
    citizenship: str  # MX, GT, HN, SV or OTHER
    demographic: str
    component: str  # USBP or OFO
    official: int
    quota: int = 0


@dataclass
class Truth:
    """What the demo knows about an encounter that the document does not say."""

    person: str  # the true person id (the identity area's population)
    family_visit: str | None  # the id of the family's encounter (members encountered together)
    fear_of_guatemala: bool
    harm_found_in_guatemala: bool


@dataclass
class Cohort:
    """The documents in encounter order, what is true of each, and the calibration."""

    seed: int
    size: int
    documents: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, Truth] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The prefix of this cohort's encounter ids (seed and size: a cohort is reused by it)."""
        return f"DEMO-{self.seed}-{self.size}"


def official_cells() -> list[Cell]:
    """CBP's southwest-border encounters in the period by month, citizenship grouping,
    demographic and component (the published table, read through the flows area)."""
    from amparo.flows import series

    rows = series.query(by=["citizenship", "demographic", "component"], start=START, end=END.replace(day=1))
    return [
        Cell(r.month, r.keys["citizenship"], r.keys["demographic"], r.keys["component"], r.encounters)
        for r in rows
        if r.encounters > 0
    ]


def _quotas(cells: list[Cell], size: int) -> list[Cell]:
    """Each cell's share of ``size`` (largest remainders, so they add up to ``size``)."""
    total = sum(c.official for c in cells)
    exact = [c.official * size / total for c in cells]
    floors = [int(x) for x in exact]
    left = size - sum(floors)
    order = sorted(range(len(cells)), key=lambda i: (exact[i] - floors[i], cells[i].official), reverse=True)
    for i in order[:left]:
        floors[i] += 1
    return [
        Cell(c.month, c.citizenship, c.demographic, c.component, c.official, q)
        for c, q in zip(cells, floors, strict=True)
    ]


@dataclass
class _Unit:
    """A person alone or a family of the population, with its encounter records by visit."""

    grouping: str
    demographic: str
    visits: list[list[dict[str, Any]]]


def _units(
    records: list[dict[str, Any]], persons: list[dict[str, Any]]
) -> dict[tuple[str, str], list[_Unit]]:
    nationality = {p["person_id"]: p["nationality"] for p in persons}
    by_unit: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        by_unit[record["family_id"] or record["person_id"]][record["encountered_on"]].append(record)
    pools: dict[tuple[str, str], list[_Unit]] = defaultdict(list)
    for visits in by_unit.values():
        first = next(iter(visits.values()))[0]
        true_nationality = nationality[first["person_id"]]
        grouping = true_nationality if true_nationality in BIG else "OTHER"
        ordered = [visits[day] for day in sorted(visits)]
        pools[(grouping, first["demographic"])].append(_Unit(grouping, first["demographic"], ordered))
    return pools


def _shift_year(text: str, years: int, on: dt.date) -> str:
    """A recorded birth date moved by whole years with its encounter (never after the encounter)."""
    if not text:
        return text
    day = dt.date.fromisoformat(text)
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    day = day.replace(year=day.year + years)
    while day > on:
        day = day.replace(year=day.year - 1)
    return day.isoformat()


def _pick(rng: np.random.Generator, options: tuple[tuple[str, str, float], ...]) -> tuple[str, str]:
    weights = np.array([o[2] for o in options])
    chosen = options[int(rng.choice(len(options), p=weights / weights.sum()))]
    return chosen[0], chosen[1]


@dataclass(frozen=True)
class _Drawn:
    """What is drawn once per visit of a unit (shared by a family met together)."""

    years: int  # whole years the population's dates move by
    component: str
    place: tuple[str, str]
    fear: bool
    adjudication_days: int


def _document(
    record: dict[str, Any], *, encounter_id: str, on: dt.date, members: list[str], drawn: _Drawn
) -> dict[str, Any]:
    nationality = record["nationality"]
    person: dict[str, Any] = {"nationalities": [nationality]}
    if record["birth_date"]:
        person["birth_date"] = _shift_year(record["birth_date"], drawn.years, on)
    for key in ("sex", "given_names", "surnames"):
        if record[key]:
            person[key] = record[key]
    document: dict[str, Any] = {
        "schema": "amparo/encounter@1",
        "id": encounter_id,
        "encountered_on": on.isoformat(),
        "adjudicated_on": (on + dt.timedelta(days=drawn.adjudication_days)).isoformat(),
        "place": {
            "border": "southwest_land",
            "manner": "port_of_entry" if drawn.component == "OFO" else "between_ports",
            "location": drawn.place[0],
            "state": drawn.place[1],
            "arrived_from": "MX",
        },
        "person": person,
    }
    demographic = record["demographic"]
    if demographic == "unaccompanied_children":
        document["family"] = {"with_parent_or_legal_guardian": False, "family_unit": False}
    elif demographic in ("family_units", "accompanied_minors"):
        document["family"] = {"with_parent_or_legal_guardian": True, "family_unit": True, "members": members}
    route = [c for c in _ROUTES.get(nationality, _LONG_ROUTE) if c != nationality]
    if route:
        document["route"] = [{"country": c, "protection_claim": "none"} for c in route]
    if drawn.fear:
        document["fear_claims"] = [
            {"country": nationality, "affirmatively_stated": True, "basis": ["particular_social_group"]}
        ]
    return document


def _pool_demographic(demographic: str) -> str:
    return "family_units" if demographic == "accompanied_minors" else demographic


def build(size: int, seed: int) -> Cohort:
    """About ``size`` encounters (a family or a repeat crosser may run one cell a little over),
    deterministic for ``seed``."""
    from amparo.identity import synth

    cohort = Cohort(seed=seed, size=size)
    cohort.cells = _quotas(official_cells(), size)
    population = synth.generate(6 * size + 500, seed)
    pools = _units(population.encounters, population.persons)
    for pool in pools.values():
        pool.reverse()  # pop() takes them in the population's order
    rng = np.random.default_rng([seed, 17])
    planned: list[tuple[dt.date, str, dict[str, Any], Truth, _Drawn]] = []
    # Encounters placed per cell: a repeat crosser's later encounters count in their own month.
    placed: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for cell in sorted(cohort.cells, key=lambda c: c.month):
        pool = pools.get((cell.citizenship, _pool_demographic(cell.demographic)), [])
        month = dt.date.fromisoformat(f"{cell.month}-01")
        days = ((month + dt.timedelta(days=32)).replace(day=1) - month).days
        while placed[(cell.month, cell.citizenship, cell.demographic, cell.component)] < cell.quota and pool:
            unit = pool.pop()
            first = month + dt.timedelta(days=int(rng.integers(0, days)))
            years = first.year - dt.date.fromisoformat(unit.visits[0][0]["encountered_on"]).year
            on = first
            fear_of_gt = bool(rng.random() < 0.15)
            harm_found = fear_of_gt and bool(rng.random() < 1 / 3)
            fear = unit.demographic != "unaccompanied_children" and bool(rng.random() < 0.45)
            for visit_no, visit in enumerate(unit.visits):
                if visit_no:
                    on = on + dt.timedelta(days=int(rng.integers(7, 57)))
                if on > END:
                    break
                place = _pick(rng, _PORTS if cell.component == "OFO" else _BETWEEN_PORTS)
                family_visit = f"{visit[0]['family_id']}-{visit_no}" if visit[0]["family_id"] else None
                drawn = _Drawn(years, cell.component, place, fear, int(rng.integers(0, 4)))
                for record in visit:
                    truth = Truth(record["person_id"], family_visit, fear_of_gt, harm_found)
                    planned.append((on, record["record_id"], record, truth, drawn))
                placed[(f"{on:%Y-%m}", cell.citizenship, cell.demographic, cell.component)] += len(visit)
    planned.sort(key=lambda item: (item[0], item[1]))
    ids = {record_id: f"{cohort.key}-{n:06d}" for n, (_, record_id, _, _, _) in enumerate(planned, start=1)}
    members_of: dict[str, list[str]] = defaultdict(list)
    for _, record_id, _, truth, _ in planned:
        if truth.family_visit:
            members_of[truth.family_visit].append(ids[record_id])
    for on, record_id, record, truth, drawn in planned:
        encounter_id = ids[record_id]
        others = [m for m in members_of.get(truth.family_visit or "", []) if m != encounter_id]
        cohort.documents.append(
            _document(record, encounter_id=encounter_id, on=on, members=others, drawn=drawn)
        )
        cohort.truth[encounter_id] = truth
    return cohort


def official_title42() -> int:
    """CBP's southwest-border encounters under Title 42 in the period (all in March 2020)."""
    from amparo.flows import series

    rows = series.query(by=["title_of_authority"], start=START, end=END.replace(day=1))
    return sum(r.encounters for r in rows if r.keys["title_of_authority"] == "title_42")


def monthly_counts(cohort: Cohort) -> dict[str, dict[str, int]]:
    """Official and cohort encounters by month (for the report's table and chart)."""
    table: dict[str, dict[str, int]] = {}
    for cell in cohort.cells:
        row = table.setdefault(cell.month, {"official": 0, "cohort": 0})
        row["official"] += cell.official
    for document in cohort.documents:
        month = document["encountered_on"][:7]
        table.setdefault(month, {"official": 0, "cohort": 0})["cohort"] += 1
    return dict(sorted(table.items()))


def by_citizenship(cohort: Cohort) -> dict[str, dict[str, int]]:
    """Official and cohort encounters by citizenship grouping over the period."""
    table: dict[str, dict[str, int]] = {}
    for cell in cohort.cells:
        table.setdefault(cell.citizenship, {"official": 0, "cohort": 0})["official"] += cell.official
    for document in cohort.documents:
        nationality = document["person"]["nationalities"][0]
        grouping = nationality if nationality in BIG else "OTHER"
        table.setdefault(grouping, {"official": 0, "cohort": 0})["cohort"] += 1
    return dict(sorted(table.items(), key=lambda kv: -kv[1]["official"]))
