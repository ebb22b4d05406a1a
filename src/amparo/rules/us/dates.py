"""The US pack's calendar: its time zone, coverage and the instants its instruments name."""

from __future__ import annotations

import datetime as dt

from amparo.rules.rules_api import d, instant

#: Instruments of the US pack name their hours in US Eastern time.
TIME_ZONE = "America/New_York"

#: The earliest date the US pack answers for; earlier dates raise NoRuleInForce.
COVERAGE_START = d("2018-01-01")

#: The date the US pack's content was last checked against the legal brief.
CURRENT_TO = d("2025-12-31")


def et(iso: str) -> dt.datetime:
    """An instant given in US Eastern time (daylight or standard as the date has it), ``YYYY-MM-DDTHH:MM``."""
    return instant(iso, TIME_ZONE)
