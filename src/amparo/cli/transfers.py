"""``amparo transfers plan|example|cohorts``: the transfer planner on files, the synthetic Guatemala
2019–2020 cohort, and cohort statistics. HiGHS (the ``transfers`` extra) is imported inside the
planner only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

transfers_app = typer.Typer(
    help="Transfers within the partner's capacity: plan, example cohort, cohort statistics.",
    no_args_is_help=True,
)


@transfers_app.command("plan")
def plan_command(
    cases: Annotated[Path, typer.Option("--cases", help="CASES: .jsonl or .csv, one row per case.")],
    capacity: Annotated[
        Path, typer.Option("--capacity", help="CAPACITY: .json or .yaml (slots, monthly_caps, shelter).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write PLAN.json.")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may take.", min=1.0)
    ] = 60.0,
) -> None:
    """Plan transfers within capacity (see docs/TRANSFERS.md); PLAN.json names every case once."""
    from amparo.transfers.loading import read_capacity, read_cases
    from amparo.transfers.planner import plan

    the_cases = read_cases(cases)
    the_capacity = read_capacity(capacity)
    result = plan(the_cases, the_capacity, time_limit=time_limit)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(
        f"{result.people_assigned} people planned in {len(result.assignments)} cases "
        f"(bound {result.bound:.0f}, gap {result.gap:.2%}, first-come baseline {result.greedy_people_assigned}); "
        f"{len(result.unassigned)} cases unassigned; {result.method}, {result.seconds:.1f} s -> {out}"
    )


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


def register(app: typer.Typer) -> None:
    app.add_typer(transfers_app, name="transfers")
