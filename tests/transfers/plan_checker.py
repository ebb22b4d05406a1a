"""An independent checker of PLAN.json against the contract ("Transfer planning"), written from the
contract alone: it reads the raw CASES and CAPACITY files itself and shares no code with the planner."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml


def read_case_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        rows = []
        for row in csv.DictReader(path.read_text().splitlines()):
            row = dict(row)
            for key in ("nationalities", "excluded_countries"):
                row[key] = [v for v in row[key].split(";") if v]
            row["people"] = int(row["people"])
            row["vulnerable"] = row["vulnerable"].strip().lower() in ("true", "1", "yes")
            rows.append(row)
        return rows
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def read_capacity_doc(path: Path) -> dict[str, Any]:
    text = path.read_text()
    document: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return document


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def violations(cases: list[dict[str, Any]], capacity: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Every way the plan breaks the contract (an empty list: the plan is valid)."""
    problems: list[str] = []
    by_id = {c["case_id"]: c for c in cases}
    slots = {s["slot_id"]: s for s in capacity["slots"]}
    seen: dict[str, int] = defaultdict(int)
    for entry in plan["assignments"]:
        seen[entry["case_id"]] += 1
    for entry in plan["unassigned"]:
        seen[entry["case_id"]] += 1
        if not entry.get("reason"):
            problems.append(f"{entry['case_id']}: unassigned without a reason")
    for case_id in by_id:
        if seen.get(case_id, 0) != 1:
            problems.append(f"{case_id}: appears {seen.get(case_id, 0)} times")
    for case_id in seen:
        if case_id not in by_id:
            problems.append(f"{case_id}: not an input case")
    slot_of = {a["case_id"]: a["slot_id"] for a in plan["assignments"]}
    # families atomic
    groups: dict[str, set[str | None]] = defaultdict(set)
    for case in cases:
        groups[case["group_id"]].add(slot_of.get(case["case_id"]))
    for group, where in groups.items():
        if len(where) > 1:
            problems.append(f"family {group} split over {sorted(map(str, where))}")
    # per-case rules
    for case_id, slot_id in slot_of.items():
        case = by_id.get(case_id)
        slot = slots.get(slot_id)
        if case is None or slot is None:
            problems.append(f"{case_id}: unknown slot {slot_id}")
            continue
        day = _date(slot["date"])
        if not _date(case["earliest"]) <= day <= _date(case["deadline"]):
            problems.append(f"{case_id}: slot {slot_id} on {day} outside its window")
        if slot["receiving_country"] != case["receiving_country"]:
            problems.append(f"{case_id}: slot country {slot['receiving_country']}")
        if slot["receiving_country"] in case["nationalities"]:
            problems.append(f"{case_id}: sent to a country of nationality")
        if slot["receiving_country"] in case["excluded_countries"]:
            problems.append(f"{case_id}: sent to an excluded country")
        if case["vulnerable"]:
            problems.append(f"{case_id}: vulnerable case assigned")
    for entry in plan["unassigned"]:
        case = by_id.get(entry["case_id"])
        if case and case["vulnerable"] and entry["reason"] != "vulnerable: individual review":
            problems.append(f"{entry['case_id']}: vulnerable with reason {entry['reason']!r}")
    # capacity
    on_slot: dict[str, int] = defaultdict(int)
    for case_id, slot_id in slot_of.items():
        if case_id in by_id and slot_id in slots:
            on_slot[slot_id] += int(by_id[case_id]["people"])
    for slot_id, people in on_slot.items():
        if people > int(slots[slot_id]["seats"]):
            problems.append(f"slot {slot_id}: {people} people > {slots[slot_id]['seats']} seats")
    per_month: dict[tuple[str, str], int] = defaultdict(int)
    for slot_id, people in on_slot.items():
        slot = slots[slot_id]
        per_month[(slot["receiving_country"], _date(slot["date"]).strftime("%Y-%m"))] += people
    for cap in capacity.get("monthly_caps") or []:
        used = per_month.get((cap["receiving_country"], str(cap["month"])), 0)
        if used > int(cap["people"]):
            problems.append(f"cap {cap['receiving_country']} {cap['month']}: {used} > {cap['people']}")
    for shelter in capacity.get("shelter") or []:
        country, stay = shelter["receiving_country"], int(shelter["stay_days"])
        arrivals = [
            (_date(slots[s]["date"]), p)
            for s, p in on_slot.items()
            if slots[s]["receiving_country"] == country
        ]
        if not arrivals:
            continue
        first = min(d for d, _ in arrivals)
        last = max(d for d, _ in arrivals) + dt.timedelta(days=stay)
        day = first
        while day <= last:
            held = sum(p for d, p in arrivals if d <= day < d + dt.timedelta(days=stay))
            if held > int(shelter["places"]):
                problems.append(f"shelter {country} on {day}: {held} > {shelter['places']}")
                break
            day += dt.timedelta(days=1)
    # totals
    people = sum(int(by_id[c]["people"]) for c in slot_of if c in by_id)
    if plan["people_assigned"] != people:
        problems.append(f"people_assigned {plan['people_assigned']} != {people}")
    if plan["bound"] + 1e-9 < plan["people_assigned"]:
        problems.append(f"bound {plan['bound']} below people_assigned")
    for key in ("objective", "bound", "gap", "solver", "seconds"):
        if key not in plan:
            problems.append(f"missing key {key}")
    if not isinstance(plan.get("greedy", {}).get("people_assigned"), int):
        problems.append("greedy.people_assigned missing")
    return problems
