"""The 2024 limitation's "emergency border circumstances" (8 CFR 208.13(g); Proclamation 10773) as
dated on/off data, and how those periods follow from daily encounter figures.

The brief (Addendum) gives the thresholds as announced [V]: the suspension and limitation end 14
calendar days after the 7-day average of encounters between ports falls below 1,500, and apply
again when the 7-day average reaches 2,500 or more; the October 2024 final rule changed how the
average is computed (a 28-day period) [M]. From June 5, 2024 into 2025 the circumstances did not
end [M/U]. amparo holds no daily figures (``shared/data`` has monthly series only), so
:data:`PERIODS` is the brief's statement; :func:`periods_from_daily` computes the periods from
daily figures where they exist, one documented way (flag ``securing_border_period``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from amparo.rules.us.dates import et

LOW, HIGH = 1500, 2500
END_DELAY_DAYS = 14
FINAL_RULE_LOW_DAYS = 28
START = et("2024-06-05T00:01")


@dataclass(frozen=True)
class Period:
    """Emergency border circumstances from ``start`` until ``end`` (``None``: not ended)."""

    start: dt.datetime
    end: dt.datetime | None
    source: str


#: The periods as the brief has them: from 12:01 a.m. EDT, June 5, 2024, not ended [M/U].
PERIODS: tuple[Period, ...] = (
    Period(START, None, "89 FR 48710; legal brief, Addendum (did not end into 2025 [M/U])"),
)


def in_period(instant: dt.datetime, periods: tuple[Period, ...] = PERIODS) -> bool:
    """Whether ``instant`` falls within emergency border circumstances."""
    return any(p.start <= instant and (p.end is None or instant < p.end) for p in periods)


def periods_from_daily(
    daily: Mapping[dt.date, int],
    *,
    method: Literal["ifr", "final"] = "ifr",
    start: dt.date = dt.date(2024, 6, 5),
) -> list[tuple[dt.date, dt.date | None]]:
    """On/off periods (first day on, first day off) from daily encounters between ports.

    In force from ``start``; it ends 14 days after the 7-day average falls below 1,500 (``ifr``),
    or after it has stayed below 1,500 for 28 consecutive days (``final``, recalled [M]); it
    applies again from the day the 7-day average reaches 2,500 or more. Days without a figure
    break the averages (no average is formed over a gap).
    """
    days = sorted(d for d in daily if d >= start - dt.timedelta(days=6))
    periods: list[tuple[dt.date, dt.date | None]] = []
    on_since: dt.date | None = start
    low_run = 0
    pending_end: dt.date | None = None
    for day in days:
        if day < start:
            continue
        window = [day - dt.timedelta(days=k) for k in range(7)]
        if any(w not in daily for w in window):
            low_run = 0
            continue
        average = sum(daily[w] for w in window) / 7
        if on_since is not None:
            if pending_end is not None and day >= pending_end:
                periods.append((on_since, pending_end))
                on_since, pending_end, low_run = None, None, 0
            elif pending_end is None:
                low_run = low_run + 1 if average < LOW else 0
                needed = 1 if method == "ifr" else FINAL_RULE_LOW_DAYS
                if low_run >= needed:
                    pending_end = day + dt.timedelta(days=END_DELAY_DAYS)
        if on_since is None and average >= HIGH:
            on_since, low_run = day, 0
    if on_since is not None:
        periods.append((on_since, pending_end))
    return periods
