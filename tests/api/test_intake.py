"""Intake over HTTP: idempotent PUT, 409, 422 naming /id, problem+json, 401, lists and cursors."""

from __future__ import annotations

from api_support import Api, encounter

PROBLEM = "application/problem+json"


def test_first_intake_is_201_and_identical_replay_is_200_with_the_same_body(api: Api) -> None:
    doc = encounter("EX-1")
    first = api.intake(doc)
    assert first.status_code == 201
    body = first.json()
    assert body["encounter"]["document"] == doc
    assert body["decision"]["summary"]["aca_removal_to"] == "GT"
    assert body["decision"]["encounter_id"] == "EX-1"
    replay = api.intake(dict(reversed(list(doc.items()))))  # same document, other key order
    assert replay.status_code == 200
    assert replay.json() == body
    got = api.client.get(
        "/api/v1/encounters/EX-1", params={"purpose": "case_management"}, headers=api.auth("officer")
    )
    assert got.status_code == 200
    assert got.json()["document"] == doc
    # an analyst may not invoke case management (issue 11: purposes bounded by role)
    analyst = api.client.get(
        "/api/v1/encounters/EX-1", params={"purpose": "case_management"}, headers=api.auth("analyst")
    )
    assert analyst.status_code == 422


def test_same_id_different_document_is_409(api: Api) -> None:
    assert api.intake(encounter("EX-1")).status_code == 201
    other = encounter("EX-1", encountered_on="2020-02-04")
    response = api.intake(other)
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 409


def test_path_id_must_equal_document_id(api: Api) -> None:
    response = api.client.put("/api/v1/encounters/OTHER", json=encounter("EX-1"), headers=api.auth("officer"))
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["/id"]


def test_invalid_document_lists_field_errors_with_json_paths(api: Api) -> None:
    doc = encounter("EX-9")
    doc["person"] = {"nationalities": ["hn"]}
    response = api.intake(doc)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert "/person/nationalities/0" in [e["path"] for e in response.json()["errors"]]


def test_malformed_json_is_400_not_500(api: Api) -> None:
    response = api.client.put(
        "/api/v1/encounters/EX-1",
        content=b'{"id": "EX-1",',
        headers={**api.auth("officer"), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    array = api.client.put("/api/v1/encounters/EX-1", json=[1, 2], headers=api.auth("officer"))
    assert array.status_code == 422


def test_every_route_but_openapi_needs_a_valid_token(api: Api) -> None:
    assert api.client.get("/openapi.json").status_code == 200
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = api.client.get("/api/v1/encounters", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"
    assert api.client.put("/api/v1/encounters/EX-1", json=encounter()).status_code == 401


def test_roles_are_enforced(api: Api) -> None:
    assert api.intake(encounter("EX-1"), user="analyst").status_code == 403
    assert api.intake(encounter("EX-1"), user="officer").status_code == 201
    assert api.client.get("/api/v1/encounters/EX-1", headers=api.auth("analyst")).status_code == 200


def test_a_record_the_policy_denies_is_404_and_absent_from_lists(api: Api) -> None:
    assert api.intake(encounter("EX-1")).status_code == 201
    denied = api.client.get("/api/v1/encounters/EX-1", headers=api.auth("partner"))
    missing = api.client.get("/api/v1/encounters/NOPE", headers=api.auth("partner"))
    assert denied.status_code == missing.status_code == 404
    listed = api.client.get("/api/v1/encounters", headers=api.auth("partner")).json()
    assert listed == {"items": [], "next_cursor": None}


def test_lists_filter_and_page_with_a_cursor(api: Api) -> None:
    for i in range(7):
        nationality = "HN" if i % 2 else "SV"
        doc = encounter(f"EX-{i}")
        doc["person"] = {"nationalities": [nationality]}
        assert api.intake(doc).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2, "nationality": "HN"}
        if cursor:
            params["cursor"] = cursor
        page = api.client.get("/api/v1/encounters", params=params, headers=api.auth("officer")).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["EX-1", "EX-3", "EX-5"]
    bad = api.client.get("/api/v1/encounters", params={"cursor": "zzz"}, headers=api.auth("officer"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "/cursor"
