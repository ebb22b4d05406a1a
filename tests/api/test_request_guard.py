"""Issue 11, what the fuzzers found: each is a 4xx problem naming the field (SQLite, and
PostgreSQL when AMPARO_TEST_POSTGRES_URL is set, where a NUL used to answer 500)."""

from __future__ import annotations

import base64
import json
from typing import Any

from api_support import Api, encounter

from amparo.api.guard import MAX_BODY


def _case(api: Api) -> str:
    put = api.intake(encounter("FZ-1"))
    assert put.status_code == 201, put.text
    return str(put.json()["encounter"]["case_id"])


def _problem(response: Any, status: int) -> list[str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["path"] for e in response.json()["errors"]]


def test_a_nul_anywhere_is_a_422_naming_where(api: Api) -> None:
    case_id = _case(api)
    auth = api.auth("officer")
    doc = encounter("FZ-2")
    doc["person"]["given_names"] = "Ana\x00"
    assert _problem(api.intake(doc), 422) == ["/person/given_names"]
    assert _problem(api.client.get("/api/v1/encounters/FZ%00", headers=auth), 422) == ["path"]
    got = api.client.get("/api/v1/encounters", params={"border": "south\x00"}, headers=auth)
    assert _problem(got, 422) == ["query:border"]
    note = api.client.post(f"/api/v1/cases/{case_id}/notes", json={"text": "a\x00b"}, headers=auth)
    assert _problem(note, 422) == ["/text"]
    version = api.client.get(f"/api/v1/cases/{case_id}", headers=auth).json()["version"]
    step = api.client.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "aca_threshold_interview", "reason": "x\x00"},
        headers={**auth, "If-Match": f'"{version}"'},
    )
    assert _problem(step, 422) == ["/reason"]


def test_a_lone_surrogate_in_a_name_is_a_422(api: Api) -> None:
    raw = json.dumps(encounter("FZ-3"), ensure_ascii=False).replace('"José Armando"', '"Jos\\ud800"').encode()
    put = api.client.put(
        "/api/v1/encounters/FZ-3",
        content=raw,
        headers={**api.auth("officer"), "content-type": "application/json"},
    )
    assert _problem(put, 422) == ["/person/given_names"]


def test_a_cursor_with_a_naive_timestamp_is_a_422(api: Api) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(["2025-01-01T00:00:00", "D-1"]).encode()).decode()
    got = api.client.get("/api/v1/deadlines", params={"cursor": cursor}, headers=api.auth("officer"))
    assert _problem(got, 422) == ["/cursor"]


def test_a_body_over_the_limit_is_a_413_and_nothing_is_stored(api: Api) -> None:
    doc = encounter("FZ-BIG")
    doc["documents"] = {"note": "x" * (MAX_BODY + 10)}
    assert _problem(api.intake(doc), 413) == [""]
    assert api.client.get("/api/v1/encounters/FZ-BIG", headers=api.auth("officer")).status_code == 404


def test_deep_nesting_is_the_documented_malformed_json_problem(api: Api) -> None:
    raw = b'{"id": "FZ-4", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    put = api.client.put(
        "/api/v1/encounters/FZ-4",
        content=raw,
        headers={**api.auth("officer"), "content-type": "application/json"},
    )
    assert put.status_code == 400
    assert put.json()["type"].endswith("/malformed-json")


def test_a_405_lists_every_method_of_the_path(api: Api) -> None:
    got = api.client.delete("/api/v1/cases/C-1/notes", headers=api.auth("officer"))
    assert got.status_code == 405
    assert {m.strip() for m in got.headers["allow"].split(",")} >= {"GET", "POST"}


def test_strings_and_lists_of_an_encounter_are_bounded(api: Api) -> None:
    long_name = encounter("FZ-5")
    long_name["person"]["given_names"] = "A" * 2001
    assert _problem(api.intake(long_name), 422) == ["/person/given_names"]
    long_route = encounter("FZ-6", route=[{"country": "MX", "protection_claim": "none"}] * 101)
    assert _problem(api.intake(long_route), 422) == ["/route"]
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["EncounterV1"]
    assert schema["properties"]["route"]["maxItems"] == 100


def test_concurrent_first_intakes_on_a_fresh_database_all_succeed(api: Api) -> None:
    import threading

    statuses: list[int] = []

    def put(i: int) -> None:
        statuses.append(api.intake(encounter(f"RACE-{i}")).status_code)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * 8


def test_a_page_of_encounters_is_bounded_in_bytes_too(api: Api, monkeypatch: Any) -> None:
    from amparo.api import routes

    for i in range(3):
        assert api.intake(encounter(f"PG-{i}")).status_code == 201
    monkeypatch.setattr(routes, "MAX_PAGE_BYTES", 100)  # smaller than one encounter's view
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/api/v1/encounters", params=params, headers=api.auth("officer")).json()
        assert len(page["items"]) == 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["PG-0", "PG-1", "PG-2"]
