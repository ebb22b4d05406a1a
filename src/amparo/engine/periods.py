"""Calendar periods: the last day of a period of days, weeks, months or years that runs from a date.

A period of *n* months that runs from a date ends on the day with the same number in the *n*-th
following month, or on that month's last day when it has no such day (2024-01-31 + 1 month =
2024-02-29; 2024-08-31 + 6 months = 2025-02-28). Weeks are 7 days; years are 12 months. The day
of the event is not counted and nothing rolls forward off a weekend: a pack that needs another
convention says so in its rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

PeriodUnit = Literal["days", "weeks", "months", "years"]


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus ``months`` calendar months, clipped to the end of a shorter month."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year = start.year + years
    month = month_index + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_period(start: dt.date, amount: int, unit: PeriodUnit) -> dt.date:
    """The last day of a period of ``amount`` ``unit`` that runs from ``start``."""
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit == "weeks":
        return start + dt.timedelta(weeks=amount)
    if unit == "months":
        return add_months(start, amount)
    return add_months(start, 12 * amount)
