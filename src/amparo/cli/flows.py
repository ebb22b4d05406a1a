"""Commands of the flows area (registered by amparo.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the application (none yet)."""
    del app
