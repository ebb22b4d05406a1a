"""``amparo screen PATH|- [--as-of DATE] [--json]`` (contract: shared/spec/README.md)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from amparo.errors import FieldError, InputError


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or InputError naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.date.fromisoformat("x")
    except ValueError:
        raise InputError([FieldError(option, f"expected a date written YYYY-MM-DD, got '{value}'")]) from None


def read_source(path: str) -> tuple[str, str]:
    """The text at PATH (or standard input for '-') and a name for messages."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    file = Path(path)
    if not file.is_file():
        raise InputError([FieldError("PATH", f"no such file: {path}")])
    try:
        return file.read_text(encoding="utf-8"), path
    except UnicodeDecodeError:
        raise InputError([FieldError("PATH", f"{path} is not UTF-8 text")]) from None


def screen_command(
    path: Annotated[
        str,
        typer.Argument(
            help="A JSON file of documents (object, array or JSON Lines), or - for stdin; each document's "
            "`schema` picks its law pack (encounter v1 by default)."
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Read the law on this date (YYYY-MM-DD); overrides adjudicated_on."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print decision objects instead of explanations.")
    ] = False,
) -> None:
    """Screen encounters: which agreements and rules applied, why, under which clause."""
    from amparo.cli.packs import pack_registry
    from amparo.screening import screen
    from amparo.screening.explain import explain
    from amparo.screening.inputs import error_object, read_items

    on = parse_date(as_of, "--as-of")
    packs = pack_registry()
    text, source = read_source(path)
    shape, items = read_items(text, source=source)
    out: list[dict[str, Any]] = []
    console, err = Console(), Console(stderr=True)
    invalid = 0
    for item in items:
        try:
            if item.error is not None:
                raise item.error
            decision = screen(item.document, packs, as_of=on)
        except InputError as exc:
            invalid += 1
            out.append(error_object(exc, item.document))
            if not as_json:
                err.print(f"[bold red]invalid document {out[-1]['encounter_id'] or ''}[/]", highlight=False)
                for e in exc.errors:
                    err.print(f"  {e.path or '/'}: {e.message}", highlight=False, markup=False)
            continue
        if as_json:
            out.append(decision.to_dict())
        else:
            console.print(explain(decision, packs.get(decision.pack_id)))
    if as_json:
        if shape == "object":
            typer.echo(json.dumps(out[0], ensure_ascii=False, indent=2))
        elif shape == "array":
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for obj in out:
                typer.echo(json.dumps(obj, ensure_ascii=False))
    if invalid:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add ``amparo screen``."""
    app.command("screen")(screen_command)
