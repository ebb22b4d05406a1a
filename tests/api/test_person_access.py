"""Issue 11: access decided for the whole person, free text withheld, purposes bounded, dual
US nationals, revocable tokens (SQLite, and PostgreSQL when AMPARO_TEST_POSTGRES_URL is set).

- Two encounters of one person (joined by identity resolution): once the second adds a fear of
  Guatemala, GT-IGM no longer reads the first case, its transitions, deadlines or package.
- A partner never reads a transition's free-text reason.
- ``nationalities: ["US", "HN"]`` at a US installation is refused (422 naming the field).
- A revoked or rotated token is refused at once; an expired one too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from api_support import Api, encounter
from sqlalchemy import select, update

from amparo import audit
from amparo.audit.models import AuditEntry
from amparo.engine.registry import PackRegistry
from amparo.exchange.models import ExchangeEnvelope
from amparo.exchange.withdrawal import withdraw_unsent
from amparo.identity import merges
from amparo.rules.us import US_PACK
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Encounter, User
from amparo.store.users import revoke, rotate, user_by_name

PACKS = PackRegistry([US_PACK])


def _get(api: Api, user: str, path: str, purpose: str | None = None) -> Any:
    params = {"purpose": purpose} if purpose else None
    return api.client.get(path, headers=api.auth(user), params=params)


def _post(api: Api, user: str, path: str, body: dict[str, Any], version: int | None = None) -> Any:
    headers = api.auth(user)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return api.client.post(path, json=body, headers=headers)


def _step(api: Api, case_id: str, user: str, path: str, body: dict[str, Any]) -> None:
    version = _get(api, "officer", f"/api/v1/cases/{case_id}").json()["version"]
    moved = _post(api, user, f"/api/v1/cases/{case_id}/{path}", body, version=version)
    assert moved.status_code == 200, moved.text


def _scheduled_gt_case(api: Api, doc_id: str) -> str:
    """A case of the ACA example moved to transfer_scheduled with a recorded GT basis."""
    put = api.intake(encounter(doc_id))
    assert put.status_code == 201, put.text
    case_id = str(put.json()["encounter"]["case_id"])
    _step(api, case_id, "officer", "transitions", {"to": "aca_threshold_interview", "reason": "routine"})
    _step(
        api,
        case_id,
        "supervisor",
        "transitions",
        {"to": "transfer_scheduled", "reason": "applicant says gang in Guatemala threatened her"},
    )
    _step(api, case_id, "supervisor2", "concurrence", {"concur": True, "reason": "agreed"})
    basis = {"recipient": "GT", "kind": "decision", "legal_basis": "Secretary's decision (test)"}
    assert _post(api, "supervisor", f"/api/v1/exchange/cases/{case_id}/bases", basis).status_code == 201
    return case_id


def _routes(case_id: str) -> list[str]:
    return [
        f"/api/v1/cases/{case_id}",
        f"/api/v1/cases/{case_id}/transitions",
        f"/api/v1/cases/{case_id}/deadlines",
        f"/api/v1/exchange/cases/{case_id}/package",
    ]


def _person_of(api: Api, encounter_id: str) -> str:
    engine = make_engine(api.database_url)
    try:
        with session_factory(engine)() as session:
            return str(session.scalar(select(Encounter.person_id).where(Encounter.id == encounter_id)))
    finally:
        engine.dispose()


def _unsent_envelope(api: Api, case_id: str) -> None:
    engine = make_engine(api.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            session.add(
                ExchangeEnvelope(
                    envelope_id="a" * 32, direction="out", peer="GT", purpose="aca_transfer", record_id=case_id,
                    nonce="n" * 40, digest="d" * 64, at="2025-07-01T00:00:00+00:00",
                )
            )  # fmt: skip
    finally:
        engine.dispose()


def _withdrawn(api: Api) -> bool:
    engine = make_engine(api.database_url)
    try:
        with session_factory(engine)() as session:
            row = session.get(ExchangeEnvelope, "a" * 32)
            return row is not None and row.withdrawn_at is not None
    finally:
        engine.dispose()


def test_a_second_encounter_fearing_guatemala_bars_gt_from_the_first_case(api: Api) -> None:
    case_id = _scheduled_gt_case(api, "P-E1")
    for route in _routes(case_id):
        assert _get(api, "partner", route).status_code == 200, route
    # free text never reaches the partner: the transition reasons are withheld
    steps = _get(api, "partner", f"/api/v1/cases/{case_id}/transitions")
    assert "gang" not in steps.text and {s["reason"] for s in steps.json()} == {None}
    assert "gang" in _get(api, "officer", f"/api/v1/cases/{case_id}/transitions").text

    # E2: a later encounter of the same person, with a fear claim against Guatemala
    second = encounter(
        "P-E2",
        encountered_on="2020-03-01",
        fear_claims=[{"country": "GT", "affirmatively_stated": True, "basis": ["political_opinion"]}],
    )
    _unsent_envelope(api, case_id)  # sealed for GT-IGM, not yet acknowledged
    assert api.intake(second).status_code == 201
    first_person, second_person = _person_of(api, "P-E1"), _person_of(api, "P-E2")
    if first_person == second_person:  # linked at intake: the PUT withdrew the unsent envelope
        assert _withdrawn(api)
    else:  # joined by an identity decision (a link is a merge), which re-evaluates the person
        engine = make_engine(api.database_url)
        try:
            with transaction(session_factory(engine)) as session:
                merges.merge(
                    session, keep=first_person, absorb=second_person, reason="same person", by="test"
                )
                withdraw_unsent(session, first_person, packs=PACKS, actor="test")
        finally:
            engine.dispose()
        assert _withdrawn(api)
    assert _person_of(api, "P-E1") == _person_of(api, "P-E2")
    for route in _routes(case_id):
        refused = _get(api, "partner", route)
        missing = _get(api, "partner", route.replace(case_id, "C-NOPE"))
        assert refused.status_code == missing.status_code == 404, route
        assert refused.json()["title"] == missing.json()["title"]
    assert case_id not in _get(api, "partner", "/api/v1/cases").text
    # the officer still reads it; the partner's refused package read is audited with the reason
    assert _get(api, "officer", f"/api/v1/cases/{case_id}").status_code == 200
    engine = make_engine(api.database_url)
    try:
        made = session_factory(engine)
        audit.chain_queued(made)
        with made() as session:
            denied = session.scalars(
                select(AuditEntry).where(
                    AuditEntry.record_id == case_id,
                    AuditEntry.record_kind == "case_package",
                    AuditEntry.outcome == "denied",
                )
            ).all()
    finally:
        engine.dispose()
    assert denied and all("a country the person fears" in e.detail for e in denied)


def test_a_us_national_is_refused_at_intake_naming_the_field(api: Api) -> None:
    doc = encounter("US-DUAL", person={**encounter()["person"], "nationalities": ["US", "HN"]})
    put = api.intake(doc)
    assert put.status_code == 422, put.text
    assert [e["path"] for e in put.json()["errors"]] == ["/person/nationalities"]
    assert _get(api, "officer", "/api/v1/encounters/US-DUAL").status_code == 404


def test_revocation_rotation_and_expiry_take_effect_at_once(api: Api) -> None:
    assert _get(api, "officer2", "/api/v1/cases").status_code == 200
    engine = make_engine(api.database_url)
    try:
        made = session_factory(engine)
        with transaction(made) as session:
            revoke(session, user_by_name(session, "officer2"))
        assert _get(api, "officer2", "/api/v1/cases").status_code == 401

        assert _get(api, "analyst", "/api/v1/encounters").status_code == 200
        with transaction(made) as session:
            new = rotate(session, user_by_name(session, "analyst"))
        assert _get(api, "analyst", "/api/v1/encounters").status_code == 401
        api.tokens["analyst"] = new
        assert _get(api, "analyst", "/api/v1/encounters").status_code == 200

        with transaction(made) as session:
            session.execute(
                update(User)
                .where(User.name == "analyst")
                .values(token_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
        assert _get(api, "analyst", "/api/v1/encounters").status_code == 401
    finally:
        engine.dispose()


def test_a_merge_decided_later_withdraws_what_the_joined_person_bars(api: Api) -> None:
    case_id = _scheduled_gt_case(api, "M-E1")
    _unsent_envelope(api, case_id)
    other = encounter(
        "M-E2",
        encountered_on="2020-03-01",
        person={
            "nationalities": ["HN"],
            "birth_date": "1985-01-01",
            "sex": "F",
            "given_names": "Otra Persona",
        },
        fear_claims=[{"country": "GT", "affirmatively_stated": True, "basis": ["political_opinion"]}],
    )
    assert api.intake(other).status_code == 201
    keep, absorb = _person_of(api, "M-E1"), _person_of(api, "M-E2")
    assert keep != absorb and not _withdrawn(api)
    merged = api.client.post(
        "/api/v1/identity/merges",
        json={"keep": keep, "absorb": absorb, "reason": "the same person (test)"},
        headers=api.auth("officer"),
    )
    assert merged.status_code == 200, merged.text
    assert _withdrawn(api)
    assert _get(api, "partner", f"/api/v1/cases/{case_id}").status_code == 404
