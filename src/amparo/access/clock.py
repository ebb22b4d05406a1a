"""The "today" of an access decision, passed in by the caller.

Arrangements are in force between dates, so every decision is made on a day; the domain never
reads the system clock for it. The edge (the API app, a command) holds a :data:`Clock` and
passes its day in; tests pass a fixed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

#: What gives the day a decision is made on.
Clock = Callable[[], dt.date]


def system_today() -> dt.date:
    """The day on this machine's clock (the default :data:`Clock` of the API and the commands)."""
    return dt.date.today()


def fixed_day(day: dt.date) -> Clock:
    """A clock that always answers ``day`` (for tests and replays)."""
    return lambda: day
