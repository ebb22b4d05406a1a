"""/api/v1/identity: an officer resolves a review pair and undoes it; a partner learns nothing."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Encounter

from .support import seed_review

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def api(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from amparo.store.testing import fresh_sqlite

    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "decisions-api-template")
    engine = make_engine(url)
    factory = session_factory(engine)
    seed_review(factory)
    tokens = {}
    with transaction(factory) as session:
        for name, role, agency in (
            ("officer", "officer", "US-CBP"),
            ("partner", "partner", "GT-IGM"),
            ("analyst", "analyst", "US-CBP"),
        ):
            tokens[name] = create_user(session, name=f"{name}-api", role=role, agency=agency)[1]
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    with TestClient(app) as client:
        yield client, tokens, factory
    engine.dispose()


def _owner(factory: Any, encounter_id: str) -> str:
    with factory() as session:
        return str(session.scalar(select(Encounter.person_id).where(Encounter.id == encounter_id)))


def test_an_officer_resolves_a_review_pair_and_undoes_it(api: Any) -> None:
    client, tokens, factory = api
    officer = {"Authorization": f"Bearer {tokens['officer']}"}
    queue = client.get("/api/v1/identity/reviews", headers=officer)
    assert queue.status_code == 200, queue.text
    (item,) = queue.json()["items"]
    assert item["id"] == "IR-1" and item["evidence"]["biometric_score"] == 0.71
    decided = client.post(
        "/api/v1/identity/reviews/IR-1/decision",
        json={"decision": "link", "reason": "same face and birth date"},
        headers=officer,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "link" and _owner(factory, "E-3") == "P-A"
    undone = client.post("/api/v1/identity/undo/IR-1", json={"reason": "it was her sister"}, headers=officer)
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "open" and _owner(factory, "E-3") == "P-B"
    bad = client.post("/api/v1/identity/reviews/IR-1/decision", json={"decision": "maybe"}, headers=officer)
    assert bad.status_code == 422


def test_a_partner_or_analyst_gets_404_as_for_a_missing_review(api: Any) -> None:
    client, tokens, _ = api
    officer = {"Authorization": f"Bearer {tokens['officer']}"}
    missing = client.get("/api/v1/identity/reviews/IR-404", headers=officer)
    assert missing.status_code == 404
    for who in ("partner", "analyst"):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        seen = client.get("/api/v1/identity/reviews/IR-1", headers=headers)
        assert seen.status_code == 404
        assert seen.json()["detail"] == "No identity review 'IR-1'."
        assert client.get("/api/v1/identity/reviews", headers=headers).status_code == 404
        decided = client.post(
            "/api/v1/identity/reviews/IR-1/decision",
            json={"decision": "link", "reason": "x"},
            headers=headers,
        )
        assert decided.status_code == 404
    assert client.get("/api/v1/identity/reviews").status_code == 401


def test_a_template_must_be_finite_numbers(api: Any) -> None:
    client, tokens, _ = api
    officer = {"Authorization": f"Bearer {tokens['officer']}"}
    huge = client.post("/api/v1/identity/templates", json={"vector": [1e308] * 8}, headers=officer)
    assert huge.status_code == 422 and "vector" in huge.text
    short = client.post("/api/v1/identity/templates", json={"vector": [0.5] * 3}, headers=officer)
    assert short.status_code == 422
    fine = client.post("/api/v1/identity/templates", json={"vector": [0.5] * 8}, headers=officer)
    assert fine.status_code == 201 and fine.json()["template_id"].startswith("T")
