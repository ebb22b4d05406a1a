"""``amparo transfers plan|example|cohorts``: the transfer planner on files, the synthetic Guatemala
2019–2020 cohort, and cohort statistics; ``capacity``, ``slots``, ``propose``, ``decide`` and
``show``: capacity and plans in the store (AMPARO_DATABASE_URL). HiGHS (the ``transfers`` extra)
is imported inside the planner only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

transfers_app = typer.Typer(
    help="Transfers within the partner's capacity: plan, example cohort, cohort statistics.",
    no_args_is_help=True,
)


@transfers_app.command("plan")
def plan_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write PLAN.json.")],
    cases: Annotated[
        Path | None, typer.Option("--cases", help="CASES: .jsonl or .csv, one row per case.")
    ] = None,
    capacity: Annotated[
        Path | None,
        typer.Option("--capacity", help="CAPACITY: .json or .yaml (slots, monthly_caps, shelter)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Plan over the store instead: departures from this day (YYYY-MM-DD)."),
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="... to this day (YYYY-MM-DD).")] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may take.", min=1.0)
    ] = 60.0,
) -> None:
    """Plan transfers within capacity (see docs/TRANSFERS.md); PLAN.json names every case once.

    From files (--cases and --capacity), or over the store (--from and --to): the open cases whose
    current decision is a removal under an agreement, the capacity recorded for the period; the
    plan is stored as a proposal for a supervisor to decide, family by family."""
    from amparo.cli.options import parse_date
    from amparo.errors import FieldError, InputError
    from amparo.transfers.planner import plan

    if start is not None or end is not None:
        first, last = parse_date(start, "--from"), parse_date(end, "--to")
        if first is None or last is None:
            raise InputError([FieldError("--from" if first is None else "--to", "give both --from and --to")])
        if last < first:
            raise InputError([FieldError("--to", f"{last} is before --from {first}")])
        result, plan_id = _plan_over_store(first, last, time_limit)
        note = f"; stored as proposal {plan_id}"
    else:
        from amparo.transfers.loading import read_capacity, read_cases

        if cases is None or capacity is None:
            raise InputError(
                [
                    FieldError(
                        "--cases" if cases is None else "--capacity",
                        "give --cases and --capacity, or --from and --to",
                    )
                ]
            )
        result = plan(read_cases(cases), read_capacity(capacity), time_limit=time_limit)
        note = ""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(
        f"{result.people_assigned} people planned in {len(result.assignments)} cases "
        f"(bound {result.bound:.0f}, gap {result.gap:.2%}, first-come baseline {result.greedy_people_assigned}); "
        f"{len(result.unassigned)} cases unassigned; {result.method}, {result.seconds:.1f} s -> {out}{note}"
    )


def _plan_over_store(first: dt.date, last: dt.date, time_limit: float) -> tuple[Any, str]:
    from amparo import audit
    from amparo.cli.packs import pack_registry
    from amparo.installation import installation_store
    from amparo.settings import load_settings
    from amparo.store.db import transaction
    from amparo.transfers import capacity_store, proposals
    from amparo.transfers.planner import plan
    from amparo.transfers.store_cases import cases_to_plan

    settings = load_settings()
    with installation_store(settings) as made:
        with transaction(made) as session:
            the_cases = cases_to_plan(session, pack_registry(), first, last)
            the_capacity = capacity_store.capacity_for(session, first, last)
            result = plan(the_cases, the_capacity, time_limit=time_limit)
            plan_id = proposals.save_plan(
                session, result, the_cases, the_capacity, actor="cli", period=(first, last)
            )
        audit.settle(made)
    return result, plan_id


@transfers_app.command("example")
def example_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for cases.jsonl and the capacity files.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2019,
    size: Annotated[int, typer.Option("--size", help="Number of cases.", min=1)] = 1000,
) -> None:
    """Write a synthetic Guatemala 2019–2020 cohort: cases.jsonl, capacity.yaml (the 2019–2020 pace)
    and capacity-asylum-system.yaml (Guatemala's own processing capacity)."""
    from amparo.transfers.synthetic import guatemala_cohort, write_cohort

    as_implemented = guatemala_cohort(seed=seed, n_cases=size, scenario="as_implemented")
    asylum_system = guatemala_cohort(seed=seed, n_cases=size, scenario="asylum_system")
    write_cohort(as_implemented, out / "cases.jsonl", out / "capacity.yaml")
    write_cohort(asylum_system, out / "cases.jsonl", out / "capacity-asylum-system.yaml")
    typer.echo(
        f"{len(as_implemented.cases)} synthetic cases and {len(as_implemented.capacity.slots)} flights in {out}"
    )
    typer.echo(
        f"plan them: amparo transfers plan --cases {out / 'cases.jsonl'} --capacity {out / 'capacity.yaml'} --out {out / 'plan.json'}"
    )


@transfers_app.command("cohorts")
def cohorts_command(
    records: Annotated[
        Path | None,
        typer.Option(
            "--records",
            help="Outcome records (.jsonl): person_id, transferred_on, claim_lodged_on, outcome, outcome_on.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Filing-to-outcome by transfer-month cohort; without --records, the published Guatemala outcome."""
    from amparo.errors import FieldError, InputError
    from amparo.transfers.cohorts import cohort_table, guatemala_published, parse_records

    if records is None:
        rows = guatemala_published()
    else:
        try:
            lines = [
                json.loads(line) for line in records.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError([FieldError("", f"cannot read JSON Lines: {exc}")], source=str(records)) from exc
        rows = cohort_table(parse_records(lines, source=str(records)))
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "cohort", "transferred", "claims", "granted", "refused", "abandoned", "pending", "median days", "note"
    )
    sources: list[str] = []

    def cell(value: object) -> str:
        return "—" if value is None else str(value)

    for row in rows:
        table.add_row(
            row.cohort,
            str(row.transferred),
            cell(row.claims_lodged),
            cell(row.outcomes.get("granted")),
            cell(row.outcomes.get("refused")),
            cell(row.outcomes.get("abandoned")),
            cell(row.pending),
            cell(row.median_days_claim_to_outcome),
            f"[{len(sources) + 1}]" if row.source else "",
        )
        if row.source:
            sources.append(row.source)
    console = Console()
    console.print(table)
    for number, source in enumerate(sources, start=1):
        console.print(f"[{number}] {source}", highlight=False, markup=False)


capacity_app = typer.Typer(
    help="Partner capacity in the store: dated values with their sources.", no_args_is_help=True
)
slots_app = typer.Typer(help="Departures (slots) in the store.", no_args_is_help=True)
transfers_app.add_typer(capacity_app, name="capacity")
transfers_app.add_typer(slots_app, name="slots")


@contextmanager
def _session() -> Iterator[Session]:
    """One audited unit of work on the database in AMPARO_DATABASE_URL."""
    from amparo.installation import installation_store
    from amparo.settings import load_settings
    from amparo.store.db import transaction

    settings = load_settings()
    with installation_store(settings) as made:
        with transaction(made) as session:
            yield session


def _date(value: str, option: str) -> dt.date:
    from amparo.errors import FieldError, InputError

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError([FieldError(option, f"expected a date YYYY-MM-DD; got {value!r}")]) from exc


@capacity_app.command("load-shipped")
def capacity_load_shipped() -> None:
    """Record the shipped figures: Guatemala 2019–2020 (with sources), Honduras and El Salvador scenarios."""
    from amparo.cli.audit import CLI_ACTOR
    from amparo.transfers.capacity_store import load_shipped

    with _session() as session:
        ids = load_shipped(session, actor=CLI_ACTOR)
    typer.echo(f"{len(ids)} capacity values recorded")


@capacity_app.command("set")
def capacity_set(
    country: Annotated[str, typer.Option("--country", help="Receiving country, ISO alpha-2.")],
    measure: Annotated[
        str,
        typer.Option(
            "--measure",
            help="monthly_cap_people, shelter_places, shelter_stay_days, adjudicators or decisions_per_year.",
        ),
    ],
    value: Annotated[int, typer.Option("--value", help="The value.")],
    start: Annotated[str, typer.Option("--from", help="In force from (YYYY-MM-DD).")],
    source: Annotated[str, typer.Option("--source", help="Where the figure comes from.")],
    end: Annotated[str | None, typer.Option("--to", help="In force until, exclusive (YYYY-MM-DD).")] = None,
    certainty: Annotated[str, typer.Option("--certainty", help="V: seen in the source; U: inferred.")] = "V",
) -> None:
    """Record a dated capacity value (a change supersedes the value with the same start; audited)."""
    from amparo.cli.audit import CLI_ACTOR
    from amparo.transfers.capacity_store import record_value

    with _session() as session:
        row_id = record_value(
            session,
            actor=CLI_ACTOR,
            receiving_country=country,
            measure=measure,
            value=value,
            valid_from=_date(start, "--from"),
            valid_to=_date(end, "--to") if end else None,
            source=source,
            certainty=certainty,
        )
    typer.echo(row_id)


@slots_app.command("import")
def slots_import(
    capacity: Annotated[
        Path, typer.Argument(help="A CAPACITY file (.json or .yaml); its slots are recorded.")
    ],
) -> None:
    """Record the slots of a CAPACITY file in the store (audited)."""
    from amparo.cli.audit import CLI_ACTOR
    from amparo.transfers.capacity_store import record_slot
    from amparo.transfers.loading import read_capacity

    document = read_capacity(capacity)
    with _session() as session:
        for slot in document.slots:
            record_slot(session, actor=CLI_ACTOR, slot=slot)
    typer.echo(f"{len(document.slots)} slots recorded")


@transfers_app.command("propose")
def propose_command(
    cases: Annotated[Path, typer.Option("--cases", help="CASES: .jsonl or .csv.")],
    start: Annotated[str, typer.Option("--from", help="First departure date (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last departure date (YYYY-MM-DD).")],
    out: Annotated[Path | None, typer.Option("--out", help="Also write PLAN.json here.")] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may take.", min=1.0)
    ] = 60.0,
) -> None:
    """Plan CASES on the capacity stored for the period, and store the plan as a proposal."""
    from amparo.cli.audit import CLI_ACTOR
    from amparo.transfers.capacity_store import capacity_for
    from amparo.transfers.loading import read_cases
    from amparo.transfers.planner import plan
    from amparo.transfers.proposals import save_plan

    first, last = _date(start, "--from"), _date(end, "--to")
    the_cases = read_cases(cases)
    with _session() as session:
        capacity = capacity_for(session, first, last)
        result = plan(the_cases, capacity, time_limit=time_limit)
        plan_id = save_plan(session, result, the_cases, capacity, actor=CLI_ACTOR, period=(first, last))
    if out is not None:
        out.write_text(
            json.dumps({"plan_id": plan_id, **result.as_dict()}, ensure_ascii=False, indent=1) + "\n"
        )
    typer.echo(
        f"{plan_id}: {result.people_assigned} people proposed (gap {result.gap:.2%}) on {len(capacity.slots)} slots"
    )


@transfers_app.command("decide")
def decide_command(
    plan_id: Annotated[str, typer.Argument(help="The plan.")],
    case_id: Annotated[str, typer.Argument(help="A case of the plan; its whole family is decided.")],
    accept: Annotated[bool, typer.Option("--accept", help="Accept the proposed slot.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the proposal.")] = False,
    edit: Annotated[str | None, typer.Option("--edit", help="Assign this slot instead (checked).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the decision.")] = None,
) -> None:
    """Record a decision on one family's assignment (exactly one of --accept, --reject, --edit SLOT)."""
    from amparo.cli.audit import CLI_ACTOR
    from amparo.errors import FieldError, InputError
    from amparo.transfers.proposals import Decision, decide

    options: tuple[tuple[Decision, bool], ...] = (
        ("accepted", accept),
        ("rejected", reject),
        ("edited", edit is not None),
    )
    chosen = [name for name, on in options if on]
    if len(chosen) != 1:
        raise InputError([FieldError("--accept/--reject/--edit", "give exactly one of them")])
    with _session() as session:
        decided = decide(
            session, plan_id, case_id, actor=CLI_ACTOR, decision=chosen[0], slot_id=edit, note=note
        )
    typer.echo(f"{chosen[0]}: {', '.join(decided)}")


@transfers_app.command("show")
def show_command(plan_id: Annotated[str, typer.Argument(help="The plan.")]) -> None:
    """A stored plan with each case's proposal and decision (JSON)."""
    from amparo.transfers.proposals import plan_view

    with _session() as session:
        view = plan_view(session, plan_id)
    typer.echo(json.dumps(view, ensure_ascii=False, indent=1))


def register(app: typer.Typer) -> None:
    app.add_typer(transfers_app, name="transfers")
