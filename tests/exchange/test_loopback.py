"""Three installations in process (US, Guatemala, El Salvador), each with its own database and keys.

A transfer package flows from the US to Guatemala and is acknowledged; El Salvador receives
nothing and cannot open it; the Salvadoran partner gets 404 for a Salvadoran's record on
every route; every one of those reads is in a verified audit trail.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from amparo import audit
from amparo.access.clock import fixed_day
from amparo.access.users import create_user
from amparo.api.app import create_app
from amparo.audit.models import AuditEntry
from amparo.audit.verify import verify_rows
from amparo.errors import InputError
from amparo.exchange.models import ExchangeEnvelope
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Case, Decision, Encounter, Person
from amparo.store.testing import fresh_sqlite
from amparo.store.users import add_user

#: The day every access decision is made on (the apps' clock): gt_arrangement_2025
#: (arrangements.yaml) is in force from 2025-06-27 with no known end.
TODAY = dt.date(2025, 7, 1)


@dataclass
class Installation:
    country: str
    client: TestClient
    url: str
    tokens: dict[str, str]

    def get(self, path: str, who: str, **kw: Any) -> Any:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw)

    def post(self, path: str, who: str, **kw: Any) -> Any:
        return self.client.post(path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw)

    def rows(self, model: Any) -> list[Any]:
        engine = make_engine(self.url)
        try:
            with session_factory(engine)() as session:
                return list(session.scalars(select(model)))
        finally:
            engine.dispose()

    def verified_trail(self) -> list[AuditEntry]:
        engine = make_engine(self.url)
        try:
            with session_factory(engine)() as session:
                verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
                assert verdict.ok, verdict.message
                return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        finally:
            engine.dispose()


USERS = {
    "officer": ("officer", "US-CBP"),
    "supervisor": ("supervisor", "US-USCIS"),
    "igm": ("partner", "GT-IGM"),
    "dgme": ("partner", "SV-DGME"),
    "peer": ("partner", "US-CBP"),
}


def _person_case(session: Any, case_id: str, nationality: str, state: str, aca_to: str | None) -> None:
    from amparo.store.models import User

    uid = session.scalars(select(User.id).where(User.name == "officer")).one()
    document = {
        "schema": "amparo/encounter@1",
        "id": f"E-{case_id}",
        "encountered_on": "2020-01-10",
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {
            "nationalities": [nationality],
            "given_names": "Ana",
            "surnames": "Pérez",
            "sex": "F",
            "birth_date": "1990-05-01",
        },
        "fear_claims": [
            {"country": nationality, "affirmatively_stated": True, "basis": ["political_opinion"]}
        ],
    }
    session.add(Person(id=f"P-{case_id}", nationalities=[nationality]))
    session.flush()
    session.add(
        Encounter(
            id=f"E-{case_id}",
            person_id=f"P-{case_id}",
            document=document,
            document_sha256="0" * 64,
            encountered_on=dt.date(2020, 1, 10),
            nationality=nationality,
            border="southwest_land",
            manner="between_ports",
            agency="US-CBP",
            received_by=uid,
        )
    )
    session.flush()
    session.add(
        Case(
            id=case_id,
            encounter_id=f"E-{case_id}",
            person_id=f"P-{case_id}",
            state=state,
            current_decision_id=f"D-{case_id}",
        )
    )
    session.flush()
    session.add(
        Decision(
            id=f"D-{case_id}",
            case_id=case_id,
            encounter_id=f"E-{case_id}",
            sequence=1,
            as_of=dt.date(2020, 1, 10),
            ruleset_version="test",
            summary={"aca_removal_to": aca_to},
            trace=[],
            flags=[],
            document={"ruleset": {"id": "us", "version": "test"}},  # the pack that made it
            reason="intake",
            made_by=uid,
        )
    )


@pytest.fixture
def installations(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Installation]]:
    made: dict[str, Installation] = {}
    clients = []
    for country in ("US", "GT", "SV"):
        url = fresh_sqlite(tmp_path / country / "db", tmp_path_factory.getbasetemp() / "template")
        engine = make_engine(url)
        tokens = {}
        with transaction(session_factory(engine)) as session:
            for name, (role, agency) in USERS.items():
                # each installation checks roles against its own country: a user its agency may
                # not hold there is planted as a database writer would (the exchange is tested)
                try:
                    tokens[name] = create_user(session, name=name, role=role, agency=agency, home=country)[1]
                except InputError:
                    tokens[name] = add_user(session, name=name, role=role, agency=agency)[1]  # type: ignore[arg-type]
            if country == "US":
                _person_case(session, "C-HN", "HN", "transfer_scheduled", "GT")
                _person_case(session, "C-SV", "SV", "screened", None)
        engine.dispose()
        settings = Settings(data_dir=tmp_path / country / "data", database_url=url, installation=country)
        client = TestClient(create_app(settings, clock=fixed_day(TODAY)))
        client.__enter__()
        clients.append(client)
        made[country] = Installation(country, client, url, tokens)
    try:
        yield made
    finally:
        for client in clients:
            client.__exit__(None, None, None)


def test_transfer_flows_to_guatemala_is_acknowledged_and_nothing_reaches_el_salvador(
    installations: dict[str, Installation],
) -> None:
    us, gt, sv = installations["US"], installations["GT"], installations["SV"]
    cards = {c: i.get("/api/v1/exchange/installation", "officer").json() for c, i in installations.items()}
    for holder, peers in ((us, ("GT", "SV")), (gt, ("US",)), (sv, ("US",))):
        engine = make_engine(holder.url)
        with transaction(session_factory(engine)) as session:
            from amparo.exchange.transfer import add_peer

            for p in peers:
                add_peer(session, cards[p], actor="test")
        engine.dispose()

    package = "/api/v1/exchange/cases/C-HN/package?purpose=aca_transfer"
    # GT-IGM: scheduled ACA transfer but no recorded basis yet -> exactly like a missing case
    assert us.get(package, "igm").status_code == 404
    assert us.get("/api/v1/exchange/cases/NOPE/package?purpose=aca_transfer", "igm").status_code == 404
    assert (
        us.post(
            "/api/v1/exchange/cases/C-HN/envelopes",
            "officer",
            json={"agency": "GT-IGM", "purpose": "aca_transfer"},
        ).status_code
        == 404
    )
    basis = {
        "recipient": "GT",
        "kind": "decision",
        "legal_basis": "Secretary's decision under 8 CFR 208.6(a)",
    }
    assert us.post("/api/v1/exchange/cases/C-HN/bases", "supervisor", json=basis).status_code == 201
    seen = us.get(package, "igm")
    assert seen.status_code == 200
    assert seen.json()["given_names"] == "Ana" and "fear_claims" not in seen.json()
    assert seen.json()["aca_transfer"]["receiving_country"] == "GT"

    # SV-DGME: a Salvadoran claimant's record is 404 on every route and purpose
    for path in (
        "/api/v1/cases/C-SV",
        "/api/v1/exchange/cases/C-SV/package",
        "/api/v1/exchange/cases/C-SV/package?purpose=law_enforcement",
        "/api/v1/exchange/cases/C-SV/package?purpose=aca_transfer",
        "/api/v1/cases/C-HN",
    ):
        assert us.get(path, "dgme").status_code == 404, path
    listed = us.get("/api/v1/cases", "dgme")
    assert listed.status_code == 200 and "C-SV" not in listed.text

    envelope = us.post(
        "/api/v1/exchange/cases/C-HN/envelopes",
        "officer",
        json={"agency": "GT-IGM", "purpose": "aca_transfer"},
    )
    assert envelope.status_code == 201
    # nothing of the package travels in clear (quoted: base64 text may contain the letters "Ana")
    assert b'"Ana"' not in envelope.content and b"given_names" not in envelope.content
    refused = sv.post("/api/v1/exchange/envelopes", "peer", content=envelope.content)
    assert refused.status_code == 400 and "addressed to installation GT" in refused.text
    receipt = gt.post("/api/v1/exchange/envelopes", "peer", content=envelope.content)
    assert receipt.status_code == 201
    again = gt.post("/api/v1/exchange/envelopes", "peer", content=envelope.content)
    assert again.status_code == 200 and again.content == receipt.content
    assert sv.post("/api/v1/exchange/receipts", "peer", content=receipt.content).status_code == 400
    acked = us.post("/api/v1/exchange/receipts", "peer", content=receipt.content)
    assert acked.status_code == 200 and acked.json()["receiver"] == "GT"

    assert sv.rows(ExchangeEnvelope) == []
    [received] = gt.rows(ExchangeEnvelope)
    assert received.direction == "in" and "Ana" in (received.package or "")
    [sent] = us.rows(ExchangeEnvelope)
    assert sent.acknowledged_at is not None

    us_trail = us.verified_trail()
    reads = [e for e in us_trail if e.record_id in {"C-HN", "C-SV"} and e.action == "read"]
    igm, dgme = tokens_of(us, "igm"), tokens_of(us, "dgme")
    assert {e.outcome for e in reads if e.actor == igm} == {"ok", "denied"}
    assert {e.outcome for e in reads if e.actor == dgme} == {"denied"}
    assert any(e.action == "disclosure" and e.outcome == "ok" for e in us_trail)
    assert any(e.action == "acknowledgement_received" for e in us_trail)
    gt_actions = {e.action for e in gt.verified_trail()}
    assert {"envelope_import", "acknowledgement_sent", "envelope_duplicate"} <= gt_actions
    assert "envelope_refused" in {e.action for e in sv.verified_trail()}

    # issue 11: Guatemala kept the signed checkpoint the envelope carried, and it proves what the
    # US trail held: the US trail still extends it
    from amparo.audit.anchors import check_anchor, witnessed

    engine = make_engine(gt.url)
    try:
        with session_factory(engine)() as session:
            [kept] = witnessed(session, "US")
    finally:
        engine.dispose()
    engine = make_engine(us.url)
    try:
        with session_factory(engine)() as session:
            assert check_anchor(session, kept).ok
            [back] = witnessed(session, "GT")  # and the receipt carried Guatemala's back
    finally:
        engine.dispose()
    engine = make_engine(gt.url)
    try:
        with session_factory(engine)() as session:
            assert check_anchor(session, back).ok
    finally:
        engine.dispose()

    # issue 11: a second envelope, sealed but not yet acknowledged; then a new encounter of the
    # same person adds a fear of Guatemala: the next export is refused and the unsent one withdrawn
    second = us.post(
        "/api/v1/exchange/cases/C-HN/envelopes",
        "officer",
        json={"agency": "GT-IGM", "purpose": "aca_transfer"},
    )
    assert second.status_code == 201
    engine = make_engine(us.url)
    try:
        with transaction(session_factory(engine)) as session:
            first = session.get(Encounter, "E-C-HN")
            assert first is not None
            document = {
                **first.document,
                "id": "E-C-HN-2",
                "fear_claims": [
                    {"country": "GT", "affirmatively_stated": True, "basis": ["political_opinion"]}
                ],
            }
            session.add(
                Encounter(
                    id="E-C-HN-2",
                    person_id="P-C-HN",
                    document=document,
                    document_sha256="1" * 64,
                    encountered_on=dt.date(2020, 3, 1),
                    nationality="HN",
                    border="southwest_land",
                    manner="between_ports",
                    agency="US-CBP",
                    received_by=first.received_by,
                )
            )
    finally:
        engine.dispose()
    assert us.get(package, "igm").status_code == 404
    third = us.post(
        "/api/v1/exchange/cases/C-HN/envelopes",
        "officer",
        json={"agency": "GT-IGM", "purpose": "aca_transfer"},
    )
    assert third.status_code == 404
    rows = {r.envelope_id: r for r in us.rows(ExchangeEnvelope)}
    assert rows[sent.envelope_id].withdrawn_at is None  # acknowledged: delivered, not withdrawn
    assert [r.withdrawn_at is not None for r in rows.values() if r.envelope_id != sent.envelope_id] == [True]
    trail = us.verified_trail()
    assert [e.outcome for e in trail if e.action == "disclosure_withdrawn"] == ["refused"]
    assert any(e.action == "disclosure" and e.outcome == "denied" and "fears" in e.detail for e in trail)


def tokens_of(installation: Installation, name: str) -> str:
    from amparo.store.models import User

    [user] = [u for u in installation.rows(User) if u.name == name]
    return user.id
