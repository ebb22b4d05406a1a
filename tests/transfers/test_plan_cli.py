"""`amparo transfers plan` as the contract defines it, checked by an independent checker."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from .conftest import case, write_capacity, write_cases
from .plan_checker import read_capacity_doc, read_case_rows, violations

CAPACITY = {
    "slots": [
        {"slot_id": "S1", "date": "2020-01-10", "receiving_country": "GT", "seats": 3},
        {"slot_id": "S2", "date": "2020-02-10", "receiving_country": "GT", "seats": 4},
        {"slot_id": "H1", "date": "2020-01-15", "receiving_country": "HN", "seats": 5},
    ],
    "monthly_caps": [{"receiving_country": "GT", "month": "2020-02", "people": 3}],
    "shelter": [{"receiving_country": "HN", "places": 2, "stay_days": 10}],
}


def test_every_rule_on_a_mixed_file(tmp_path: Path, cli) -> None:
    rows = [
        case("A1", group_id="FA", people=2, waiting_since="2019-10-01"),
        case("A2", group_id="FA", people=1, waiting_since="2019-10-01"),
        case("B", waiting_since="2019-11-01"),
        case("C", vulnerable=True, waiting_since="2019-01-01"),
        case("D", nationalities=["GT"]),
        case("E", excluded_countries=["GT"]),
        case("F", earliest="2020-04-01", deadline="2020-05-01"),
        case("G1", group_id="FG", vulnerable=True),
        case("G2", group_id="FG"),
        case("H", receiving_country="HN", nationalities=["SV"], people=2),
        case("I", receiving_country="HN", nationalities=["SV"], people=1),
        case("J", waiting_since="2019-12-20"),
        case("K", waiting_since="2019-12-21", people=2),
    ]
    cases_path = write_cases(tmp_path / "cases.jsonl", rows)
    capacity_path = write_capacity(tmp_path / "capacity.yaml", CAPACITY)
    out = tmp_path / "plan.json"
    result = cli(
        "transfers", "plan", "--cases", str(cases_path), "--capacity", str(capacity_path), "--out", str(out)
    )
    assert result.code == 0, result.err
    plan = json.loads(out.read_text())
    assert violations(read_case_rows(cases_path), read_capacity_doc(capacity_path), plan) == []
    reasons = {u["case_id"]: u["reason"] for u in plan["unassigned"]}
    assert reasons["C"] == "vulnerable: individual review"
    assert reasons["G1"] == "vulnerable: individual review"
    assert reasons["G2"].startswith("family:")
    assert reasons["D"].startswith("nationality:")
    assert reasons["E"].startswith("excluded:")
    assert reasons["F"].startswith("window:")
    # GT: 3 seats in January, 3 people by the February cap; HN: 2 shelter places
    assert plan["people_assigned"] == plan["bound"] == 3 + 3 + 2
    assert plan["gap"] == 0
    assert set(plan["greedy"]) == {"people_assigned"}
    assert {"objective", "solver", "seconds", "potentials"} <= set(plan)


def test_csv_cases_with_joined_lists(tmp_path: Path, cli) -> None:
    rows = [case("A", nationalities=["HN", "GT"]), case("B", excluded_countries=["SV", "MX"]), case("C")]
    path = tmp_path / "cases.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "nationalities": ";".join(row["nationalities"]),
                    "excluded_countries": ";".join(row["excluded_countries"]),
                }
            )
    capacity_path = write_capacity(tmp_path / "capacity.json", CAPACITY)
    out = tmp_path / "plan.json"
    result = cli(
        "transfers", "plan", "--cases", str(path), "--capacity", str(capacity_path), "--out", str(out)
    )
    assert result.code == 0, result.err
    plan = json.loads(out.read_text())
    assert violations(read_case_rows(path), read_capacity_doc(capacity_path), plan) == []
    assert {a["case_id"] for a in plan["assignments"]} == {"B", "C"}


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda rows, cap: rows[0].update(people=0), "/0/people"),
        (lambda rows, cap: rows[1].update(receiving_country="Guatemala"), "/1/receiving_country"),
        (lambda rows, cap: rows[0].update(earliest="2020-13-01"), "/0/earliest"),
        (lambda rows, cap: rows[0].update(deadline="2019-01-01"), "/0/deadline"),
        (lambda rows, cap: rows[1].update(vulnerable="maybe"), "/1/vulnerable"),
        (lambda rows, cap: rows[1].update(nationalities="HN"), "/1/nationalities"),
        (lambda rows, cap: rows[1].update(case_id="A"), "/1/case_id"),
        (lambda rows, cap: rows[0].pop("waiting_since"), "/0/waiting_since"),
        (lambda rows, cap: rows[1].update(group_id="A", receiving_country="HN"), "/1/receiving_country"),
        (lambda rows, cap: cap["slots"][1].update(seats=-1), "/slots/1/seats"),
        (lambda rows, cap: cap["slots"][0].pop("date"), "/slots/0/date"),
        (lambda rows, cap: cap["monthly_caps"][0].update(month="2020-2"), "/monthly_caps/0/month"),
        (lambda rows, cap: cap["shelter"][0].update(stay_days=0), "/shelter/0/stay_days"),
        (lambda rows, cap: cap.pop("slots"), "/slots"),
    ],
)
def test_invalid_input_exits_2_naming_the_field(tmp_path: Path, cli, mutate, field: str) -> None:
    rows = [case("A"), case("B")]
    capacity = json.loads(json.dumps(CAPACITY))
    mutate(rows, capacity)
    cases_path = write_cases(tmp_path / "cases.jsonl", rows)
    capacity_path = write_capacity(tmp_path / "capacity.json", capacity)
    out = tmp_path / "plan.json"
    result = cli(
        "transfers", "plan", "--cases", str(cases_path), "--capacity", str(capacity_path), "--out", str(out)
    )
    assert result.code == 2
    assert field in result.err
    assert "Traceback" not in result.err
    assert not out.exists()


def test_unreadable_and_wrong_kind_of_file_exit_2(tmp_path: Path, cli) -> None:
    capacity_path = write_capacity(tmp_path / "capacity.json", CAPACITY)
    bad = tmp_path / "cases.txt"
    bad.write_text("x")
    result = cli(
        "transfers",
        "plan",
        "--cases",
        str(bad),
        "--capacity",
        str(capacity_path),
        "--out",
        str(tmp_path / "p.json"),
    )
    assert result.code == 2 and ".jsonl" in result.err
    broken = tmp_path / "cases.jsonl"
    broken.write_text('{"case_id": "A"\n')
    result = cli(
        "transfers",
        "plan",
        "--cases",
        str(broken),
        "--capacity",
        str(capacity_path),
        "--out",
        str(tmp_path / "p.json"),
    )
    assert result.code == 2 and "/0" in result.err


def test_example_cohort_plans_within_capacity_without_splitting_families(tmp_path: Path, cli) -> None:
    result = cli("transfers", "example", "--out", str(tmp_path), "--size", "300")
    assert result.code == 0, result.err
    out = tmp_path / "plan.json"
    result = cli(
        "transfers",
        "plan",
        "--cases",
        str(tmp_path / "cases.jsonl"),
        "--capacity",
        str(tmp_path / "capacity.yaml"),
        "--out",
        str(out),
    )
    assert result.code == 0, result.err
    plan = json.loads(out.read_text())
    rows = read_case_rows(tmp_path / "cases.jsonl")
    assert violations(rows, read_capacity_doc(tmp_path / "capacity.yaml"), plan) == []
    assert plan["people_assigned"] > 0
    assert plan["gap"] <= 0.01
    assert plan["people_assigned"] >= plan["greedy"]["people_assigned"]
    assert any(
        len({r["case_id"] for r in rows if r["group_id"] == g}) > 1 for g in {r["group_id"] for r in rows}
    )
