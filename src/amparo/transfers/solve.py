"""The optimisation: the LP relaxation over family classes, rounding and repair, and the exact MIP.

Both models maximise people placed subject to the capacity rows of :mod:`amparo.transfers.instance`.

* **Relaxation** (any size). Families with the same eligible slot range form a class; a variable is
  the number of people of a class on a slot. Splitting families fractionally makes this exactly the
  LP relaxation of the family-level MIP, with far fewer columns, so its optimum is a proven upper
  bound on the people any plan can place (rounded down: people are whole). Its row duals are the
  capacity prices ("potentials").
* **Rounding and repair**. Within each class, families longest-waiting first take the people the
  relaxation put on each slot while they fit whole; the families left are placed first-fit.
* **MIP** (when the family × slot model is small enough). A binary per family and eligible slot,
  started from the repaired plan; people count 1 each plus a tie-break below half a person in total
  for the longest waiting, so the tie-break never outweighs a person.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from amparo.errors import MissingExtra
from amparo.transfers.instance import Instance, Loads

MIP_MAX_COLUMNS = 250_000
MIP_EXACT_COLUMNS = 20_000  # up to here the MIP also optimises the tie-break; above, people only
GOOD_ENOUGH_GAP = 0.001  # above MIP_EXACT_COLUMNS, the MIP runs only when repair leaves a larger gap
_TOL = 1e-6


def _highspy() -> Any:
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("highspy", "transfers") from exc
    return highspy


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on standard output when the first solver object is made."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_banner_shown: list[bool] = []


def new_highs(time_limit: float | None = None, threads: int = 1) -> Any:
    """A silent HiGHS instance (standard output is silenced only around the first, which prints
    the banner; file descriptor 1 is process-wide)."""
    hs = _highspy()
    if _banner_shown:
        solver = hs.Highs()
    else:
        with _quiet_stdout():
            solver = hs.Highs()
        _banner_shown.append(True)
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", threads)
    if time_limit is not None:
        solver.setOptionValue("time_limit", max(0.1, float(time_limit)))
    return solver


def highs_version() -> str:
    version = getattr(new_highs(), "version", None)
    return f"HiGHS {version()}" if callable(version) else "HiGHS"


def _pass_model(
    solver: Any,
    cost: list[float],
    upper: list[float],
    columns: list[list[int]],
    row_upper: list[float],
) -> None:
    """Give HiGHS the LP max Σx, 0 ≤ x ≤ upper, A x ≤ row_upper (A column-wise, all ones)."""
    import numpy as np

    hs = _highspy()
    lp = hs.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_upper)
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = np.asarray(upper, dtype=np.float64)
    lp.row_lower_ = np.full(len(row_upper), -np.inf)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    starts = np.zeros(len(columns) + 1, dtype=np.int32)
    starts[1:] = np.cumsum([len(c) for c in columns])
    index = np.fromiter((r for c in columns for r in c), dtype=np.int32, count=int(starts[-1]))
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(len(index))
    lp.sense_ = hs.ObjSense.kMaximize
    solver.passModel(lp)


@dataclass
class Relaxation:
    """The LP optimum (people, fractional), the people each class has on each slot, the row duals."""

    value: float
    flows: dict[tuple[int, int], list[tuple[int, float]]]  # (lo, hi) -> [(slot, people)]
    duals: list[float]  # one per capacity row
    seconds: float
    solved: bool = True

    @property
    def bound(self) -> int:
        return math.floor(self.value + _TOL)


def _classes(instance: Instance) -> dict[tuple[int, int], list[int]]:
    classes: dict[tuple[int, int], list[int]] = {}
    for index, family in enumerate(instance.families):
        classes.setdefault((family.lo, family.hi), []).append(index)
    return classes


def relax(instance: Instance, time_limit: float, threads: int = 1) -> Relaxation:
    """Solve the class-level LP relaxation (``solved`` False, and the trivial bound, if it ran out of time)."""
    started = time.perf_counter()
    classes = _classes(instance)
    keys = list(classes)
    n_rows = len(keys) + len(instance.rows)
    row_upper = [float(sum(instance.families[f].people for f in classes[k])) for k in keys]
    row_upper += [float(row.limit) for row in instance.rows]
    columns: list[list[int]] = []
    owner: list[tuple[int, int]] = []
    for c, (lo, hi) in enumerate(keys):
        for slot in range(lo, hi + 1):
            columns.append([c, *(len(keys) + r for r in instance.rows_of_slot[slot])])
            owner.append((c, slot))
    if not columns:
        return Relaxation(0.0, {}, [0.0] * len(instance.rows), time.perf_counter() - started)
    solver = new_highs(time_limit, threads)
    solver.setOptionValue("solver", "simplex")
    upper = [row_upper[c] for c, _ in owner]
    _pass_model(solver, [1.0] * len(columns), upper, columns, row_upper)
    solver.run()
    status = solver.modelStatusToString(solver.getModelStatus())
    solution = solver.getSolution()
    if status != "Optimal":  # no proven bound: the trivial one (every eligible person), no prices
        trivial = float(instance.people_eligible)
        return Relaxation(
            trivial, {}, [0.0] * len(instance.rows), time.perf_counter() - started, solved=False
        )
    flows: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for (c, slot), value in zip(owner, solution.col_value, strict=True):
        if value > _TOL:
            flows.setdefault(keys[c], []).append((slot, float(value)))
    duals = [max(0.0, float(d)) for d in list(solution.row_dual)[len(keys) : n_rows]]
    value = float(solver.getInfo().objective_function_value)
    return Relaxation(value, flows, duals, time.perf_counter() - started)


def _by_waiting(instance: Instance, members: list[int]) -> list[int]:
    families = instance.families
    return sorted(members, key=lambda f: (families[f].waiting_since, families[f].order))


def round_and_repair(instance: Instance, relaxation: Relaxation) -> Loads:
    """An integral plan from the relaxation: whole families into each class's quotas, then first-fit."""
    loads = Loads(instance)
    families = instance.families
    for key, members in _classes(instance).items():
        quotas = [[slot, people] for slot, people in relaxation.flows.get(key, [])]
        if not quotas:
            continue
        for f in _by_waiting(instance, members):
            need = families[f].people
            for quota in quotas:
                if quota[1] >= need - _TOL and loads.fits(int(quota[0]), need):
                    loads.place(f, int(quota[0]))
                    quota[1] -= need
                    break
    for f in _by_waiting(instance, [f for f in range(len(families)) if f not in loads.slot_of]):
        loads.place_first_fit(f)
    return loads


def waiting_weights(instance: Instance) -> list[float]:
    """Each family's tie-break weight per person, 0 … 1 (1: waiting the longest)."""
    if not instance.families:
        return []
    days = [f.waiting_since.toordinal() for f in instance.families]
    newest, oldest = max(days), min(days)
    span = max(1, newest - oldest)
    return [(newest - d) / span for d in days]


@dataclass
class MipResult:
    loads: Loads | None
    bound: int
    status: str
    seconds: float


def mip_columns(instance: Instance) -> int:
    return sum(f.hi - f.lo + 1 for f in instance.families)


def solve_mip(instance: Instance, start: Loads, deadline: float, threads: int = 1) -> MipResult:
    """The family × slot MIP, warm-started from ``start``, to stop by ``deadline`` (a
    ``time.perf_counter()`` value, model building included); ``bound`` proven on people placed."""
    started = time.perf_counter()
    families = instance.families
    n_fam = len(families)
    weights = waiting_weights(instance)
    total = sum(f.people for f in families) or 1
    epsilon = 0.5 / total
    cost: list[float] = []
    columns: list[list[int]] = []
    owner: list[tuple[int, int]] = []
    for f, family in enumerate(families):
        for slot in range(family.lo, family.hi + 1):
            cost.append(family.people * (1.0 + epsilon * weights[f]))
            columns.append([f, *(n_fam + r for r in instance.rows_of_slot[slot])])
            owner.append((f, slot))
    if not columns:
        return MipResult(Loads(instance), 0, "Optimal", time.perf_counter() - started)
    solver = new_highs(max(0.1, deadline - time.perf_counter() - 0.5), threads)  # 0.5 s to read it back
    if len(columns) <= MIP_EXACT_COLUMNS:
        solver.setOptionValue("mip_rel_gap", 1e-6)  # people and the waiting tie-break both optimal
    else:
        # stop once the people placed are proven optimal: the tie-break adds less than half a person,
        # so a gap below 0.5 leaves no room for one more person
        solver.setOptionValue("mip_abs_gap", 0.5)
        solver.setOptionValue("mip_rel_gap", 0.0)
    _pass_family_model(solver, instance, cost, columns, owner)
    hs = _highspy()
    initial = hs.HighsSolution()
    initial.col_value = [1.0 if start.slot_of.get(f) == slot else 0.0 for f, slot in owner]
    initial.value_valid = True
    solver.setSolution(initial)
    solver.run()
    status = solver.modelStatusToString(solver.getModelStatus())
    info = solver.getInfo()
    dual_bound = float(info.mip_dual_bound)
    bound = math.floor(dual_bound + _TOL) if math.isfinite(dual_bound) else start.people
    loads: Loads | None = None
    if info.primal_solution_status == 2:  # feasible
        loads = Loads(instance)
        for (f, slot), value in zip(owner, solver.getSolution().col_value, strict=True):
            if value > 0.5:
                if not loads.fits(slot, families[f].people):
                    loads = None
                    break
                loads.place(f, slot)
    return MipResult(loads, bound, status, time.perf_counter() - started)


def _pass_family_model(
    solver: Any, instance: Instance, cost: list[float], columns: list[list[int]], owner: list[tuple[int, int]]
) -> None:
    import numpy as np

    hs = _highspy()
    n_fam = len(instance.families)
    row_upper = [1.0] * n_fam + [float(row.limit) for row in instance.rows]
    lp = hs.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_upper)
    lp.col_cost_ = np.asarray(cost)
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = np.ones(len(cost))
    lp.row_lower_ = np.full(len(row_upper), -np.inf)
    lp.row_upper_ = np.asarray(row_upper)
    starts = np.zeros(len(columns) + 1, dtype=np.int32)
    starts[1:] = np.cumsum([len(c) for c in columns])
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = np.fromiter((r for c in columns for r in c), dtype=np.int32, count=int(starts[-1]))
    values: list[float] = []
    for column, (f, _slot) in zip(columns, owner, strict=True):
        people = float(instance.families[f].people)
        values.extend([1.0] + [people] * (len(column) - 1))
    lp.a_matrix_.value_ = np.asarray(values)
    lp.sense_ = hs.ObjSense.kMaximize
    lp.integrality_ = [hs.HighsVarType.kInteger] * len(cost)
    solver.passModel(lp)
