"""The demo's steps in order, with a progress bar each, and the summary they add up to.

1. the cohort (:mod:`amparo.demo.cohort`); 2. intake (:mod:`amparo.demo.intake`); 3. the ACA case
workflow (:mod:`amparo.demo.workflow`); 4. transfer planning (:mod:`amparo.demo.transfers`);
5. the exchange with Guatemala (:mod:`amparo.demo.exchange`); 6. the suspension replayed
(:mod:`amparo.demo.impact`); 7. the figures read back from the stores, the audit trails verified,
and ``summary.json`` and ``report.html`` written (:mod:`amparo.demo.figures`, :mod:`amparo.demo.report`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import func, select

from amparo.demo import cohort as cohorts
from amparo.demo import exchange, figures, impact, intake, report, transfers, workflow
from amparo.demo.installation import (
    GT_USERS,
    US_USERS,
    Installation,
    open_installation,
    write_tokens,
)
from amparo.engine.registry import PackRegistry
from amparo.errors import ConfigError
from amparo.settings import Settings
from amparo.store.db import masked_url
from amparo.store.models import Encounter

DEFAULT_SEED = 2019


@dataclass(frozen=True)
class DemoRun:
    """What a run produced: the summary (summary.json) and where its files are."""

    summary: dict[str, Any]
    out: Path
    tokens_file: Path


class Steps:
    """One progress bar per step (on the given console; plain lines when it is not a terminal)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<44}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )

    @contextmanager
    def step(self, description: str, total: int | None = 1) -> Iterator[Callable[[], None]]:
        task = self.progress.add_task(description, total=total)

        def advance() -> None:
            self.progress.advance(task)

        yield advance
        self.progress.update(task, completed=total if total is not None else 1, total=total or 1)
        if not self.console.is_terminal:
            self.console.print(f"done: {description}")


def _previous_cohorts(us: Installation, key: str) -> tuple[bool, list[str]]:
    """Whether this cohort is already in the store, and the other demo cohorts it holds."""
    with us.factory() as session:
        here = session.scalar(
            select(func.count()).select_from(Encounter).where(Encounter.id.like(f"{key}-%"))
        )
        others = session.scalars(
            select(Encounter.id)
            .where(Encounter.id.like("DEMO-%"), ~Encounter.id.like(f"{key}-%"))
            .limit(5000)
        ).all()
    return bool(here), sorted({"-".join(i.split("-")[:3]) for i in others})


def set_aside(settings: Settings, out: Path) -> list[Path]:
    """For ``--fresh``: move the embedded SQLite store (with its WAL files) and the demo's Guatemala
    installation aside, renamed with the time, so the run starts on empty stores; the paths they
    went to. Only the embedded store: a database named by AMPARO_DATABASE_URL is never touched."""
    if settings.database_url:
        raise ConfigError(
            "--fresh sets aside only the embedded SQLite store; AMPARO_DATABASE_URL names another "
            f"database ({masked_url(settings.database_url)}): empty it yourself, or run without --fresh"
        )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    moved: list[Path] = []
    database = settings.data_dir / "amparo.db"
    for path in (database, exchange.guatemala_folder(out)):
        if path.exists():
            target = path.with_name(f"{path.name}.set-aside-{stamp}")
            path.rename(target)
            moved.append(target)
            for suffix in ("-wal", "-shm"):
                extra = path.with_name(path.name + suffix)
                if extra.exists():
                    extra.rename(target.with_name(target.name + suffix))
    return moved


def run(
    *,
    out: Path,
    size: int,
    seed: int,
    settings: Settings,
    packs: PackRegistry,
    console: Console,
    flows_report: bool = False,
) -> DemoRun:
    """Run every step; the summary and report are written to ``out``."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    tokens_file = out / "demo-users.json"
    steps = Steps(console)
    gt_dir = exchange.guatemala_folder(out)
    gt_settings = Settings(
        data_dir=gt_dir, database_url=f"sqlite:///{(gt_dir / 'amparo.db').as_posix()}", installation="GT"
    )
    with steps.progress:
        with steps.step("stores: US (configured) and Guatemala (its own)"):
            us = open_installation("US", settings, packs, US_USERS, tokens_file)
            gt = open_installation("GT", gt_settings, packs, GT_USERS, tokens_file)
        try:
            with steps.step(f"cohort: {size:,} encounters, Nov 2019 – Mar 2020"):
                cohort = cohorts.build(size, seed)
            reused, others = _previous_cohorts(us, cohort.key)
            with steps.step("intake: identity, screening, cases", len(cohort.documents)) as advance:
                tally = intake.intake_cohort(us, cohort, advance)
            aca = workflow.aca_cases(us, cohort, tally)
            with steps.step("ACA cases: interviews, findings, concurrence", len(aca)) as advance:
                flow = workflow.run_workflow(us, cohort, aca, advance)
            with steps.step("transfers: plan within capacity, accept"):
                plan = transfers.plan_transfers(us, cohort, aca)
            with steps.step("exchange: packages to Guatemala, outcomes back", len(plan.accepted)) as advance:
                sent = exchange.exchange_packages(us, gt, plan.accepted, advance)
            with steps.step("impact: the 2020-03-16 suspension replayed"):
                replayed = impact.replay(packs, cohort, out)
            if flows_report:
                with steps.step("flows report: the official series (DIR/flows)"):
                    from amparo.flows.report import write_report

                    write_report(out / "flows")
            with steps.step("figures, audit trails, report"):
                stored = figures.store_figures(us, [d["id"] for d in cohort.documents])
                audits = {"US": figures.verify_audit(us), "GT": figures.verify_audit(gt)}
                replayed["transfers_waiting_at_suspension"] = stored.states.get("transfer_scheduled", 0)
                summary = _summary(
                    cohort,
                    settings,
                    reused,
                    others,
                    tally,
                    flow,
                    plan,
                    sent,
                    replayed,
                    stored,
                    audits,
                    started,
                )
                flows = {
                    "by_month": cohorts.monthly_counts(cohort),
                    "by_citizenship": cohorts.by_citizenship(cohort),
                    "full_report": "flows/index.html" if flows_report else None,
                    "title42": {
                        "official": cohorts.official_title42(),
                        "cohort": stored.outcomes.get("title42_expulsion", 0),
                    },
                }
                report.write(out, summary, flows, cohorts.ASSUMPTIONS)
                write_tokens(tokens_file, [us, gt], serve_hint(settings))
        finally:
            us.close()
            gt.close()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    report.write(out, summary, flows, cohorts.ASSUMPTIONS)
    return DemoRun(summary, out, tokens_file)


def serve_hint(settings: Settings) -> str:
    """How to open the web interface on the demo's store (credentials never shown)."""
    if settings.database_url:
        prefix = f"with the same AMPARO_DATABASE_URL set (now {masked_url(settings.database_url)}): "
    elif settings.data_dir.resolve() != (Path.cwd() / "var").resolve():
        prefix = f"AMPARO_DATA_DIR='{settings.data_dir}' "
    else:
        prefix = ""
    return f"{prefix}amparo serve, then open http://127.0.0.1:8000/"


def _summary(
    cohort: cohorts.Cohort,
    settings: Settings,
    reused: bool,
    others: list[str],
    tally: intake.IntakeTally,
    flow: workflow.WorkflowTally,
    plan: transfers.TransferTally,
    sent: exchange.ExchangeTally,
    replayed: dict[str, Any],
    stored: figures.StoreFigures,
    audits: dict[str, dict[str, Any]],
    started: float,
) -> dict[str, Any]:
    states = stored.states
    past_interview = (
        "aca_threshold_interview",
        "supervisor_concurrence",
        "transfer_scheduled",
        "transferred",
    )
    return {
        "cohort": {
            "key": cohort.key,
            "seed": cohort.seed,
            "size": cohort.size,
            "from": cohorts.START.isoformat(),
            "to": cohorts.END.isoformat(),
            "official_encounters": sum(c.official for c in cohort.cells),
            "scale": len(cohort.documents) / max(1, sum(c.official for c in cohort.cells)),
            "run": "reused" if reused else "new",
            "other_demo_cohorts_in_store": others,
        },
        "database": masked_url(settings.resolved_database_url),
        "encounters": stored.encounters,
        "screened": stored.screened,
        "cases": stored.cases,
        "persons": stored.persons,
        "true_persons": len({t.person for t in cohort.truth.values()}),
        "identity": {
            "link": tally.identity.get("link", 0),
            "review": tally.identity.get("review", 0),
            "distinct": tally.identity.get("distinct", 0),
            "open_reviews": tally.open_reviews,
            **figures.identity_against_truth(
                {encounter_id: t.person for encounter_id, t in cohort.truth.items()}, tally.person_of
            ),
        },
        "intake": {"created": tally.created, "replayed": tally.replayed},
        "outcomes": dict(sorted(stored.outcomes.items())),
        "case_states": dict(sorted(states.items())),
        "aca": {
            "amenable": flow.aca_amenable,
            "not_initiated": dict(flow.not_initiated),
            "interviewed": sum(flow.states.get(s, 0) for s in (*past_interview, "excepted", "credible_fear")),
            "harm_found": stored.findings_of_harm,
            "concurred": sum(flow.states.get(s, 0) for s in ("transfer_scheduled", "transferred")),
            "this_run": {
                "interviews": flow.interviews,
                "fear_of_guatemala": flow.fear_of_guatemala,
                "proposed": flow.proposed,
                "concurred": flow.concurred,
            },
        },
        "aca_transfers_planned": plan.people_planned,
        "capacity": plan.capacity_people,
        "families": plan.families,
        "families_split": plan.families_split,
        "transfers": {
            "scenario": "as_implemented (about 250 people a month), scaled to the cohort",
            "monthly_cap": plan.monthly_cap,
            "departures": len(transfers.demo_capacity(cohort)[0].slots),
            "seats": plan.seats,
            "cases": plan.cases,
            "bound": plan.bound,
            "first_come": plan.greedy,
            "method": plan.method,
            "plan_id": plan.plan_id,
            "reused": plan.reused,
            "families": plan.families,
            "accepted_cases": len(plan.accepted),
            "unassigned_by_reason": plan.unassigned_reasons,
        },
        "exchange": {
            "packages_sent": sent.packages_sent,
            "packages_acknowledged": sent.packages_acknowledged,
            "transferred": states.get("transferred", 0),
            "outcome_envelopes": sent.outcome_envelopes,
            "outcomes_back": dict(sent.outcomes_back),
            "guatemala_events": dict(sent.guatemala_events),
        },
        "impact": replayed,
        "audit": audits,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
    }
