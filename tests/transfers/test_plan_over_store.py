"""`amparo transfers plan --from --to` over the store: the open cases whose current decision is a
removal under an agreement, the capacity recorded for the period, the plan stored as a proposal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from amparo import audit
from amparo.access.actor import Actor
from amparo.access.users import create_user
from amparo.cases.intake import run_intake
from amparo.cli import main
from amparo.engine.registry import installed_registry
from amparo.exchange.keys import KeysOnDemand
from amparo.settings import load_settings
from amparo.store.db import engine_from_settings, session_factory, transaction, upgrade
from amparo.transfers import capacity_store
from amparo.transfers.model import Slot
from amparo.transfers.tables import TransferProposal


def _encounter(
    encounter_id: str, nationality: str, age: int, members: list[str] | None = None
) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": encounter_id,
        "encountered_on": "2020-02-03",
        "place": {
            "border": "southwest_land",
            "manner": "between_ports",
            "location": "El Paso",
            "state": "TX",
            "arrived_from": "MX",
        },
        "person": {"nationalities": [nationality], "age": age},
        "route": [{"country": "GT"}, {"country": "MX"}],
    }
    if members:
        doc["family"] = {"family_unit": True, "members": members}
    return doc


def test_the_store_is_planned_within_recorded_capacity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings()
    upgrade(settings.resolved_database_url)
    engine = engine_from_settings(settings)
    made = audit.bind_signer(session_factory(engine), KeysOnDemand(settings.data_dir))
    with transaction(made) as session:
        user = create_user(session, name="ofc", role="officer", agency="US-CBP")[0]
        session.expunge(user)
        capacity_store.load_shipped(session, actor="test")
        capacity_store.record_slot(session, actor="test", slot=Slot("S-1", dt.date(2020, 2, 20), "GT", 2))
    packs = installed_registry(default="us")
    for doc in (
        _encounter("E-MOTHER", "HN", 30, ["E-SON"]),
        _encounter("E-SON", "HN", 30, ["E-MOTHER"]),
        _encounter("E-ALONE", "SV", 40),
        _encounter("E-CHILD", "HN", 12),
        _encounter("E-MX", "MX", 30),
    ):
        run_intake(made, packs, Actor(user), str(doc["id"]), doc)
    engine.dispose()

    out = tmp_path / "plan.json"
    with pytest.raises(SystemExit) as done:
        main(["transfers", "plan", "--from", "2020-02-10", "--to", "2020-03-15", "--out", str(out)])
    assert done.value.code in (0, None)
    assert "stored as proposal" in capsys.readouterr().out
    plan = json.loads(out.read_text())
    assigned = {a["case_id"] for a in plan["assignments"]}
    unassigned = {u["case_id"]: u["reason"] for u in plan["unassigned"]}
    assert plan["people_assigned"] <= 2  # one slot of two seats
    assert len(assigned) + len(unassigned) >= 3  # the family, the Salvadoran, the child (if amenable)
    engine = engine_from_settings(settings)
    with transaction(session_factory(engine)) as session:
        proposals = list(session.query(TransferProposal))
        by_case = {p.case_id: p for p in proposals}
        families = {p.group_id for p in proposals if p.group_id.startswith("family:E-MOTHER")}
        assert len(families) == 1  # mother and son are one family
        family_slots = {by_case[c].proposed_slot_id for c in by_case if by_case[c].group_id in families}
        assert len(family_slots) == 1  # planned together or not at all
    engine.dispose()


def test_dates_are_checked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as done:
        main(
            [
                "transfers",
                "plan",
                "--from",
                "2020-03-01",
                "--to",
                "2020-02-01",
                "--out",
                str(tmp_path / "p.json"),
            ]
        )
    assert done.value.code == 2
    assert "--to" in capsys.readouterr().err
