"""The planner against brute force on small instances, and the checker on random ones."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest

from amparo.transfers.loading import parse_capacity, parse_cases
from amparo.transfers.planner import plan

from .plan_checker import violations

DAY0 = dt.date(2020, 1, 1)


def random_instance(
    rng: random.Random, n_cases: int, n_slots: int, countries: str = "GH"
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    countries_list = [f"{c}T" if c == "G" else f"{c}N" for c in countries]  # GT, HN
    rows: list[dict[str, Any]] = []
    group = 0
    while len(rows) < n_cases:
        group += 1
        size = rng.choice((1, 1, 1, 2, 3))
        country = rng.choice(countries_list)
        start = DAY0 + dt.timedelta(days=rng.randrange(40))
        end = start + dt.timedelta(days=rng.randrange(5, 40))
        for _ in range(min(size, n_cases - len(rows))):
            rows.append(
                {
                    "case_id": f"c{len(rows)}",
                    "group_id": f"g{group}",
                    "people": rng.choice((1, 1, 2)),
                    "receiving_country": country,
                    "nationalities": [rng.choice(("SV", "SV", "SV", country))]
                    if rng.random() < 0.1
                    else ["SV"],
                    "excluded_countries": [country] if rng.random() < 0.05 else [],
                    "earliest": start.isoformat(),
                    "deadline": end.isoformat(),
                    "waiting_since": (DAY0 - dt.timedelta(days=rng.randrange(100))).isoformat(),
                    "vulnerable": rng.random() < 0.08,
                }
            )
    slots = [
        {
            "slot_id": f"s{i}",
            "date": (DAY0 + dt.timedelta(days=rng.randrange(70))).isoformat(),
            "receiving_country": rng.choice(countries_list),
            "seats": rng.randrange(0, 6),
        }
        for i in range(n_slots)
    ]
    capacity = {
        "slots": slots,
        "monthly_caps": [
            {"receiving_country": c, "month": m, "people": rng.randrange(2, 9)}
            for c in countries_list
            for m in ("2020-01", "2020-02")
        ],
        "shelter": [
            {
                "receiving_country": countries_list[0],
                "places": rng.randrange(2, 8),
                "stay_days": rng.randrange(1, 20),
            }
        ],
    }
    return rows, capacity


def brute_force_people(rows: list[dict[str, Any]], capacity: dict[str, Any]) -> int:
    """The most people any valid plan places: every family on every slot or none, checked by the checker."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["group_id"], []).append(row)
    options = [[None, *[s["slot_id"] for s in capacity["slots"]]] for _ in groups]
    best = 0
    for choice in itertools.product(*options):
        assignments = []
        unassigned = []
        for (_, members), slot in zip(groups.items(), choice, strict=True):
            for member in members:
                if slot is None:
                    unassigned.append({"case_id": member["case_id"], "reason": "x"})
                else:
                    assignments.append({"case_id": member["case_id"], "slot_id": slot})
        people = sum(r["people"] for r in rows if r["case_id"] in {a["case_id"] for a in assignments})
        if people <= best:
            continue
        candidate = {
            "assignments": assignments,
            "unassigned": unassigned,
            "people_assigned": people,
            "objective": 0,
            "bound": people,
            "gap": 0,
            "solver": "",
            "seconds": 0,
            "greedy": {"people_assigned": 0},
        }
        for u in unassigned:
            row = next(r for r in rows if r["case_id"] == u["case_id"])
            if row["vulnerable"]:
                u["reason"] = "vulnerable: individual review"
        if not violations(rows, capacity, candidate):
            best = people
    return best


@pytest.mark.parametrize("seed", range(12))
def test_small_instances_reach_the_brute_force_optimum(seed: int) -> None:
    rng = random.Random(seed)
    rows, capacity = random_instance(rng, n_cases=7, n_slots=3)
    result = plan(parse_cases(rows), parse_capacity(capacity), time_limit=10).as_dict()
    assert violations(rows, capacity, result) == []
    optimum = brute_force_people(rows, capacity)
    assert result["people_assigned"] == optimum
    assert result["bound"] >= optimum


@pytest.mark.parametrize("seed", range(5))
def test_random_instances_respect_every_constraint(seed: int) -> None:
    rng = random.Random(100 + seed)
    rows, capacity = random_instance(rng, n_cases=120, n_slots=25)
    result = plan(parse_cases(rows), parse_capacity(capacity), time_limit=10).as_dict()
    assert violations(rows, capacity, result) == []
    assert result["people_assigned"] >= result["greedy"]["people_assigned"]
    assert 0 <= result["gap"] <= 1


def test_those_waiting_longest_go_first_among_equals() -> None:
    rows = [
        {
            "case_id": n,
            "group_id": n,
            "people": 1,
            "receiving_country": "GT",
            "nationalities": ["HN"],
            "excluded_countries": [],
            "earliest": "2020-01-01",
            "deadline": "2020-01-31",
            "waiting_since": w,
            "vulnerable": False,
        }
        for n, w in (("new", "2019-12-20"), ("old", "2019-06-01"), ("mid", "2019-10-01"))
    ]
    capacity = {"slots": [{"slot_id": "S", "date": "2020-01-10", "receiving_country": "GT", "seats": 2}]}
    result = plan(parse_cases(rows), parse_capacity(capacity), time_limit=10)
    assert {a.case_id for a in result.assignments} == {"old", "mid"}


def test_the_relaxation_and_repair_path_alone_respects_every_constraint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amparo.transfers import solve

    monkeypatch.setattr(solve, "MIP_MAX_COLUMNS", 0)
    rng = random.Random(7)
    rows, capacity = random_instance(rng, n_cases=300, n_slots=30)
    result = plan(parse_cases(rows), parse_capacity(capacity), time_limit=10).as_dict()
    assert result["method"] == "lp-relaxation+repair"
    assert violations(rows, capacity, result) == []
    assert result["bound"] >= result["people_assigned"]


def test_an_lp_out_of_time_still_gives_a_valid_plan_with_the_trivial_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amparo.transfers import solve

    monkeypatch.setattr(solve, "MIP_MAX_COLUMNS", 0)
    real = solve.new_highs
    monkeypatch.setattr(solve, "new_highs", lambda *a, **k: _OutOfTime(real(*a, **k)))
    rng = random.Random(11)
    rows, capacity = random_instance(rng, n_cases=60, n_slots=10)
    result = plan(parse_cases(rows), parse_capacity(capacity), time_limit=10).as_dict()
    assert result["method"] == "first-come (the LP ran out of time)"
    assert violations(rows, capacity, result) == []
    eligible = sum(
        r["people"]
        for r in rows
        if r["case_id"]
        not in {u["case_id"] for u in result["unassigned"] if not u["reason"].startswith("capacity")}
    )
    assert result["bound"] == eligible


class _OutOfTime:
    """A HiGHS that reports the time limit reached after running."""

    def __init__(self, solver: Any) -> None:
        self._solver = solver

    def __getattr__(self, name: str) -> Any:
        return getattr(self._solver, name)

    def getModelStatus(self) -> Any:
        import highspy

        return highspy.HighsModelStatus.kTimeLimit
