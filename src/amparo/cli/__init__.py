"""The ``amparo`` command line. Each area registers its commands from its own module.

Domain errors are turned into a one-line message on standard error and an exit code here
(see :mod:`amparo.cli.exit_codes`); a user never sees a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import typer
from rich.console import Console

from amparo.cli.exit_codes import INTERNAL, exit_code_for
from amparo.errors import AmparoError

# Modules that each define ``register(app)``; heavy libraries are imported inside commands.
COMMAND_MODULES: tuple[str, ...] = (
    "amparo.cli.screen",
    "amparo.cli.rules",
    "amparo.cli.demo",
    "amparo.cli.store",
    "amparo.cli.identity",
    "amparo.cli.flows",
    "amparo.cli.audit",
    "amparo.cli.transfers",
    "amparo.cli.batch",
)


def build_app() -> typer.Typer:
    """The Typer application with every area's commands registered."""
    app = typer.Typer(
        name="amparo",
        help="amparo: law as code, intake, cases, transfers, confidential exchange and flows.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    def show_version(value: bool) -> None:
        if value:
            from amparo import __version__
            from amparo.cli.packs import pack_registry

            packs = ", ".join(f"{p.id} {p.law_book().version}" for p in pack_registry())
            typer.echo(f"amparo {__version__} (law packs: {packs})")
            raise typer.Exit()

    @app.callback()
    def root(
        version: bool = typer.Option(
            False,
            "--version",
            help="Print amparo's version and its law packs' versions.",
            callback=show_version,
            is_eager=True,
        ),
    ) -> None:
        """amparo: law as code, intake, cases, transfers, confidential exchange and flows."""

    @app.command("version")
    def version() -> None:
        """Print amparo's version and the law pack's version."""
        show_version(True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``amparo`` and ``python -m amparo``.

    Typer handles usage errors itself (exit 2 with a message); domain errors become a one-line
    message and their exit code; anything else is reported as an internal error (exit 1).
    """
    err = Console(stderr=True)
    try:
        app = build_app()
        app(args=list(argv) if argv is not None else None, prog_name="amparo")
    except AmparoError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(exit_code_for(exc))
    except Exception as exc:  # the edge: anything unexpected is an internal error, not a traceback
        err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in amparo; please report it with the command you ran.",
            highlight=False,
        )
        sys.exit(INTERNAL)
