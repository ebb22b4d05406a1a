"""EU applications over HTTP: intake through PUT /api/v1/encounters/{id}, the case with its Dublin
steps, and the legal clocks in the overdue list."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2 for its test client and warns once, at import, when it finds httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction

EXAMPLES = Path(__file__).parents[2].parent / "shared/spec/eu/examples"


def _document(prefix: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(next(EXAMPLES.glob(f"{prefix}*.json")).read_text())["encounter"]
    return document


def test_eu_intake_case_and_overdue_clocks(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    with transaction(session_factory(engine)) as session:
        token = create_user(session, name="officer", role="officer", agency="US-CBP")[1]
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url))
    with TestClient(app) as client:
        e1 = _document("e1")
        created = client.put(f"/api/v1/encounters/{e1['id']}", json=e1, headers=headers)
        assert created.status_code in (200, 201), created.text
        body = created.json()
        assert body["decision"]["summary"]["responsible_state"] == "GR"
        case_id = body["encounter"]["case_id"]
        deadlines = client.get(f"/api/v1/cases/{case_id}/deadlines", headers=headers)
        assert deadlines.status_code == 200, deadlines.text
        steps = {d["step"] for d in deadlines.json()}
        assert {"take_charge_request_by", "reply_by", "transfer_by"} <= steps
        overdue = client.get("/api/v1/deadlines", params={"overdue": "true"}, headers=headers)
        assert overdue.status_code == 200, overdue.text
        assert {"take_charge_request_by", "transfer_by"} <= {d["step"] for d in overdue.json()["items"]}
        bad = dict(e1, id="EU-BAD", lodged_in="EL")
        refused = client.put("/api/v1/encounters/EU-BAD", json=bad, headers=headers)
        assert refused.status_code == 422
        assert "/lodged_in" in refused.text
