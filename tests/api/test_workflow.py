"""Case workflow over HTTP: guards, concurrence by a different supervisor, findings that
re-screen, immutable decisions, ETag / If-Match and the 412 race, deadlines."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from api_support import Api, TestClient, encounter

from amparo.api.app import create_app
from amparo.settings import Settings


def _case(api: Api, encounter_id: str = "EX-1") -> dict[str, Any]:
    body = api.intake(encounter(encounter_id)).json()
    case_id = body["encounter"]["case_id"]
    got = api.client.get(f"/api/v1/cases/{case_id}", headers=api.auth("officer"))
    assert got.headers["etag"] == f'"{got.json()["version"]}"'
    return dict(got.json())


def _move(api: Api, case: dict[str, Any], to: str, user: str = "officer") -> Any:
    return api.client.post(
        f"/api/v1/cases/{case['id']}/transitions",
        json={"to": to},
        headers={**api.auth(user), "If-Match": f'"{case["version"]}"'},
    )


def _concur(api: Api, case: dict[str, Any], user: str, concur: bool = True) -> Any:
    return api.client.post(
        f"/api/v1/cases/{case['id']}/concurrence",
        json={"concur": concur},
        headers={**api.auth(user), "If-Match": f'"{case["version"]}"'},
    )


def test_aca_transfer_needs_concurrence_by_a_different_supervisor(api: Api) -> None:
    case = _case(api)
    assert case["state"] == "screened"
    case = _move(api, case, "aca_threshold_interview").json()
    assert case["state"] == "aca_threshold_interview"
    proposed = _move(api, case, "transfer_scheduled", user="supervisor")
    assert proposed.status_code == 200
    case = proposed.json()
    assert (case["state"], case["pending_target"]) == ("supervisor_concurrence", "transfer_scheduled")
    same = _concur(api, case, "supervisor")
    assert same.status_code == 409  # the proposer may not concur with themself
    assert _concur(api, case, "officer").status_code == 403  # only supervisors concur
    done = _concur(api, case, "supervisor2")
    assert done.status_code == 200
    assert done.json()["state"] == "transfer_scheduled"
    steps = api.client.get(
        f"/api/v1/cases/{case['id']}/transitions",
        params={"purpose": "case_management"},
        headers=api.auth("officer"),
    ).json()
    assert [s["to_state"] for s in steps] == [
        "screened",
        "aca_threshold_interview",
        "supervisor_concurrence",
        "transfer_scheduled",
    ]


def test_guards_refuse_steps_the_decision_does_not_support(api: Api) -> None:
    case = _case(api)
    assert _move(api, case, "transferred").status_code == 409
    assert _move(api, case, "credible_fear").status_code == 409  # ACA removal: no fear screening
    assert _move(api, case, "no_such_state").status_code == 422  # not a state: an invalid request
    missing = api.client.post(
        f"/api/v1/cases/{case['id']}/transitions", json={"to": "closed"}, headers=api.auth("officer")
    )
    assert missing.status_code == 428


def test_a_finding_rescreens_keeps_the_old_decision_and_opens_the_exception(api: Api) -> None:
    case = _case(api)
    case = _move(api, case, "aca_threshold_interview").json()
    assert _move(api, case, "excepted").status_code == 409  # still removable to GT
    finding = api.client.post(
        f"/api/v1/cases/{case['id']}/findings",
        json={"findings": {"more_likely_than_not_harm_in": ["GT"]}, "interview": "ACA threshold 1"},
        headers=api.auth("officer"),
    )
    assert finding.status_code == 201
    decision = finding.json()
    assert decision["summary"]["aca_removal_to"] is None
    assert decision["sequence"] == 2
    decisions = api.client.get(f"/api/v1/cases/{case['id']}/decisions", headers=api.auth("officer")).json()
    assert [d["summary"]["aca_removal_to"] for d in decisions] == ["GT", None]
    findings = api.client.get(f"/api/v1/cases/{case['id']}/findings", headers=api.auth("officer")).json()
    assert [(f["key"], f["interview"], f["decision_id"]) for f in findings] == [
        ("more_likely_than_not_harm_in", "ACA threshold 1", decision["id"])
    ]
    case = api.client.get(f"/api/v1/cases/{case['id']}", headers=api.auth("officer")).json()
    excepted = _move(api, case, "excepted")
    assert excepted.status_code == 200
    assert _move(api, excepted.json(), "credible_fear").json()["state"] == "credible_fear"
    bad = api.client.post(
        f"/api/v1/cases/{case['id']}/findings",
        json={"findings": {"not_a_finding": True}},
        headers=api.auth("officer"),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"].startswith("/findings/")


def test_a_new_as_of_date_makes_a_new_decision(api: Api) -> None:
    case = _case(api)
    response = api.client.post(
        f"/api/v1/cases/{case['id']}/decisions", json={"as_of": "2021-06-01"}, headers=api.auth("officer")
    )
    assert response.status_code == 201
    assert response.json()["as_of"] == "2021-06-01"
    decisions = api.client.get(f"/api/v1/cases/{case['id']}/decisions", headers=api.auth("officer")).json()
    assert [d["as_of"] for d in decisions] == ["2020-02-03", "2021-06-01"]


def test_stale_update_is_412_with_both_versions(api: Api) -> None:
    case = _case(api)
    assert _move(api, case, "aca_threshold_interview").status_code == 200
    stale = _move(api, case, "closed")
    assert stale.status_code == 412
    body = stale.json()
    assert (body["given_version"], body["current_version"]) == ("1", "2")


def test_two_officers_updating_at_once_exactly_one_wins(api: Api, tmp_path: Path) -> None:
    case = _case(api)
    other_app = create_app(Settings(data_dir=tmp_path, database_url=api.database_url))
    results: list[int] = []
    barrier = threading.Barrier(2)
    with TestClient(other_app) as other:
        clients = [(api.client, "officer"), (other, "officer2")]

        def update(client: TestClient, user: str) -> None:
            barrier.wait()
            response = client.post(
                f"/api/v1/cases/{case['id']}/transitions",
                json={"to": "closed" if user == "officer" else "aca_threshold_interview"},
                headers={**api.auth(user), "If-Match": f'"{case["version"]}"'},
            )
            results.append(response.status_code)

        threads = [threading.Thread(target=update, args=pair) for pair in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == [200, 412]
    final = api.client.get(f"/api/v1/cases/{case['id']}", headers=api.auth("officer")).json()
    assert final["version"] == case["version"] + 1


def test_deadlines_per_step_and_the_overdue_list(api: Api) -> None:
    case = _case(api)
    deadlines = api.client.get(f"/api/v1/cases/{case['id']}/deadlines", headers=api.auth("officer")).json()
    assert [(d["step"], d["met_at"], d["overdue"]) for d in deadlines] == [("screened", None, False)]
    _move(api, case, "aca_threshold_interview")
    deadlines = api.client.get(f"/api/v1/cases/{case['id']}/deadlines", headers=api.auth("officer")).json()
    assert [d["step"] for d in deadlines] == ["screened", "aca_threshold_interview"]
    assert deadlines[0]["met_at"] is not None
    overdue = api.client.get(
        "/api/v1/deadlines", params={"overdue": True}, headers=api.auth("officer")
    ).json()
    assert overdue["items"] == []


def test_mpp_return_is_a_removal_and_a_refusal_goes_back(api: Api) -> None:
    case = _case(api)
    case = _move(api, case, "mpp").json()
    assert (case["state"], case["pending_target"]) == ("supervisor_concurrence", "mpp")
    refused = _concur(api, case, "supervisor", concur=False)
    assert refused.json()["state"] == "screened"
