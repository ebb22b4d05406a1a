"""``amparo demo``: screen the bundled example encounters and print a readable table."""

from __future__ import annotations

import json
from importlib.resources import files

import typer
from rich.console import Console
from rich.table import Table


def demo() -> None:
    """Screen the bundled example encounters (the screening contract's examples) and print a table."""
    from amparo.screening import screen

    console = Console(width=max(Console().width, 150))
    table = Table(title="amparo demo: the screening contract's example encounters", show_lines=True)
    for column in (
        "encounter",
        "encountered",
        "nationality",
        "T42",
        "UAC",
        "ACA to",
        "bars",
        "MPP",
        "standard",
        "flags",
    ):
        table.add_column(column)
    matched = 0
    folder = files("amparo.screening").joinpath("examples")
    examples = sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)
    for resource in examples:
        example = json.loads(resource.read_text(encoding="utf-8"))
        decision = screen(example["encounter"])
        s = decision.summary
        expected = example.get("expected_summary", {})
        agrees = all(
            s[k] == v for k, v in expected.items() if not (isinstance(v, str) and v.startswith("(contested"))
        )
        matched += agrees
        table.add_row(
            decision.encounter_id,
            decision.encountered_on.isoformat(),
            ",".join(example["encounter"]["person"]["nationalities"]) or "stateless",
            "yes" if s["title42_expulsion"] else "no",
            "yes" if s["unaccompanied_child"] else "no",
            s["aca_removal_to"] or "—",
            ", ".join(s["asylum_bars"]) or "—",
            "yes" if s["mpp_amenable"] else "no",
            (s["protection_screening_standard"] or "—").replace("_", " "),
            "\n".join(f["id"] for f in decision.flags) or "—",
        )
    console.print(table)
    console.print(f"{matched} of {len(examples)} match the contract's expected summaries.")
    console.print(
        "Explain one: amparo screen FILE   ·   all rules: amparo rules list   ·   legal tests: amparo rules test"
    )


def register(app: typer.Typer) -> None:
    """Add ``amparo demo``."""
    app.command("demo")(demo)
