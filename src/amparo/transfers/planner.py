"""``plan``: cases and capacity in, a plan out — the relaxation's bound, a repaired plan, the MIP
when the instance is small enough, the first-come baseline, and the capacity prices.

The planner knows nothing of the store or of files: :mod:`amparo.transfers.loading` reads files,
the command line writes PLAN.json.
"""

from __future__ import annotations

import time

from amparo.transfers import solve
from amparo.transfers.instance import Instance, Loads, build, first_come
from amparo.transfers.model import Assignment, Capacity, Case, Plan, Unassigned
from amparo.transfers.potentials import potentials

CAPACITY_REASON = "capacity: no room on an eligible slot within capacity"


def _plan_lists(instance: Instance, loads: Loads) -> tuple[list[Assignment], list[Unassigned]]:
    slot_of_case: dict[str, str] = {}
    for f, slot in loads.slot_of.items():
        for case_id in instance.families[f].case_ids:
            slot_of_case[case_id] = instance.slots[slot].slot_id
    assignments: list[Assignment] = []
    unassigned: list[Unassigned] = []
    for case_id in instance.case_order:
        if case_id in slot_of_case:
            assignments.append(Assignment(case_id, slot_of_case[case_id]))
        else:
            unassigned.append(Unassigned(case_id, instance.set_aside.get(case_id, CAPACITY_REASON)))
    return assignments, unassigned


def _tie_break(instance: Instance, loads: Loads) -> float:
    weights = solve.waiting_weights(instance)
    return sum(instance.families[f].people * weights[f] for f in loads.slot_of)


def plan(cases: list[Case], capacity: Capacity, time_limit: float = 60.0, threads: int = 1) -> Plan:
    """The plan of the contract's "Transfer planning": every case once, the gap proven."""
    started = time.perf_counter()
    instance = build(cases, capacity)
    greedy = first_come(instance)
    relaxation = solve.relax(instance, time_limit=time_limit, threads=threads)
    best = solve.round_and_repair(instance, relaxation)
    if greedy.people > best.people:
        best = greedy
    bound = min(relaxation.bound, instance.people_eligible)
    method = "lp-relaxation+repair" if relaxation.solved else "first-come (the LP ran out of time)"
    deadline = started + time_limit
    columns = solve.mip_columns(instance)
    gap_left = (bound - best.people) / bound if bound > 0 else 0.0
    worth_it = columns <= solve.MIP_EXACT_COLUMNS or gap_left > solve.GOOD_ENOUGH_GAP
    if columns <= solve.MIP_MAX_COLUMNS and worth_it and deadline - time.perf_counter() > 1.0:
        result = solve.solve_mip(instance, best, deadline=deadline, threads=threads)
        bound = min(bound, result.bound)
        method = f"mip ({result.status.lower()})"
        if result.loads is not None and (result.loads.people, _tie_break(instance, result.loads)) > (
            best.people,
            _tie_break(instance, best),
        ):
            best = result.loads
    assignments, unassigned = _plan_lists(instance, best)
    gap = (bound - best.people) / bound if bound > 0 else 0.0
    return Plan(
        assignments=assignments,
        unassigned=unassigned,
        people_assigned=best.people,
        objective=float(best.people),
        bound=float(bound),
        gap=gap,
        solver=solve.highs_version(),
        method=method,
        greedy_people_assigned=greedy.people,
        seconds=time.perf_counter() - started,
        potentials=potentials(instance, relaxation.duals),
    )
