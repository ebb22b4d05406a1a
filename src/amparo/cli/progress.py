"""Progress on standard error for long runs: a Rich bar on a terminal, nothing otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


def _nothing() -> None:
    return None


@contextmanager
def progress_on_terminal(
    description: str, console: Console, total: int | None = None, done: str = "done"
) -> Iterator[Callable[[], None]]:
    """A function to call once per item done; shows a bar only when ``console`` is a terminal,
    headed ``description``, with the count of items ``done`` (the words in the user's language)."""
    if not console.is_terminal:
        yield _nothing
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn() if total else TextColumn("{task.completed} " + escape(done)),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)

        def advance() -> None:
            progress.advance(task)

        yield advance
