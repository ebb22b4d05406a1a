"""A law pack the project has never seen (the toy pack of tests/support) is stored through the API:
intake, the case in its own workflow, its decision and its redaction, with no change to the engine,
screening or cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from api_support import TestClient
from toy_pack import TOY_PACK, toy_document

from amparo.access.clock import fixed_day
from amparo.api.app import create_app
from amparo.engine.registry import PackRegistry
from amparo.rules.us import US_PACK
from amparo.settings import Settings


@pytest.fixture
def toy_api(
    database_url: str, tmp_path: Path, make_users: Callable[..., dict[str, str]]
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    tokens = make_users(
        database_url, {"officer": ("officer", "US-CBP"), "supervisor": ("supervisor", "US-USCIS")}
    )
    packs = PackRegistry([US_PACK, TOY_PACK], default="us")
    app = create_app(
        Settings(data_dir=tmp_path, database_url=database_url), packs, clock=fixed_day(dt.date(2025, 7, 1))
    )
    with TestClient(app) as client:
        yield client, {k: f"Bearer {v}" for k, v in tokens.items()}


def test_a_toy_pack_document_is_stored_screened_and_worked_through_its_own_workflow(
    toy_api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = toy_api
    doc = toy_document(id="TOY-API-1")
    first = client.put("/api/v1/encounters/TOY-API-1", json=doc, headers={"Authorization": auth["officer"]})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["decision"]["ruleset"]["id"] == "toy"
    assert body["decision"]["summary"]["fast_track"] == "fast"
    replay = client.put("/api/v1/encounters/TOY-API-1", json=doc, headers={"Authorization": auth["officer"]})
    assert replay.status_code == 200 and replay.json() == body
    case_id = body["encounter"]["case_id"]
    case = client.get(f"/api/v1/cases/{case_id}", headers={"Authorization": auth["officer"]})
    assert case.json()["state"] == "registered"  # the toy workflow's first state, not the US one
    assert case.json()["next_steps"] == ["closed", "fast_return"]
    step = client.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "fast_return", "reason": "fast track"},
        headers={"Authorization": auth["officer"], "If-Match": case.headers["ETag"]},
    )
    assert step.status_code in (200, 201), step.text
    assert step.json()["state"] == "supervisor_concurrence"  # a removal waits for a supervisor


def test_a_toy_document_with_a_bad_field_is_refused_naming_it(
    toy_api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = toy_api
    bad = toy_document(id="TOY-API-2", age="old")
    answer = client.put("/api/v1/encounters/TOY-API-2", json=bad, headers={"Authorization": auth["officer"]})
    assert answer.status_code == 422
    assert "/age" in answer.text
