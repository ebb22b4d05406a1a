"""Intake leaves one audit entry naming its decision, the intake body has the documented shape,
and a denied read is kept in the audit trail although its request's transaction rolls back."""

from __future__ import annotations

import json
from typing import Any

from api_support import Api, encounter
from sqlalchemy import select

from amparo.api.schemas import IntakeOut
from amparo.audit.entries import ENTRY_FIELDS, entry_hash
from amparo.audit.models import AuditEntry
from amparo.store.db import make_engine
from amparo.store.models import User


def _entries(api: Api) -> list[dict[str, Any]]:
    engine = make_engine(api.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.seq)).mappings().all()
            return [dict(r) for r in rows]
    finally:
        engine.dispose()


def _user_id(api: Api, name: str) -> str:
    engine = make_engine(api.database_url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(select(User.id).where(User.name == name)).scalar_one())
    finally:
        engine.dispose()


def _is_chained(row: dict[str, Any]) -> bool:
    body = {k: row[k] for k in ENTRY_FIELDS}
    body["detail"] = json.loads(row["detail"])
    return entry_hash({**body, "prev_hash": row["prev_hash"]}) == row["entry_hash"]


def test_a_denied_read_leaves_a_committed_audit_entry(api: Api) -> None:
    assert api.intake(encounter("EX-1")).status_code == 201
    before = _entries(api)
    denied = api.client.get("/api/v1/encounters/EX-1", headers=api.auth("partner"))
    assert denied.status_code == 404
    after = _entries(api)
    new = after[len(before) :]
    partner = _user_id(api, "partner")
    assert [(e["actor"], e["action"], e["record_id"], e["outcome"]) for e in new] == [
        (partner, "read", "EX-1", "denied")
    ]
    assert new[0]["prev_hash"] == before[-1]["entry_hash"]
    assert _is_chained(new[0])


def test_a_denied_case_read_is_audited_and_changes_nothing_else(api: Api) -> None:
    body = api.intake(encounter("EX-2")).json()
    case_id = body["encounter"]["case_id"]
    before = _entries(api)
    assert api.client.get(f"/api/v1/cases/{case_id}", headers=api.auth("partner")).status_code == 404
    new = _entries(api)[len(before) :]
    assert [(e["action"], e["record_kind"], e["record_id"], e["outcome"]) for e in new] == [
        ("read", "case", case_id, "denied")
    ]


def test_intake_is_audited_once_with_its_decision(api: Api) -> None:
    body = api.intake(encounter("EX-3")).json()
    entries = [e for e in _entries(api) if e["record_id"] == "EX-3"]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["action"], entry["outcome"], entry["actor"]) == (
        "encounter.intake",
        "ok",
        _user_id(api, "officer"),
    )
    detail = json.loads(entry["detail"])
    assert detail["decision"] == body["decision"]["id"]
    assert detail["summary"] == body["decision"]["summary"]
    assert _is_chained(entry)


def test_the_intake_body_is_what_the_response_model_documents(api: Api) -> None:
    first = api.intake(encounter("EX-4"))
    replay = api.intake(encounter("EX-4"))
    assert (first.status_code, replay.status_code) == (201, 200)
    body = first.json()
    assert IntakeOut.model_validate(body).model_dump(mode="json") == body
    assert replay.json() == body
    stored_case = api.client.get(
        f"/api/v1/cases/{body['encounter']['case_id']}", headers=api.auth("officer")
    ).json()
    assert (stored_case["state"], stored_case["current_decision_id"]) == ("screened", body["decision"]["id"])
    transitions = api.client.get(
        f"/api/v1/cases/{body['encounter']['case_id']}/transitions", headers=api.auth("officer")
    ).json()
    assert [(t["from_state"], t["to_state"]) for t in transitions] == [("intake", "screened")]
