"""The independent checker catches each kind of violation; potentials; cohort statistics."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from amparo.transfers.cohorts import OutcomeRecord, cohort_table, guatemala_published, parse_records
from amparo.transfers.loading import parse_capacity, parse_cases
from amparo.transfers.model import Case, Slot
from amparo.transfers.planner import plan
from amparo.transfers.potentials import choose_slot

from .conftest import case
from .plan_checker import violations

CAPACITY = {
    "slots": [
        {"slot_id": "S1", "date": "2020-01-10", "receiving_country": "GT", "seats": 2},
        {"slot_id": "S2", "date": "2020-01-12", "receiving_country": "GT", "seats": 5},
    ],
    "monthly_caps": [{"receiving_country": "GT", "month": "2020-01", "people": 4}],
    "shelter": [{"receiving_country": "GT", "places": 3, "stay_days": 5}],
}


def test_the_checker_catches_each_violation() -> None:
    rows = [case("A", group_id="F"), case("B", group_id="F"), case("C"), case("V", vulnerable=True)]
    good = {
        "assignments": [{"case_id": "A", "slot_id": "S1"}, {"case_id": "B", "slot_id": "S1"}],
        "unassigned": [
            {"case_id": "C", "reason": "capacity"},
            {"case_id": "V", "reason": "vulnerable: individual review"},
        ],
        "people_assigned": 2,
        "objective": 2,
        "bound": 3,
        "gap": 1 / 3,
        "solver": "x",
        "seconds": 0,
        "greedy": {"people_assigned": 2},
    }
    assert violations(rows, CAPACITY, good) == []
    split = copy.deepcopy(good)
    split["assignments"][1]["slot_id"] = "S2"
    assert any("split" in v for v in violations(rows, CAPACITY, split))
    twice = copy.deepcopy(good)
    twice["unassigned"].append({"case_id": "A", "reason": "x"})
    assert any("2 times" in v for v in violations(rows, CAPACITY, twice))
    vulnerable = copy.deepcopy(good)
    vulnerable["unassigned"] = [{"case_id": "C", "reason": "x"}]
    vulnerable["assignments"].append({"case_id": "V", "slot_id": "S2"})
    vulnerable["people_assigned"] = 3
    assert any("vulnerable" in v for v in violations(rows, CAPACITY, vulnerable))
    shelter = copy.deepcopy(good)
    shelter["unassigned"] = [{"case_id": "V", "reason": "vulnerable: individual review"}]
    shelter["assignments"].append({"case_id": "C", "slot_id": "S2"})
    shelter["people_assigned"] = 3
    assert violations(rows, CAPACITY, shelter) == []
    rows_two = [*rows[:2], case("C", people=2), rows[3]]
    shelter["people_assigned"] = 4
    shelter["bound"] = 4
    assert any("shelter" in v for v in violations(rows_two, CAPACITY, shelter))


def test_potentials_price_the_binding_rows_and_guide_arrivals() -> None:
    rows = [case(f"C{i}", waiting_since=f"2019-12-{10 + i}") for i in range(8)]
    result = plan(parse_cases(rows), parse_capacity(CAPACITY), time_limit=10)
    potentials = result.potentials
    assert result.people_assigned == 3  # the shelter's 3 places bind before the cap and the seats
    kinds = {row["kind"] for row in potentials["rows"]}  # type: ignore[attr-defined]
    assert "shelter" in kinds
    prices = potentials["slot_price"]
    assert all(0 <= p <= 1 + 1e-9 for p in prices.values())  # type: ignore[attr-defined]
    slots = [Slot("S1", dt.date(2020, 1, 10), "GT", 2), Slot("S3", dt.date(2020, 1, 30), "GT", 2)]
    arrival = Case(
        "N", "N", 1, "GT", ("HN",), (), dt.date(2020, 1, 1), dt.date(2020, 1, 31), dt.date(2020, 1, 1), False
    )
    chosen = choose_slot(arrival, slots, {"S1": 1.0, "S3": 0.0}, {"S1": 2, "S3": 2})
    assert chosen is not None and chosen.slot_id == "S3"
    assert choose_slot(arrival, slots, {"S1": 1.5, "S3": 1.2}, {"S1": 2, "S3": 2}) is None
    assert choose_slot(arrival, slots, {"S1": 0.0, "S3": 0.0}, {"S1": 0, "S3": 2}) == slots[1]
    vulnerable = Case(
        "V", "V", 1, "GT", ("HN",), (), dt.date(2020, 1, 1), dt.date(2020, 1, 31), dt.date(2020, 1, 1), True
    )
    assert choose_slot(vulnerable, slots, {}, {"S1": 2, "S3": 2}) is None


def test_cohort_table_by_transfer_month() -> None:
    records = parse_records(
        [
            {
                "person_id": "a",
                "transferred_on": "2019-12-03",
                "claim_lodged_on": "2019-12-10",
                "outcome": "refused",
                "outcome_on": "2020-02-08",
            },
            {
                "person_id": "b",
                "transferred_on": "2019-12-20",
                "claim_lodged_on": "2020-01-02",
                "outcome": "abandoned",
                "outcome_on": "2020-01-12",
            },
            {
                "person_id": "c",
                "transferred_on": "2019-12-21",
                "claim_lodged_on": None,
                "outcome": "assisted_return",
                "outcome_on": "2019-12-22",
            },
            {"person_id": "d", "transferred_on": "2020-01-05", "claim_lodged_on": "2020-01-20"},
        ]
    )
    rows = {r.cohort: r for r in cohort_table(records)}
    december = rows["2019-12"]
    assert (december.transferred, december.claims_lodged, december.pending) == (3, 2, 0)
    assert december.outcomes["refused"] == 1 and december.outcomes["assisted_return"] == 1
    assert december.median_days_claim_to_outcome == (60 + 10) / 2
    assert rows["2020-01"].pending == 1
    assert OutcomeRecord("x", dt.date(2020, 1, 1)).claim_lodged_on is None


def test_the_published_guatemala_outcome_is_reproduced_from_the_shipped_figures() -> None:
    rows = guatemala_published()
    periods = [r for r in rows if not r.cohort.endswith("(all)")]
    assert sum(r.transferred for r in periods) == 939
    senate = next(r for r in rows if r.cohort.endswith("(all)") and r.transferred == 945)
    assert (
        senate.claims_lodged,
        senate.outcomes["abandoned"],
        senate.pending,
        senate.outcomes["granted"],
    ) == (34, 16, 18, 0)
    hrw = next(r for r in rows if r.cohort.endswith("(all)") and r.transferred == 939)
    assert hrw.claims_lodged == 20


def test_shipped_figures_match_the_shared_sources() -> None:
    shared = (
        Path(__file__).resolve().parents[3] / "shared" / "data" / "aca" / "guatemala_2019_2020_transfers.csv"
    )
    if not shared.exists():  # a clone without ../shared: the shipped copy stands alone
        return
    import csv

    from amparo.transfers.synthetic import partner_capacity

    published = {
        (r["date"], int(r["cumulative_transferred"])) for r in csv.DictReader(shared.read_text().splitlines())
    }
    shipped = {
        (p["date"].isoformat(), p["cumulative"]) for p in partner_capacity()["countries"]["GT"]["transfers"]
    }
    assert shipped <= published


def test_cohorts_cli(tmp_path: Path, cli) -> None:
    result = cli("transfers", "cohorts", "--json")
    assert result.code == 0, result.err
    assert any(r["transferred"] == 945 for r in json.loads(result.out))
    bad = tmp_path / "records.jsonl"
    bad.write_text(json.dumps({"person_id": "a", "transferred_on": "2020-01-01", "outcome": "won"}) + "\n")
    result = cli("transfers", "cohorts", "--records", str(bad))
    assert result.code == 2 and "/0/outcome" in result.err
