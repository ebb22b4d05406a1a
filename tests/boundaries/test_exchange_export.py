"""`amparo exchange export`: a refusal says why and stays in the audit trail; an envelope that
cannot be written leaves no disclosure behind; a written one is recorded once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from amparo.access.users import create_user
from amparo.exchange.keys import installation_keys
from amparo.exchange.transfer import installation_card
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Case, Decision, Encounter, Person, User
from amparo.store.testing import fresh_sqlite

from .conftest import Run

CASE = "C-HN"


def _case(url: str) -> None:
    """A Honduran's case scheduled for an ACA transfer to Guatemala, as intake would store it."""
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        create_user(session, name="officer", role="officer", agency="US-CBP")
        uid = session.scalars(select(User.id).where(User.name == "officer")).one()
        document = {
            "schema": "amparo/encounter@1",
            "id": "E-HN",
            "encountered_on": "2020-01-10",
            "place": {"border": "southwest_land", "manner": "between_ports"},
            "person": {
                "nationalities": ["HN"],
                "given_names": "Ana",
                "surnames": "Pérez",
                "sex": "F",
                "birth_date": "1990-05-01",
            },  # fmt: skip
        }
        session.add(Person(id="P-HN", nationalities=["HN"]))
        session.flush()
        session.add(Encounter(id="E-HN", person_id="P-HN", document=document, document_sha256="0" * 64,
                              encountered_on=dt.date(2020, 1, 10), nationality="HN", border="southwest_land",
                              manner="between_ports", agency="US-CBP", received_by=uid))  # fmt: skip
        session.flush()
        session.add(Case(id=CASE, encounter_id="E-HN", person_id="P-HN", state="transfer_scheduled",
                         current_decision_id="D-HN"))  # fmt: skip
        session.flush()
        session.add(Decision(id="D-HN", case_id=CASE, encounter_id="E-HN", sequence=1, as_of=dt.date(2020, 1, 10),
                             ruleset_version="test", summary={"aca_removal_to": "GT"}, trace=[], flags=[],
                             document={"ruleset": {"id": "us", "version": "test"}}, reason="intake",
                             made_by=uid))  # fmt: skip
    engine.dispose()


def _disclosures(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT action, outcome FROM audit_queue WHERE action = 'disclosure' "
                    "UNION ALL SELECT action, outcome FROM audit_entries WHERE action = 'disclosure'"
                )
            )
            return sorted((str(a), str(o)) for a, o in rows)
    finally:
        engine.dispose()


@pytest.fixture
def us(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_sqlite(tmp_path / "us-db", tmp_path_factory.getbasetemp() / "template")
    _case(url)
    card = installation_card("GT", installation_keys(tmp_path / "gt-data"))
    (tmp_path / "gt.card.json").write_text(json.dumps(card), encoding="utf-8")
    monkeypatch.setenv("AMPARO_DATABASE_URL", url)
    monkeypatch.setenv("AMPARO_INSTALLATION", "US")
    return url


def test_refused_then_unwritable_then_written(us: str, amparo: Run, tmp_path: Path) -> None:
    assert amparo("exchange", "peer-add", str(tmp_path / "gt.card.json")).code == 0
    out = tmp_path / "envelope.json"

    refused = amparo("exchange", "export", CASE, "--agency", "GT-IGM", "--out", str(out))
    assert refused.code == 6, refused.text
    assert f"Case '{CASE}' may not be disclosed to GT-IGM for aca_transfer" in refused.text
    assert "amparo exchange basis" in refused.text and "No case" not in refused.text
    assert _disclosures(us) == [("disclosure", "denied")]  # the refusal is in the audit trail
    assert not out.exists()

    basis = (
        "exchange",
        "basis",
        CASE,
        "--to",
        "GT-IGM",
        "--kind",
        "decision",
        "--basis",
        "8 CFR 208.6(a) decision",
    )
    assert amparo(*basis).code == 0

    unwritable = amparo(
        "exchange", "export", CASE, "--agency", "GT-IGM", "--out", str(tmp_path / "no" / "x.json")
    )
    assert unwritable.code == 2 and "does not exist" in unwritable.text, unwritable.text
    assert _disclosures(us) == [("disclosure", "denied")]  # nothing recorded for a file not written

    written = amparo("exchange", "export", CASE, "--agency", "GT-IGM", "--out", str(out))
    assert written.code == 0, written.text
    assert json.loads(out.read_bytes())["recipient"] == "GT"
    assert _disclosures(us) == [("disclosure", "denied"), ("disclosure", "ok")]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
