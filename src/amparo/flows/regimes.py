"""Policy regimes from the law book, month by month: what the forecasts know about policy.

A regime is the set of border-wide measures in force in the middle of a month: the Title 42
expulsion order, the 2024 Securing the Border rule, and the measures of January 2025 (EO 14165,
and Proclamation 10888 when the law book gives it a start). Their dates are
read from the law book's instruments (their ``implemented``/``effective``/``signed`` and
``terminated``/``vacated`` events), never typed here. The PolicyBlend forecast compares the regime
of the last month of data with that of the same month a year earlier: when they differ, last
year's level says nothing about this year's, and only last year's seasonal shape is used.
Remain in Mexico and the 2019 transit bar were tried as regimes too and made the backtest worse
(docs/PERFORMANCE.md); they are not in :data:`REGIME_INSTRUMENTS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

#: The instruments that define a border-wide regime.
REGIME_INSTRUMENTS: tuple[str, ...] = (
    "title42_order",
    "securing_border_2024",
    "eo_14165",
    "proclamation_10888",
)
_STARTS = ("implemented", "effective", "in_force", "signed", "resumed")
_ENDS = ("terminated", "vacated", "rescinded", "suspended")


@dataclass(frozen=True)
class Period:
    """When one regime instrument was in force (``end`` None: still in force in the law book)."""

    instrument: str
    start: dt.date
    end: dt.date | None


@cache
def periods(instruments: tuple[str, ...] = REGIME_INSTRUMENTS) -> tuple[Period, ...]:
    """The in-force periods of each regime instrument, from the law book's events: a start
    (implemented, effective, in force, signed, resumed) opens a period, an end (terminated,
    vacated, rescinded, suspended) closes it; an instrument may have several periods."""
    from amparo.engine.registry import installed_registry

    book = installed_registry().get("us").law_book()
    out = []
    for instrument_id in instruments:
        instrument = book.instruments.get(instrument_id)
        if instrument is None:
            continue
        opened: dt.date | None = None
        for event in sorted(instrument.events, key=lambda e: e.on):
            if opened is None and event.kind in _STARTS:
                opened = event.on
            elif opened is not None and event.kind in _ENDS:
                out.append(Period(instrument_id, opened, event.on))
                opened = None
        if opened is not None:
            out.append(Period(instrument_id, opened, None))
    return tuple(out)


def regime(month: dt.date) -> tuple[str, ...]:
    """The regime instruments in force on the 15th of ``month``."""
    mid = dt.date(month.year, month.month, 15)
    return tuple(p.instrument for p in periods() if p.start <= mid and (p.end is None or mid < p.end))


def regimes(months: Sequence[dt.date]) -> list[tuple[str, ...]]:
    """:func:`regime` of each month."""
    return [regime(m) for m in months]
