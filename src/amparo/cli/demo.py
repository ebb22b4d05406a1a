"""``amparo demo``: the main job end to end on a realistic cohort (the steps are in :mod:`amparo.demo`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

#: The default cohort size: keeps ``make demo`` within a few minutes on 2 cores (docs/PERFORMANCE.md).
DEFAULT_SIZE = 3000
EXAMPLE = Path("examples/aca-honduran-adult-2020-02.json")


def _closing_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"amparo demo: {summary['cohort']['key']} ({summary['cohort']['run']})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    audit = ", ".join(
        f"{name} {'intact' if v['intact'] else 'NOT INTACT'} ({v['entries']:,} entries)"
        for name, v in summary["audit"].items()
    )
    ident = summary["identity"]
    rows = (
        ("encounters (CBP Nov 2019 – Mar 2020, scaled)", f"{summary['encounters']:,}"),
        ("screened, law read on their dates", f"{summary['screened']:,}"),
        (f"persons after identity resolution (true: {summary['true_persons']:,})", f"{summary['persons']:,}"),
        ("joined to a known person / left for review", f"{summary['identity']['link']:,} / {summary['identity']['open_reviews']:,}"),
        ("repeat crossers under one person (of true; split, merged)", f"{ident['repeat_crossers_resolved']:,} of {ident['true_repeat_crossers']:,}; {ident['repeat_crossers_split']:,}, {ident['persons_merged']:,}"),
        ("ACA amenable / interviewed / harm found", f"{summary['aca']['amenable']:,} / {summary['aca']['interviewed']:,} / {summary['aca']['harm_found']:,}"),
        ("transfers concurred by a second supervisor", f"{summary['aca']['concurred']:,}"),
        ("people planned within capacity", f"{summary['aca_transfers_planned']:,} of {summary['capacity']:,}"),
        ("families split", f"{summary['families_split']:,}"),
        ("packages to Guatemala, acknowledged", f"{summary['exchange']['packages_acknowledged']:,}"),
        ("outcomes reported back", ", ".join(f"{k} {v}" for k, v in summary["exchange"]["outcomes_back"].items()) or "—"),
        ("changed by the 2020-03-16 suspension", f"{summary['impact']['encounters_affected']:,} encounters"),
        ("audit trails", audit),
    )  # fmt: skip
    for name, value in rows:
        table.add_row(name, value)
    return table


def demo(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for report.html, summary.json and demo-users.json (default: AMPARO_DATA_DIR/demo).",
        ),
    ] = None,
    size: Annotated[
        int,
        typer.Option(
            "--size", min=50, max=50_000, help="Encounters in the cohort (CBP counted 190,940 in the period)."
        ),
    ] = DEFAULT_SIZE,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, help="The cohort's seed, 0 or more (same seed and size: same cohort)."),
    ] = 2019,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="Replace what an earlier run stored: move the embedded SQLite store and DIR/guatemala aside "
            "(renamed with the time) and start empty; refused when AMPARO_DATABASE_URL is set.",
        ),
    ] = False,
    flows_report: Annotated[
        bool,
        typer.Option(
            "--flows-report",
            help="Also write the full flows report of the official series to DIR/flows (about 40 s more).",
        ),
    ] = False,
) -> None:
    """Run the whole job on a realistic cohort: the Guatemala agreement's months (Nov 2019 – Mar 2020).

    Stores everything in the database of AMPARO_DATABASE_URL when it is set, else in the embedded
    SQLite file AMPARO_DATA_DIR/amparo.db (default ./var/amparo.db); the Guatemala installation it
    exchanges case packages with gets its own SQLite store in DIR/guatemala. A second run with the
    same size and seed reuses the cohort (intake is idempotent); another size or seed adds a new
    cohort beside it; --fresh replaces the embedded store (the old file is kept, renamed).
    """
    from amparo.cli.packs import pack_registry
    from amparo.demo.pipeline import run, serve_hint, set_aside
    from amparo.settings import load_settings
    from amparo.store.db import masked_url

    settings = load_settings()
    out = out if out is not None else settings.data_dir / "demo"
    console = Console(width=max(Console().width, 110))
    if fresh:
        for path in set_aside(settings, out):
            console.print(f"Set aside: {path}", markup=False)
    console.print(
        f"amparo demo: store {masked_url(settings.resolved_database_url)}; output {out}", markup=False
    )
    result = run(
        out=out,
        size=size,
        seed=seed,
        settings=settings,
        packs=pack_registry(),
        console=console,
        flows_report=flows_report,
    )
    summary = result.summary
    console.print(_closing_table(summary))
    cohort = summary["cohort"]
    if cohort["run"] == "reused":
        console.print(
            f"Reused cohort {cohort['key']}: it was already in the store (intake replays change nothing)."
        )
    else:
        console.print(f"New cohort {cohort['key']} stored.")
    if cohort["other_demo_cohorts_in_store"]:
        console.print(
            f"The store also holds earlier demo cohorts, left as they are: {', '.join(cohort['other_demo_cohorts_in_store'])}."
        )
    console.print(f"Report: {out / 'report.html'}   ·   figures: {out / 'summary.json'}", markup=False)
    console.print(f"Web interface: {serve_hint(settings)}", markup=False)
    console.print(
        f"  sign in as demo-supervisor (or demo-officer) with the token in {result.tokens_file} (readable by you only).",
        markup=False,
    )
    if summary["identity"]["open_reviews"]:
        console.print(
            f"{summary['identity']['open_reviews']} possible links wait for an officer: "
            "amparo identity review --as demo-supervisor",
            markup=False,
        )
    console.print(
        f"Replay the rule change yourself: amparo impact {out / 'impact-input.jsonl'} --before 2020-03-15 --after 2020-03-16",
        markup=False,
    )
    if EXAMPLE.exists():
        console.print(
            f"Explain one encounter: amparo screen {EXAMPLE}   ·   check the trail: amparo audit verify"
        )
    else:
        console.print(
            "Explain one encounter: amparo screen FILE.json   ·   check the trail: amparo audit verify"
        )
    if not all(v["intact"] for v in summary["audit"].values()):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``amparo demo``."""
    app.command("demo")(demo)
