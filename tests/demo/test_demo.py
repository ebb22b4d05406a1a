"""``amparo demo`` at a small size, run twice on a fresh embedded store: the summary's figures
checked against each other and against the two stores (US and Guatemala), read here directly."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from amparo import audit
from amparo.audit.verify import verify_rows
from amparo.cli import build_app
from amparo.exchange.models import ExchangeEnvelope
from amparo.identity.tables import IdentityLink
from amparo.store.db import make_engine, masked_url, session_factory
from amparo.store.models import Case, Decision, Encounter
from amparo.transfers.tables import TransferOutcome, TransferPlan, TransferProposal

SIZE = 150


@dataclass
class Runs:
    data: Path
    out: Path
    first: dict[str, Any]
    second: dict[str, Any]
    output: str
    fresh: dict[str, Any]
    fresh_output: str


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    data = tmp_path_factory.mktemp("demo")
    out = data / "out"
    env = {"AMPARO_DATA_DIR": str(data / "var"), "AMPARO_DATABASE_URL": None}
    args = ["demo", "--size", str(SIZE), "--out", str(out)]
    runner = CliRunner()
    first = runner.invoke(build_app(), args, env=env)
    assert first.exit_code == 0, first.output
    summary = json.loads((out / "summary.json").read_text())
    second = runner.invoke(build_app(), args, env=env)
    assert second.exit_code == 0, second.output
    reused = json.loads((out / "summary.json").read_text())
    # in another folder (the first two runs' stores stay readable): a small run, then one with --fresh
    # that sets its stores aside and starts again (the same figures, nothing replayed)
    fresh_env = {"AMPARO_DATA_DIR": str(data / "var-fresh"), "AMPARO_DATABASE_URL": None}
    fresh_args = ["demo", "--size", "60", "--out", str(data / "out-fresh")]
    assert runner.invoke(build_app(), fresh_args, env=fresh_env).exit_code == 0
    before = json.loads((data / "out-fresh" / "summary.json").read_text())
    third = runner.invoke(build_app(), [*fresh_args, "--fresh"], env=fresh_env)
    assert third.exit_code == 0, third.output
    fresh = json.loads((data / "out-fresh" / "summary.json").read_text())
    assert fresh["encounters"] == before["encounters"] and fresh["persons"] == before["persons"]
    return Runs(data, out, summary, reused, second.output, fresh, third.output)


@pytest.fixture
def us(runs: Runs) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{runs.data / 'var' / 'amparo.db'}")
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def gt(runs: Runs) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{runs.out / 'guatemala' / 'amparo.db'}")
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def _cohort_ids(session: Session, key: str) -> list[str]:
    return list(session.scalars(select(Encounter.id).where(Encounter.id.like(f"{key}-%"))))


def test_every_encounter_is_screened_and_has_its_case(runs: Runs, us: Session) -> None:
    s = runs.first
    ids = _cohort_ids(us, s["cohort"]["key"])
    assert s["encounters"] == len(ids) >= SIZE * 0.9
    first_decisions = us.scalar(
        select(func.count())
        .select_from(Decision)
        .where(Decision.sequence == 1, Decision.encounter_id.in_(ids))
    )
    assert s["screened"] == first_decisions == len(ids)
    assert s["cases"] == len(ids) == sum(s["case_states"].values())
    read_on = us.execute(
        select(Encounter.document, Decision.as_of)
        .join(Decision, (Decision.encounter_id == Encounter.id) & (Decision.sequence == 1))
        .where(Encounter.id.in_(ids))
    ).all()
    assert all(dt.date.fromisoformat(document["adjudicated_on"]) == as_of for document, as_of in read_on)
    assert (
        dt.date(2019, 11, 1) <= min(a for _, a in read_on) < max(a for _, a in read_on) <= dt.date(2020, 4, 3)
    )
    stored_states: dict[str, int] = defaultdict(int)
    for state in us.scalars(select(Case.state).where(Case.encounter_id.in_(ids))):
        stored_states[state] += 1
    assert dict(stored_states) == s["case_states"]


def test_persons_are_resolved_and_repeat_crossers_found(runs: Runs, us: Session) -> None:
    s = runs.first
    ids = _cohort_ids(us, s["cohort"]["key"])
    persons = set(us.scalars(select(Encounter.person_id).where(Encounter.id.in_(ids))))
    assert s["persons"] == len(persons) <= s["encounters"]
    links = list(us.scalars(select(IdentityLink.outcome).where(IdentityLink.encounter_id.in_(ids))))
    assert len(links) == s["encounters"]
    assert s["identity"]["link"] == links.count("link") > 0  # repeat crossers joined to their person
    assert s["identity"]["link"] + s["identity"]["review"] + s["identity"]["distinct"] == s["encounters"]
    identity = s["identity"]
    assert 0 < identity["repeat_crossers_resolved"] <= identity["true_repeat_crossers"]
    assert (
        identity["repeat_crossers_resolved"] + identity["repeat_crossers_split"]
        == identity["true_repeat_crossers"]
    )
    # every encounter not joined to a known person made a person of its own
    assert s["persons"] == s["encounters"] - s["identity"]["link"]


def test_aca_figures_add_up(runs: Runs) -> None:
    s = runs.first
    aca, states = s["aca"], s["case_states"]
    assert aca["amenable"] == s["outcomes"].get("aca_removal_to:GT", 0) + aca["harm_found"]
    assert (
        aca["interviewed"]
        >= aca["concurred"]
        == states.get("transfer_scheduled", 0) + states.get("transferred", 0)
    )
    assert aca["interviewed"] + sum(aca["not_initiated"].values()) == aca["amenable"]
    assert s["exchange"]["transferred"] == states.get("transferred", 0) == s["transfers"]["accepted_cases"]


def test_transfers_within_capacity_and_no_family_split(runs: Runs, us: Session) -> None:
    s = runs.first
    assert 0 < s["aca_transfers_planned"] <= s["capacity"]
    plan = us.get(TransferPlan, s["transfers"]["plan_id"])
    assert plan is not None
    proposals = list(us.scalars(select(TransferProposal).where(TransferProposal.plan_id == plan.plan_id)))
    slots = {slot["slot_id"]: slot for slot in plan.capacity["slots"]}
    caps = {(c["receiving_country"], c["month"]): c["people"] for c in plan.capacity["monthly_caps"]}
    by_month: dict[str, int] = defaultdict(int)
    by_slot: dict[str, int] = defaultdict(int)
    family_slots: dict[str, set[str | None]] = defaultdict(set)
    for row in proposals:
        family_slots[row.group_id].add(row.decided_slot_id)
        if row.decided_slot_id:
            assert row.decision == "accepted"
            by_slot[row.decided_slot_id] += 1
            by_month[str(slots[row.decided_slot_id]["date"])[:7]] += 1
    assert sum(by_slot.values()) == s["aca_transfers_planned"]
    assert all(n <= slots[slot]["seats"] for slot, n in by_slot.items())
    assert all(n <= caps[("GT", month)] for month, n in by_month.items())
    assert s["families_split"] == 0 == sum(1 for chosen in family_slots.values() if len(chosen) > 1)
    assert s["families"] == len(family_slots)


def test_packages_went_to_guatemala_signed_and_outcomes_came_back(
    runs: Runs, us: Session, gt: Session
) -> None:
    s = runs.first
    sent = list(us.scalars(select(ExchangeEnvelope).where(ExchangeEnvelope.direction == "out")))
    received = list(gt.scalars(select(ExchangeEnvelope).where(ExchangeEnvelope.direction == "in")))
    assert len(sent) == s["exchange"]["packages_acknowledged"] == s["exchange"]["transferred"] > 0
    assert all(e.acknowledged_at for e in sent)
    assert {e.digest for e in received} == {e.digest for e in sent}
    arrivals = gt.scalar(
        select(func.count()).select_from(TransferOutcome).where(TransferOutcome.event == "transferred")
    )
    assert arrivals == s["exchange"]["transferred"] == s["exchange"]["outcomes_back"]["transferred"]
    back = list(us.scalars(select(ExchangeEnvelope).where(ExchangeEnvelope.direction == "in")))
    assert len(back) == s["exchange"]["outcome_envelopes"] == 1


def test_the_suspension_replayed_changes_only_aca_outcomes(runs: Runs) -> None:
    impact = runs.first["impact"]
    assert impact["before"] == "2020-03-15" and impact["after"] == "2020-03-16"
    assert 0 < impact["encounters_affected"] <= impact["screened"] <= runs.first["encounters"]
    assert impact["by_key"]["aca_removal_to"]["changed"] == impact["encounters_affected"]
    assert impact["by_key"]["aca_removal_to"]["transitions"] == {"GT -> null": impact["encounters_affected"]}
    rows = [json.loads(line) for line in (runs.out / "impact.jsonl").read_text().splitlines()]
    assert len(rows) == impact["encounters_affected"]
    assert all(r["aca_removal_to_before"] == "GT" and r["aca_removal_to_after"] is None for r in rows)
    assert sum(impact["by_month"].values()) == impact["encounters_affected"]
    assert all(month <= "2020-03" for month in impact["by_month"])


def test_audit_trails_verify_in_both_stores(runs: Runs, us: Session, gt: Session) -> None:
    for name, session in (("US", us), ("GT", gt)):
        verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
        assert verdict.ok, verdict.message
        assert runs.second["audit"][name]["intact"] is True
    assert runs.first["audit"]["US"]["entries"] > runs.first["encounters"]


def test_a_second_run_reuses_the_cohort_and_changes_no_figure(runs: Runs) -> None:
    first, second = runs.first, runs.second
    assert first["cohort"]["run"] == "new" and second["cohort"]["run"] == "reused"
    assert second["intake"] == {"created": 0, "replayed": first["encounters"]}
    for key in (
        "encounters",
        "screened",
        "persons",
        "aca_transfers_planned",
        "capacity",
        "families_split",
        "outcomes",
    ):
        assert second[key] == first[key], key
    assert second["transfers"]["reused"] is True and second["exchange"]["packages_sent"] == 0
    assert "Reused cohort" in runs.output


def test_report_and_tokens_files(runs: Runs) -> None:
    page = (runs.out / "report.html").read_text()
    assert page.count("<svg") >= 4 and "<script" not in page and 'src="http' not in page
    users = runs.out / "demo-users.json"
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    names = {u["name"] for u in json.loads(users.read_text())["users"]}
    assert {"demo-officer", "demo-supervisor", "demo-supervisor-2", "demo-igm"} <= names
    assert "http://127.0.0.1:8000/" in runs.output and str(users) in runs.output.replace("\n", "")


def test_credentials_are_never_printed() -> None:
    assert "s3cret" not in masked_url("postgresql+psycopg://amparo:s3cret@db.example:5432/amparo")
    assert "***" in masked_url("postgresql://amparo:s3cret@db.example/amparo")
    assert "s3cret" not in masked_url("not a url amparo:s3cret@db")
    result = CliRunner().invoke(build_app(), ["demo", "--help"], env={"COLUMNS": "200"})
    assert "AMPARO_DATABASE_URL" in result.output and "SQLite" in result.output


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    env = {
        "AMPARO_DATA_DIR": str(tmp_path),
        "AMPARO_DATABASE_URL": "postgresql://amparo:s3cret@127.0.0.1:1/amparo",
    }
    result = CliRunner().invoke(
        build_app(), ["demo", "--size", "50", "--out", str(tmp_path / "out")], env=env
    )
    assert result.exit_code != 0
    assert "s3cret" not in result.output and "amparo:***@127.0.0.1:1/amparo" in result.output


def test_dates_in_the_summary_are_the_agreements_months(runs: Runs) -> None:
    cohort = runs.first["cohort"]
    assert (cohort["from"], cohort["to"]) == ("2019-11-01", "2020-03-31")
    assert dt.date.fromisoformat(cohort["from"]) < dt.date(2020, 3, 16) < dt.date.fromisoformat(cohort["to"])


def test_the_demo_users_token_opens_the_served_store(runs: Runs) -> None:
    import warnings

    from amparo.api.app import create_app
    from amparo.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    tokens = {u["name"]: u["token"] for u in json.loads((runs.out / "demo-users.json").read_text())["users"]}
    settings = Settings(data_dir=runs.data / "var", database_url=None)
    with TestClient(create_app(settings)) as client:
        headers = {"Authorization": f"Bearer {tokens['demo-supervisor']}"}
        listed = client.get("/api/v1/cases", headers=headers)
        assert listed.status_code == 200
        assert runs.first["cohort"]["key"] in listed.text
        assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    guatemala = Settings(data_dir=runs.out / "guatemala", database_url=None, installation="GT")
    with TestClient(create_app(guatemala)) as client:
        received = client.get(
            "/api/v1/exchange/packages", headers={"Authorization": f"Bearer {tokens['demo-igm']}"}
        )
        assert received.status_code == 200
        packages = received.json()
        assert len(packages) == runs.first["exchange"]["transferred"]
        assert all(p["package"]["aca_transfer"]["receiving_country"] == "GT" for p in packages)
        assert all("fear_claims" not in p["package"] for p in packages)  # 208.6: not for Guatemala


def test_fresh_sets_the_stores_aside_and_starts_again(runs: Runs) -> None:
    assert runs.fresh["cohort"]["run"] == "new" and runs.fresh["intake"]["replayed"] == 0
    assert runs.fresh["encounters"] == runs.fresh["screened"] > 0
    kept = sorted((runs.data / "var-fresh").glob("amparo.db.set-aside-*"))
    assert [
        p.name for p in kept if not p.name.endswith(("-wal", "-shm"))
    ] and "Set aside:" in runs.fresh_output
    assert sorted((runs.data / "out-fresh").glob("guatemala.set-aside-*"))


def test_fresh_is_refused_on_a_named_database(tmp_path: Path) -> None:
    env = {
        "AMPARO_DATA_DIR": str(tmp_path),
        "AMPARO_DATABASE_URL": "postgresql://amparo:s3cret@db.example/amparo",
    }
    result = CliRunner().invoke(build_app(), ["demo", "--fresh", "--out", str(tmp_path / "out")], env=env)
    assert result.exit_code != 0
    assert "--fresh" in str(result.exception) and "s3cret" not in str(result.exception) + result.output
