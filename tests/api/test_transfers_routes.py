"""Transfers through the API: capacity recorded by an admin and read by supervisors, a proposed plan
decided family by family by a supervisor; anyone else gets 404 as for a missing record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from api_support import TestClient, encounter

from amparo.access.clock import fixed_day
from amparo.api.app import create_app
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction
from amparo.transfers import proposals
from amparo.transfers.model import Capacity, Case, Slot
from amparo.transfers.planner import plan as make_plan

USERS = {
    "admin": ("admin", "US-USCIS"),
    "supervisor": ("supervisor", "US-USCIS"),
    "supervisor2": ("supervisor", "US-USCIS"),
    "officer": ("officer", "US-CBP"),
    "partner": ("partner", "GT-IGM"),
}


@pytest.fixture
def api(
    database_url: str, tmp_path: Path, make_users: Callable[..., dict[str, str]]
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], str]]:
    tokens = make_users(database_url, USERS)
    app = create_app(
        Settings(data_dir=tmp_path, database_url=database_url), clock=fixed_day(dt.date(2025, 7, 1))
    )
    with TestClient(app) as client:
        yield client, {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}, database_url


def test_capacity_is_recorded_by_an_admin_with_its_source_and_read_by_a_supervisor(api: tuple) -> None:  # type: ignore[type-arg]
    client, auth, _ = api
    value = {
        "receiving_country": "GT",
        "measure": "monthly_cap_people",
        "value": 250,
        "valid_from": "2019-11-01",
        "source": "Senate staff report (2021), as shipped",
    }
    assert (
        client.post("/api/v1/transfers/capacity", json=value, headers=auth["supervisor"]).status_code == 404
    )
    made = client.post("/api/v1/transfers/capacity", json=value, headers=auth["admin"])
    assert made.status_code == 201
    bad = client.post("/api/v1/transfers/capacity", json={**value, "source": ""}, headers=auth["admin"])
    assert bad.status_code == 422 and "source" in bad.text
    listed = client.get("/api/v1/transfers/capacity?country=GT", headers=auth["supervisor"]).json()["items"]
    assert [(i["measure"], i["value"], i["source"]) for i in listed] == [
        ("monthly_cap_people", 250, value["source"])
    ]
    assert client.get("/api/v1/transfers/capacity", headers=auth["partner"]).status_code == 404
    assert client.get("/api/v1/transfers/capacity", headers=auth["officer"]).status_code == 404


def test_a_supervisor_decides_a_plan_family_by_family(api: tuple) -> None:  # type: ignore[type-arg]
    client, auth, url = api
    day = dt.date(2020, 1, 10)
    cases = [
        Case("C-a", "F-1", 2, "GT", ("HN",), (), day, day, dt.date(2019, 12, 1), False),
        Case("C-b", "F-1", 1, "GT", ("HN",), (), day, day, dt.date(2019, 12, 1), False),
        Case("C-c", "F-2", 1, "GT", ("SV",), (), day, day, dt.date(2019, 12, 5), True),
    ]
    capacity = Capacity(slots=(Slot("S-1", day, "GT", 4),))
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        plan_id = proposals.save_plan(
            session, make_plan(cases, capacity, time_limit=10), cases, capacity, actor="t"
        )
    engine.dispose()
    assert client.get(f"/api/v1/transfers/plans/{plan_id}", headers=auth["partner"]).status_code == 404
    shown = client.get(f"/api/v1/transfers/plans/{plan_id}", headers=auth["supervisor"]).json()
    vulnerable = next(p for p in shown["proposals"] if p["case_id"] == "C-c")
    assert vulnerable["proposed_slot_id"] is None and "vulnerable" in vulnerable["reason"]
    decided = client.post(
        f"/api/v1/transfers/plans/{plan_id}/decisions",
        json={"case_id": "C-b", "decision": "accepted"},
        headers=auth["supervisor"],
    )
    assert decided.status_code == 200 and sorted(decided.json()["cases"]) == ["C-a", "C-b"]
    nothing = client.post(
        f"/api/v1/transfers/plans/{plan_id}/decisions",
        json={"case_id": "C-c", "decision": "accepted"},
        headers=auth["supervisor"],
    )
    assert nothing.status_code == 422 and "nothing to accept" in nothing.text
    officer = client.post(
        f"/api/v1/transfers/plans/{plan_id}/decisions",
        json={"case_id": "C-c", "decision": "rejected"},
        headers=auth["officer"],
    )
    assert officer.status_code == 404
    after = client.get(f"/api/v1/transfers/plans/{plan_id}", headers=auth["supervisor"]).json()
    assert {p["case_id"]: p["decision"] for p in after["proposals"]} == {
        "C-a": "accepted",
        "C-b": "accepted",
        "C-c": "pending",
    }


def test_a_case_is_transferred_only_on_a_seat_a_supervisor_accepted(api: tuple) -> None:  # type: ignore[type-arg]
    client, auth, url = api
    made = client.put("/api/v1/encounters/EX-1", json=encounter("EX-1"), headers=auth["officer"]).json()
    case_id = made["encounter"]["case_id"]

    def move(to: str, user: str, path: str = "transitions", body: dict | None = None) -> object:  # type: ignore[type-arg]
        version = client.get(f"/api/v1/cases/{case_id}", headers=auth[user]).headers["ETag"]
        return client.post(
            f"/api/v1/cases/{case_id}/{path}",
            json=body or {"to": to},
            headers={**auth[user], "If-Match": version},
        )

    assert move("aca_threshold_interview", "officer").status_code == 200  # type: ignore[attr-defined]
    assert move("transfer_scheduled", "supervisor").status_code == 200  # type: ignore[attr-defined]
    assert move("", "supervisor2", "concurrence", {"concur": True}).status_code == 200  # type: ignore[attr-defined]
    refused = move("transferred", "officer")
    assert refused.status_code == 409 and "accepted a seat" in refused.text  # type: ignore[attr-defined]
    day = dt.date(2020, 2, 20)
    cases = [Case(case_id, "F-EX", 1, "GT", ("HN",), (), day, day, dt.date(2020, 2, 3), False)]
    capacity = Capacity(slots=(Slot("S-EX", day, "GT", 5),))
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        plan_id = proposals.save_plan(
            session, make_plan(cases, capacity, time_limit=10), cases, capacity, actor="t"
        )
    engine.dispose()
    still = move("transferred", "officer")
    assert still.status_code == 409  # type: ignore[attr-defined]  # proposed is not accepted
    client.post(
        f"/api/v1/transfers/plans/{plan_id}/decisions",
        json={"case_id": case_id, "decision": "accepted"},
        headers=auth["supervisor"],
    )
    done = move("transferred", "officer")
    assert done.status_code == 200 and done.json()["state"] == "transferred"  # type: ignore[attr-defined]
