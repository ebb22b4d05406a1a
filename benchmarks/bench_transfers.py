"""Transfers (issue 15): the planner on the synthetic Guatemala 2019–2020 cohort and on a large
regional cohort, against the first-come baseline of the same run.

Targets: the Guatemala-sized cohort (about 1,000 cases, 40 slots) to a proven gap of at most 1 %;
50,000 cases × 500 slots over several receiving countries in under 60 s at a gap of at most 1 %.
``quick`` plans 10,000 × 100 instead of the large cohort.
"""

from __future__ import annotations

import time
from dataclasses import replace

from amparo.transfers.instance import Loads, build
from amparo.transfers.planner import plan
from amparo.transfers.potentials import choose_slot
from amparo.transfers.solve import mip_columns
from amparo.transfers.synthetic import Cohort, guatemala_cohort, regional_cohort
from benchmarks.report import Section


def _row(name: str, cohort: Cohort, target: str) -> str:
    instance = build(cohort.cases, cohort.capacity)
    started = time.perf_counter()
    result = plan(cohort.cases, cohort.capacity, time_limit=60)
    wall = time.perf_counter() - started
    people = sum(c.people for c in cohort.cases)
    seats = sum(s.seats for s in cohort.capacity.slots)
    versus = result.people_assigned - result.greedy_people_assigned
    return (
        f"| {name} | {len(cohort.cases):,} / {people:,} | {len(cohort.capacity.slots)} ({seats:,} seats) | "
        f"{len(instance.families):,} / {mip_columns(instance):,} | {result.method} | {result.people_assigned:,} | "
        f"{result.bound:,.0f} | {result.gap:.3%} | {result.greedy_people_assigned:,} ({versus:+,}) | {wall:.1f} | {target} |"
    )


def run(quick: bool) -> Section:
    """Measure, and return the Markdown section for docs/PERFORMANCE.md."""
    large = (10_000, 100) if quick else (50_000, 500)
    lines = [
        "Synthetic cohorts (`amparo.transfers.synthetic`; one person per case, families of 1–5); HiGHS with "
        "one thread; time limit 60 s. The MIP runs when the family × slot model has at most 20,000 columns, "
        "or at most 250,000 and rounding and repair leave more than 0.1 % to prove. "
        "Gap = (bound − people planned) / bound, the bound proven by the LP relaxation (and by the MIP's dual "
        "bound when the MIP runs); both rounded down to whole people. Other agents' work shared the machine's "
        "2 cores while this ran.",
        "",
        "| cohort | cases / people | slots | families / MIP columns | method | people planned | bound | gap | "
        "first-come baseline | s | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        _row("Guatemala 2019–2020, as implemented (≈250 people/month)", guatemala_cohort(), "gap ≤ 1 %"),
        _row(
            "Guatemala 2019–2020, Guatemala's own capacity (12/month, 0 shelter places)",
            guatemala_cohort(scenario="asylum_system"),
            "—",
        ),
        _row(
            f"regional: 5 receiving countries, {large[0]:,} × {large[1]}",
            regional_cohort(seed=15, n_cases=large[0], n_slots=large[1]),
            "< 60 s, gap ≤ 1 %",
        ),
        _row(
            f"regional, short windows (3–20 days), {large[0]:,} × {large[1]}",
            regional_cohort(seed=15, n_cases=large[0], n_slots=large[1], window_days=(3, 21)),
            "< 60 s, gap ≤ 1 %",
        ),
    ]
    lines += _dynamic_rows(quick)
    return Section(key="transfers", title="Transfer planning (issue 15)", body="\n".join(lines))


def _online(cohort: Cohort, prices: dict[str, float] | None) -> int:
    """People placed when cases arrive one at a time (by ``earliest``) and are placed at once:
    first-fit on the earliest slot with room (``prices`` None), or on the cheapest slot by the
    potentials of a plan made on a forecast cohort (``choose_slot``)."""
    instance = build(cohort.cases, cohort.capacity)
    loads = Loads(instance)
    by_id = {c.case_id: c for c in cohort.cases}
    order = sorted(
        range(len(instance.families)), key=lambda f: by_id[instance.families[f].case_ids[0]].earliest
    )
    for f in order:
        family = instance.families[f]
        if prices is None:
            loads.place_first_fit(f)
            continue
        first = by_id[family.case_ids[0]]
        arrival = replace(
            first,
            people=family.people,
            earliest=instance.slots[family.lo].date,
            deadline=instance.slots[family.hi].date,
        )
        eligible = instance.slots[family.lo : family.hi + 1]
        room = {
            slot.slot_id: min(loads.room[r] for r in instance.rows_of_slot[family.lo + i])
            for i, slot in enumerate(eligible)
        }
        chosen = choose_slot(arrival, eligible, prices, room)
        if chosen is not None:
            loads.place(f, family.lo + eligible.index(chosen))
    return loads.people


def _dynamic_rows(quick: bool) -> list[str]:
    size = (2_000, 40) if quick else (10_000, 100)
    actual = regional_cohort(seed=21, n_cases=size[0], n_slots=size[1], window_days=(3, 21))
    forecast = regional_cohort(seed=22, n_cases=size[0], n_slots=size[1], window_days=(3, 21))
    # the forecast cohort is planned on the actual capacity: same slots, other cases
    forecast_plan = plan(forecast.cases, actual.capacity, time_limit=60)
    prices = dict(forecast_plan.potentials["slot_price"])  # type: ignore[call-overload]
    hindsight = plan(actual.cases, actual.capacity, time_limit=60)
    greedy = _online(actual, None)
    priced = _online(actual, prices)
    optimum = hindsight.people_assigned
    return [
        "",
        f"Cases arriving one at a time (by earliest date) and placed at once, {size[0]:,} cases × {size[1]} slots, "
        "short windows (3–20 days), "
        "against the hindsight plan of the same cases (Annie MOORE's comparison; its potentials come from "
        "forecast arrivals, here a second synthetic cohort planned on the same capacity):",
        "",
        "| placement | people placed | of hindsight plan |",
        "|---|---|---|",
        f"| hindsight plan (bound {hindsight.bound:,.0f}) | {optimum:,} | 100 % |",
        f"| first-fit on arrival | {greedy:,} | {greedy / optimum:.1%} |",
        f"| cheapest slot by the forecast plan's potentials | {priced:,} | {priced / optimum:.1%} |",
        "",
        "Every person counts the same in this objective, and windows are intervals of dated slots, so placing "
        "an arrival at once rarely takes a place a later arrival needed: on these cohorts first-fit is already "
        "close to the hindsight plan and the potentials have little to add. The gap Annie MOORE closes (more "
        "than 98 % of the hindsight optimum against under 90 % for greedy placement) is between placements of "
        "unequal value (expected employment by locality); potentials would matter here if slots differed in "
        "value (reception conditions, prospects of protection), which the contract's objective does not express.",
    ]
