"""``amparo demo``: screen the bundled example encounters and print a readable table."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import typer
from rich.console import Console
from rich.table import Table


def _store_examples(examples: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], str, int]:
    """Intake the examples into the embedded store (idempotent); the stored decisions by encounter id."""
    from sqlalchemy import select

    from amparo.access.actor import Actor
    from amparo.cases.intake import run_intake
    from amparo.cli.packs import pack_registry
    from amparo.settings import load_settings
    from amparo.store.db import engine_from_settings, session_factory, upgrade
    from amparo.store.models import User
    from amparo.store.repositories import create_user

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    engine = engine_from_settings(settings)
    try:
        factory = session_factory(engine)
        with factory() as session, session.begin():
            user = session.scalar(select(User).where(User.name == "demo-officer"))
            if user is None:
                user, _token = create_user(session, name="demo-officer", role="officer", agency="US-CBP")
        actor = Actor(user)
        packs = pack_registry()
        stored: dict[str, dict[str, Any]] = {}
        created = 0
        for example in examples:
            document = example["encounter"]
            result = run_intake(factory, packs, actor, document["id"], document)
            created += result.created
            stored[document["id"]] = result.body.decision.document_first()
    finally:
        engine.dispose()
    return stored, settings.resolved_database_url, created


def demo() -> None:
    """Intake the bundled example encounters into the embedded SQLite store, screen them, print a table."""
    console = Console(width=max(Console().width, 150))
    folder = files("amparo.screening").joinpath("examples")
    resources = sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)
    examples = [json.loads(r.read_text(encoding="utf-8")) for r in resources]
    stored, url, created = _store_examples(examples)
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
    for example in examples:
        document = example["encounter"]
        decision = stored[document["id"]]
        s = decision["summary"]
        expected = example.get("expected_summary", {})
        matched += all(
            s[k] == v for k, v in expected.items() if not (isinstance(v, str) and v.startswith("(contested"))
        )
        table.add_row(
            document["id"],
            document["encountered_on"],
            ",".join(document["person"]["nationalities"]) or "stateless",
            "yes" if s["title42_expulsion"] else "no",
            "yes" if s["unaccompanied_child"] else "no",
            s["aca_removal_to"] or "—",
            ", ".join(s["asylum_bars"]) or "—",
            "yes" if s["mpp_amenable"] else "no",
            (s["protection_screening_standard"] or "—").replace("_", " "),
            "\n".join(f["id"] for f in decision["flags"]) or "—",
        )
    console.print(table)
    console.print(f"{matched} of {len(examples)} match the contract's expected summaries.")
    console.print(
        f"Stored in {url} ({created} new, {len(examples) - created} already there: intake is idempotent)."
    )
    console.print(
        "Explain one: amparo screen FILE   ·   all rules: amparo rules list   ·   legal tests: amparo rules test"
    )


def register(app: typer.Typer) -> None:
    """Add ``amparo demo``."""
    app.command("demo")(demo)
