"""Every read of the store routes goes through the access policy for a purpose, with the record
facts of the store and field-level redaction (issue 6), and every read is in a verified trail.

- SV-DGME never sees a Salvadoran asylum seeker's record: 404 on every route and purpose,
  answered exactly as an id that does not exist, and absent from every list.
- GT-IGM sees the case (and its package) only once an ACA transfer to Guatemala is scheduled
  through the real workflow AND a disclosure basis is recorded; never its decisions, findings
  or encounter.
- An analyst reads de-identified encounters for statistics (the default purpose of the role)
  and whole ones when stating case management; an unknown purpose is a 422.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from api_support import Api, TestClient, encounter
from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.access.arrangements import purposes
from amparo.access.clock import fixed_day
from amparo.access.policy import purposes_for
from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.audit.models import AuditEntry
from amparo.audit.verify import verify_rows
from amparo.errors import InputError
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import User

PURPOSES: list[str | None] = [None, *sorted(purposes())]
NAME = {"given_names": "Ana María", "surnames": "López", "birth_date": "1990-05-01", "sex": "F"}


@contextmanager
def _session(api: Api) -> Iterator[Session]:
    engine = make_engine(api.database_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _add_user(api: Api, name: str, role: str, agency: str) -> None:
    engine = make_engine(api.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            api.tokens[name] = create_user(session, name=name, role=role, agency=agency)[1]
    finally:
        engine.dispose()


def _user_id(api: Api, name: str) -> str:
    with _session(api) as session:
        return str(session.scalars(select(User.id).where(User.name == name)).one())


def _trail(api: Api) -> list[AuditEntry]:
    """The whole audit trail, chained and verified."""
    engine = make_engine(api.database_url)
    try:
        audit.chain_queued(session_factory(engine))
        with session_factory(engine)() as session:
            verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
            assert verdict.ok, verdict.message
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    finally:
        engine.dispose()


def _get(api: Api, user: str, path: str, purpose: str | None = None, **params: Any) -> Any:
    if purpose is not None:
        params["purpose"] = purpose
    return api.client.get(path, params=params, headers=api.auth(user))


def _post(api: Api, user: str, path: str, body: dict[str, Any], version: int | None = None) -> Any:
    headers = api.auth(user)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return api.client.post(path, json=body, headers=headers)


def _intake(api: Api, doc: dict[str, Any]) -> dict[str, Any]:
    response = api.intake(doc)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _record_routes(encounter_id: str, case_id: str, decision_id: str) -> list[str]:
    return [
        f"/api/v1/encounters/{encounter_id}",
        f"/api/v1/cases/{case_id}",
        f"/api/v1/cases/{case_id}/decisions",
        f"/api/v1/cases/{case_id}/findings",
        f"/api/v1/cases/{case_id}/notes",
        f"/api/v1/cases/{case_id}/transitions",
        f"/api/v1/cases/{case_id}/deadlines",
        f"/api/v1/decisions/{decision_id}",
    ]


# ---------------------------------------------------------------- SV-DGME and a Salvadoran


def test_sv_dgme_gets_404_for_a_salvadoran_asylum_seeker_on_every_route_and_purpose(api: Api) -> None:
    _add_user(api, "dgme", "partner", "SV-DGME")
    doc = encounter(
        "SV-1",
        person={"nationalities": ["SV"], **NAME},
        fear_claims=[{"country": "SV", "affirmatively_stated": True, "basis": ["political_opinion"]}],
    )
    body = _intake(api, doc)
    case_id, decision_id = body["encounter"]["case_id"], body["decision"]["id"]
    person_id = body["encounter"]["person_id"]
    note = _post(api, "officer", f"/api/v1/cases/{case_id}/notes", {"text": "fears the gang in Soyapango"})
    assert note.status_code == 201
    finding = _post(
        api,
        "officer",
        f"/api/v1/cases/{case_id}/findings",
        {"findings": {"more_likely_than_not_harm_in": ["GT"]}},
    )
    assert finding.status_code == 201

    existing = _record_routes("SV-1", case_id, decision_id)
    missing = _record_routes("NOPE-E", "NOPE-C", "NOPE-D")
    ids = {"SV-1": "NOPE-E", case_id: "NOPE-C", decision_id: "NOPE-D"}
    for route in existing:  # the routes do answer the record: an officer reads every one of them
        assert _get(api, "officer", route).status_code == 200, route
    for purpose in PURPOSES:
        for route, absent in zip(existing, missing, strict=True):
            denied = _get(api, "dgme", route, purpose)
            nothing = _get(api, "dgme", absent, purpose)
            # 404 for a purpose a partner of SV-DGME may invoke; 422 (naming the purposes it may)
            # for any other, whether the record exists or not
            bounded = purpose is None or purpose in purposes_for("partner", "SV-DGME")
            assert denied.status_code == nothing.status_code == (404 if bounded else 422), (route, purpose)
            assert denied.headers["content-type"] == nothing.headers["content-type"]
            text = denied.text
            for real, fake in ids.items():
                text = text.replace(real, fake)
            assert json.loads(text) == nothing.json(), (route, purpose)

    invokable = [p for p in PURPOSES if p is None or p in purposes_for("partner", "SV-DGME")]
    lists = [
        ("/api/v1/encounters", {}),
        ("/api/v1/encounters", {"nationality": "SV"}),
        (
            "/api/v1/encounters",
            {"agency": "US-CBP", "border": "southwest_land", "encountered_from": "2020-01-01"},
        ),
        ("/api/v1/cases", {}),
        ("/api/v1/cases", {"person_id": person_id}),
        ("/api/v1/cases", {"state": "screened"}),
        ("/api/v1/deadlines", {}),
        ("/api/v1/deadlines", {"case_id": case_id}),
    ]
    for path, params in lists:
        seen = _get(api, "officer", path, **params)  # the filter finds the record...
        assert seen.status_code == 200 and seen.json()["items"], (path, params)
        for purpose in invokable:  # ...but never for SV-DGME
            listed = _get(api, "dgme", path, purpose, **params)
            assert listed.status_code == 200, (path, params, purpose)
            assert listed.json() == {"items": [], "next_cursor": None}, (path, params, purpose)
            assert "SV-1" not in listed.text and case_id not in listed.text

    dgme = _user_id(api, "dgme")
    trail = [e for e in _trail(api) if e.actor == dgme]
    denied_reads = [e for e in trail if e.action == "read"]
    # one denied entry per read of the record, with the purpose used (the role's default: aca_transfer)
    assert len(denied_reads) == len(existing) * len(invokable)
    assert {e.outcome for e in denied_reads} == {"denied"}
    assert {e.record_id for e in denied_reads} == {"SV-1", case_id, decision_id}
    used = {p or "aca_transfer" for p in invokable}
    assert {e.purpose for e in denied_reads} == used
    assert all("8 CFR 208.6" in e.detail for e in denied_reads)
    listed_entries = [e for e in trail if e.action == "list"]
    assert len(listed_entries) == len(lists) * len(invokable)
    assert {e.purpose for e in listed_entries} == used
    assert all(json.loads(e.detail)["returned"] == [] for e in listed_entries)


# ---------------------------------------------------------------- GT-IGM and a scheduled ACA transfer


def _case(api: Api, case_id: str) -> dict[str, Any]:
    got = _get(api, "officer", f"/api/v1/cases/{case_id}")
    assert got.status_code == 200
    return dict(got.json())


def _step(api: Api, case_id: str, user: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    case = _case(api, case_id)
    moved = _post(api, user, f"/api/v1/cases/{case_id}/{path}", body, version=case["version"])
    assert moved.status_code == 200, moved.text
    return dict(moved.json())


def test_gt_igm_sees_the_case_only_with_a_scheduled_aca_transfer_and_a_recorded_basis(
    api: Api, tmp_path: Path
) -> None:
    # The ACA example (a Honduran adult, February 2020) screens to an ACA transfer to Guatemala.
    body = _intake(api, encounter("GT-1"))
    assert body["decision"]["summary"]["aca_removal_to"] == "GT"
    case_id, decision_id = body["encounter"]["case_id"], body["decision"]["id"]
    case_path = f"/api/v1/cases/{case_id}"
    package = f"/api/v1/exchange/cases/{case_id}/package"

    def igm_sees() -> tuple[int, int, int, bool]:
        listed = _get(api, "partner", "/api/v1/cases").json()["items"]
        return (
            _get(api, "partner", case_path).status_code,
            _get(api, "partner", package, "aca_transfer").status_code,
            _get(api, "partner", case_path, "aca_transfer").status_code,
            case_id in [c["id"] for c in listed],
        )

    assert igm_sees() == (404, 404, 404, False)  # screened: no transfer scheduled
    _step(api, case_id, "officer", "transitions", {"to": "aca_threshold_interview"})
    proposed = _step(api, case_id, "supervisor", "transitions", {"to": "transfer_scheduled"})
    assert proposed["state"] == "supervisor_concurrence"
    assert igm_sees() == (404, 404, 404, False)  # proposed, not concurred
    done = _step(api, case_id, "supervisor2", "concurrence", {"concur": True})
    assert done["state"] == "transfer_scheduled"
    assert igm_sees() == (404, 404, 404, False)  # scheduled, but no recorded basis yet
    basis = {
        "recipient": "GT",
        "kind": "decision",
        "legal_basis": "Secretary's decision under 8 CFR 208.6(a)",
    }
    assert _post(api, "supervisor", f"/api/v1/exchange/cases/{case_id}/bases", basis).status_code == 201
    assert igm_sees() == (200, 200, 200, True)

    seen = _get(api, "partner", case_path).json()
    assert (seen["id"], seen["state"], seen["person_id"]) == (
        case_id,
        "transfer_scheduled",
        body["encounter"]["person_id"],
    )
    shown = _get(api, "partner", package, "aca_transfer").json()
    assert shown["given_names"] == "José Armando" and shown["aca_transfer"]["receiving_country"] == "GT"
    assert "fear_claims" not in shown and "screening_decision" not in shown and "findings" not in shown
    for route in (
        "/api/v1/encounters/GT-1",
        f"{case_path}/decisions",
        f"{case_path}/findings",
        f"{case_path}/notes",
        f"/api/v1/decisions/{decision_id}",
    ):
        assert _get(api, "partner", route).status_code == 404, route
        assert _get(api, "officer", route).status_code == 200, route
    assert "GT-1" not in _get(api, "partner", "/api/v1/encounters").text
    # other purposes do not open the case to GT-IGM
    # (a purpose GT-IGM's partners may not invoke at all is a 422, whether the case exists or not)
    for purpose in ("case_management", "statistics", "anti_trafficking", "law_enforcement"):
        invokable = purpose in purposes_for("partner", "GT-IGM")
        assert _get(api, "partner", case_path, purpose).status_code == (404 if invokable else 422), purpose
        assert _get(api, "partner", "/api/v1/cases/NOPE", purpose).status_code == (404 if invokable else 422)

    igm = _user_id(api, "partner")
    reads = [
        e
        for e in _trail(api)
        if e.actor == igm and e.action == "read" and e.record_id in {case_id, "GT-1", decision_id}
    ]
    case_reads = [(e.record_kind, e.purpose, e.outcome) for e in reads if e.record_kind == "case"]
    assert case_reads.count(("case", "aca_transfer", "denied")) == 6
    assert case_reads.count(("case", "aca_transfer", "ok")) == 3
    packages = [(e.purpose, e.outcome) for e in reads if e.record_kind == "case_package"]
    assert packages == [("aca_transfer", "denied")] * 3 + [("aca_transfer", "ok")] * 2
    refused_views = {e.record_kind for e in reads if e.outcome == "denied" and e.record_id != case_id}
    assert refused_views == {"encounter", "decision"}
    assert {e.record_kind for e in reads if e.outcome == "denied" and e.record_id == case_id} >= {
        "decisions",
        "findings",
        "notes",
    }
    ok = [e for e in reads if e.outcome == "ok" and e.record_kind == "case"]
    assert json.loads(ok[-1].detail)["arrangements"] == ["gt_arrangement_2025"]

    # The same case on the day of another app's clock: in 2023 no Guatemala arrangement is in
    # force (the 2019 ACA ended 2021-02-05, the 2025 one starts 2025-06-27), so it is refused.
    for day, seen_then in ((dt.date(2023, 1, 1), 404), (dt.date(2020, 6, 1), 200)):
        settings = Settings(data_dir=tmp_path / day.isoformat(), database_url=api.database_url)
        with TestClient(create_app(settings, clock=fixed_day(day))) as client:
            then = Api(client, api.tokens, api.database_url)
            assert _get(then, "partner", case_path, "aca_transfer").status_code == seen_then, day
            assert _get(then, "partner", package, "aca_transfer").status_code == seen_then, day


# ---------------------------------------------------------------- analysts and purposes


def test_an_analyst_reads_de_identified_encounters_for_statistics_and_may_not_invoke_case_management(
    api: Api,
) -> None:
    doc = encounter("AN-1")
    body = _intake(api, doc)
    case_id = body["encounter"]["case_id"]

    stats = _get(api, "analyst", "/api/v1/encounters/AN-1")
    assert stats.status_code == 200
    view = stats.json()
    assert view["document"] == {
        "record_id": "AN-1",
        "record_kind": "encounter",
        "age": 28,
        "sex": "M",
        "nationalities": ["HN"],
        "encountered_on": "2020-02-03",
        "border": "southwest_land",
        "manner": "between_ports",
    }
    assert {"given_names", "surnames", "birth_date", "fear_claims", "route", "claim_fact"} <= set(
        view["redacted"]
    )
    assert "José" not in stats.text and "1991-04-02" not in stats.text
    assert (view["person_id"], view["nationality"], view["encountered_on"]) == (None, "HN", "2020-02-03")
    listed = _get(api, "analyst", "/api/v1/encounters", "statistics").json()["items"]
    assert [item["document"] for item in listed] == [view["document"]]
    assert listed[0]["person_id"] is None
    # a case, its decisions and findings reveal the claim: not for statistics
    for route in (
        f"/api/v1/cases/{case_id}",
        f"/api/v1/cases/{case_id}/decisions",
        f"/api/v1/cases/{case_id}/transitions",
    ):
        assert _get(api, "analyst", route).status_code == 404, route
    assert _get(api, "analyst", "/api/v1/cases").json()["items"] == []

    # issue 11: a self-declared purpose is bounded by role: an analyst may not ask for case
    # management (422 naming query:purpose, before any record is looked at)
    for route in (
        "/api/v1/encounters/AN-1",
        f"/api/v1/cases/{case_id}",
        f"/api/v1/cases/{case_id}/decisions",
        f"/api/v1/cases/{case_id}/findings",
        f"/api/v1/cases/{case_id}/notes",
        "/api/v1/cases",
    ):
        whole = _get(api, "analyst", route, "case_management")
        assert whole.status_code == 422, route
        assert [e["path"] for e in whole.json()["errors"]] == ["query:purpose"]
        assert "José" not in whole.text

    for route in (
        "/api/v1/encounters/AN-1",
        "/api/v1/encounters",
        f"/api/v1/cases/{case_id}",
        "/api/v1/deadlines",
        f"/api/v1/exchange/cases/{case_id}/package",
    ):
        unknown = _get(api, "analyst", route, "curiosity")
        assert unknown.status_code == 422, route
        assert unknown.headers["content-type"] == "application/problem+json"
        assert [e["path"] for e in unknown.json()["errors"]] == ["query:purpose"]
        assert "statistics" in unknown.json()["errors"][0]["message"]

    analyst = _user_id(api, "analyst")
    reads = [e for e in _trail(api) if e.actor == analyst and e.action in {"read", "list"}]
    encounter_reads = [(e.action, e.purpose, e.outcome) for e in reads if e.record_id == "AN-1"]
    assert encounter_reads == [("read", "statistics", "ok")]
    first = json.loads(next(e for e in reads if e.record_id == "AN-1").detail)
    assert first["arrangements"] == ["us_statistics"] and "given_names" not in first["fields"]
    assert {(e.record_kind, e.purpose, e.outcome) for e in reads if e.record_id == case_id} == {
        ("case", "statistics", "denied"),
        ("decisions", "statistics", "denied"),
        ("transitions", "statistics", "denied"),
    }
    assert ("list", "statistics", "ok") in {(e.action, e.purpose, e.outcome) for e in reads}


def test_writes_stay_case_management_whatever_the_reader_states(api: Api) -> None:
    body = _intake(api, encounter("W-1"))
    case_id = body["encounter"]["case_id"]
    assert (
        _post(api, "officer", f"/api/v1/cases/{case_id}/notes?purpose=statistics", {"text": "n"}).status_code
        == 201
    )
    officer = _user_id(api, "officer")
    writes = [
        e for e in _trail(api) if e.actor == officer and e.action in {"note.written", "encounter.intake"}
    ]
    assert [e.purpose for e in writes] == ["case_management", "case_management"], [
        (e.action, e.outcome, e.detail[:200]) for e in _trail(api)
    ]


# ---------------------------------------------------------------- writes go through the policy


def _plant_user(api: Api, name: str, role: str, agency: str) -> None:
    """A user row written straight into the database (as a database writer could), bypassing
    the role check of ``create_user``."""
    from amparo.store.users import add_user

    engine = make_engine(api.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            api.tokens[name] = add_user(session, name=name, role=role, agency=agency)[1]  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_a_partner_agency_may_hold_only_the_partner_role(api: Api) -> None:
    for role in ("officer", "supervisor", "analyst", "admin"):
        with pytest.raises(InputError) as refused:
            _add_user(api, f"gt-{role}", role, "GT-IGM")
        assert [e.path for e in refused.value.errors] == ["/role"]
        assert "may: partner" in str(refused.value)
    _add_user(api, "gt-partner-2", "partner", "GT-IGM")
    with pytest.raises(InputError):
        _add_user(api, "us-partner", "partner", "US-CBP")


def test_recording_a_disclosure_basis_needs_a_supervisor_of_the_disclosing_agency(api: Api) -> None:
    """A GT-IGM 'supervisor' planted in the database cannot record a basis: 403 before any case
    is looked at, the same for an existing and a missing case (no 201/404 oracle); nor can a
    GT 'officer' PUT encounters. A US supervisor records it (201)."""
    case_id = _intake(api, encounter("BASIS-1"))["encounter"]["case_id"]
    _plant_user(api, "gt-supervisor", "supervisor", "GT-IGM")
    _plant_user(api, "gt-officer", "officer", "GT-IGM")
    basis = {"recipient": "GT", "kind": "decision", "legal_basis": "a decision (test)"}
    path = f"/api/v1/exchange/cases/{case_id}/bases"
    refused = _post(api, "gt-supervisor", path, basis)
    missing = _post(api, "gt-supervisor", "/api/v1/exchange/cases/NOPE/bases", basis)
    assert refused.status_code == missing.status_code == 403
    assert {**refused.json(), "instance": ""} == {**missing.json(), "instance": ""}
    # the partner still cannot read the case (no basis was recorded by the GT user)
    assert _get(api, "gt-supervisor", f"/api/v1/cases/{case_id}").status_code == 404
    for doc_id in ("BASIS-1", "BASIS-NEW"):
        put = api.client.put(
            f"/api/v1/encounters/{doc_id}", json=encounter(doc_id), headers=api.auth("gt-officer")
        )
        assert put.status_code == 403, doc_id
    assert _post(api, "supervisor", path, basis).status_code == 201
    recorded = [e for e in _trail(api) if e.action == "disclosure_basis_recorded" and e.record_id == case_id]
    assert [e.actor for e in recorded] == [_user_id(api, "supervisor")]
