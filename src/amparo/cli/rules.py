"""``amparo rules list|show|test|catalogue``: the rule catalogue and the YAML legal tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

rules_app = typer.Typer(help="The rule catalogue and the YAML legal tests.", no_args_is_help=True)


_READ_ON = {"as_of": "as of", "encountered_on": "encounter"}

PackOption = Annotated[
    str | None, typer.Option("--pack", help="Only this law pack (e.g. us); default: every installed pack.")
]


def _rows(pack_id: str | None) -> list[dict[str, Any]]:
    from amparo.cli.packs import chosen_packs
    from amparo.engine.catalogue import rule_rows

    return [{"pack": p.id, **row} for p in chosen_packs(pack_id) for row in rule_rows(p.law_book())]


@rules_app.command("list")
def list_rules(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False, pack: PackOption = None
) -> None:
    """List every rule: id, title, kind, dates and citations."""
    rows = _rows(pack)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    packs = sorted({row["pack"] for row in rows})
    table = Table(
        title=f"law pack {packs[0]}" if len(packs) == 1 else None, box=box.SIMPLE_HEAD, pad_edge=False
    )
    if len(packs) > 1:
        table.add_column("pack", no_wrap=True)
    table.add_column("id", no_wrap=True)  # ids are copied into commands: never truncated
    table.add_column("title (versions)", overflow="fold", ratio=1)
    table.add_column("read on", no_wrap=True)
    table.add_column("from", no_wrap=True)
    for row in rows:
        versions = row["versions"]
        cells = [row["id"], f"{row['title']} ({len(versions)})", _READ_ON.get(row["read_on"], row["read_on"])]
        cells.append(versions[0]["valid_from"])
        table.add_row(*([row["pack"]] if len(packs) > 1 else []), *cells)
    Console().print(table)


@rules_app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="A rule id (see 'amparo rules list') or an instrument id.")],
    pack: PackOption = None,
) -> None:
    """Show a rule's versions, dates, citations and clauses, or an instrument's lifecycle."""
    from amparo.cli.packs import chosen_packs, pack_registry
    from amparo.engine.catalogue import rule_rows

    console = Console()
    packs = chosen_packs(pack)
    # An unknown id is answered with suggestions from the default pack (or the one named).
    fallback = next((p for p in packs if p.id == pack_registry().default_id), packs[0])
    book = next(
        (p.law_book() for p in packs if rule_id in p.law_book().rules or rule_id in p.law_book().instruments),
        fallback.law_book(),
    )
    if rule_id in book.instruments and rule_id not in book.rules:
        inst = book.instrument(rule_id)
        console.print(f"[bold]{escape(inst.title)}[/] ({inst.kind}) — {escape('; '.join(inst.citations))}")
        for event in inst.events:
            console.print(
                f"  {event.on.isoformat()}  {event.kind:<11} {escape(f'[{event.certainty}]')} {escape(event.text)}"
                f"  [italic]{escape('; '.join(event.citations))}[/]"
            )
        if inst.notes:
            console.print(f"  {inst.notes}", markup=False)
        return
    book.rule(rule_id)  # UnknownRule with suggestions
    row = next(r for r in rule_rows(book) if r["id"] == rule_id)
    console.print(
        f"[bold]{escape(row['title'])}[/]  "
        + escape(f"({row['id']}, {row['kind']}, instrument {row['instrument']}, read on {row['read_on']})")
    )
    for v in row["versions"]:
        console.print(
            f"\n[bold]{v['version']}[/]  {v['valid_from']} → {v['valid_to'] or '…'}  {escape('[' + v['status'] + ']')} certainty {v['certainty']}"
        )
        console.print(f"  {v['summary']}", highlight=False, markup=False)
        if v["applies_when"] and v["applies_when"] != "false":
            console.print(f"  applies when: {v['applies_when']}", highlight=False, markup=False)
        for x in v["unless"]:
            console.print(
                f"  unless {escape(x['title'])}  [italic]({escape(x['citation'])})[/]", highlight=False
            )
        console.print(f"  [italic]{escape('; '.join(v['citations']))}[/]", highlight=False)
        if v["flags"]:
            console.print(f"  flags: {', '.join(v['flags'])}", highlight=False, markup=False)


@rules_app.command("test")
def test_rules(
    path: Annotated[
        Path | None,
        typer.Argument(help="A scenario YAML file or folder (default: every installed pack's scenarios)."),
    ] = None,
) -> None:
    """Run YAML legal scenarios; exit 1 if any fails."""
    from amparo.cli.packs import pack_registry
    from amparo.screening.scenarios import discover, load_scenario, run_scenario

    console = Console()
    packs = pack_registry()
    failed = total = 0
    for file in discover(path, packs):
        total += 1
        result = run_scenario(load_scenario(file, packs), packs)
        if result.passed:
            console.print(
                f"[green]PASS[/] {result.scenario.number:>8}  {result.scenario.title}", highlight=False
            )
        else:
            failed += 1
            console.print(
                f"[red]FAIL[/] {result.scenario.number:>8}  {result.scenario.title}  ({file})",
                highlight=False,
            )
            for mismatch in result.mismatches:
                console.print(f"           {mismatch}", highlight=False, markup=False)
    if total == 0 and path is not None:
        from amparo.errors import FieldError, InputError

        raise InputError([FieldError("PATH", f"no scenario files (*.yaml, *.yml) in {path}")])
    console.print(f"{total - failed} passed, {failed} failed", highlight=False)
    if failed:
        raise typer.Exit(1)


@rules_app.command("catalogue")
def catalogue(
    out: Annotated[Path | None, typer.Option("--out", help="Write Markdown here instead of stdout.")] = None,
    pack: PackOption = None,
) -> None:
    """Print (or write) the rule catalogue generated from the code (docs/RULES.md)."""
    from amparo.cli.packs import chosen_packs
    from amparo.engine.catalogue import catalogue_markdown

    text = catalogue_markdown([p.law_book() for p in chosen_packs(pack)])
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``amparo rules``."""
    app.add_typer(rules_app, name="rules")
