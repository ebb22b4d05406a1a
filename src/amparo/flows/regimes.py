"""Policy regimes from the law book, month by month: what the forecasts know about policy.

A regime is the set of border-wide measures in force in the middle of a month: the Title 42
expulsion order, the 2024 Securing the Border rule, Proclamation 10888 of 2025. Their dates are
read from the law book's instruments (their ``implemented``/``effective``/``signed`` and
``terminated``/``vacated`` events), never typed here. The PolicyBlend forecast compares the regime
of the last month of data with that of the same month a year earlier: when they differ, last
year's level says nothing about this year's, and only last year's seasonal shape is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

#: The instruments that define a border-wide regime.
REGIME_INSTRUMENTS: tuple[str, ...] = ("title42_order", "securing_border_2024", "proclamation_10888")
_STARTS = ("implemented", "effective", "in_force", "signed")
_ENDS = ("terminated", "vacated", "rescinded")


@dataclass(frozen=True)
class Period:
    """When one regime instrument was in force (``end`` None: still in force in the law book)."""

    instrument: str
    start: dt.date
    end: dt.date | None


@cache
def periods() -> tuple[Period, ...]:
    """The in-force period of each regime instrument, from the law book's events."""
    from amparo.engine.registry import installed_registry

    book = installed_registry().get("us").law_book()
    out = []
    for instrument_id in REGIME_INSTRUMENTS:
        instrument = book.instruments.get(instrument_id)
        if instrument is None:
            continue
        events = sorted(instrument.events, key=lambda e: e.on)
        start = next((e.on for e in events if e.kind in _STARTS), None)
        if start is None:
            continue
        end = next((e.on for e in events if e.kind in _ENDS and e.on > start), None)
        out.append(Period(instrument_id, start, end))
    return tuple(out)


def regime(month: dt.date) -> tuple[str, ...]:
    """The regime instruments in force on the 15th of ``month``."""
    mid = dt.date(month.year, month.month, 15)
    return tuple(p.instrument for p in periods() if p.start <= mid and (p.end is None or mid < p.end))


def regimes(months: Sequence[dt.date]) -> list[tuple[str, ...]]:
    """:func:`regime` of each month."""
    return [regime(m) for m in months]
