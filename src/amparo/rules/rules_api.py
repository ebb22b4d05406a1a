"""The one import surface for rule files: expressions, instruments, rules, flags, dates."""

from __future__ import annotations

import datetime as dt

from amparo.engine.expr import FALSE, TRUE, Expr, all_of, any_of, fact
from amparo.engine.law import (
    Case,
    Event,
    Flag,
    FlagWhen,
    Instrument,
    Rule,
    RuleException,
    RuleVersion,
)

ET = dt.timezone(dt.timedelta(hours=-4), "EDT")  # both instants used below fall in daylight time


def d(iso: str) -> dt.date:
    """A date from ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(iso)


def et(iso: str) -> dt.datetime:
    """An instant given in US Eastern daylight time, ``YYYY-MM-DDTHH:MM``."""
    return dt.datetime.fromisoformat(iso).replace(tzinfo=ET)


# The earliest date the US pack answers for; earlier dates raise NoRuleInForce.
COVERAGE_START = d("2018-01-01")

__all__ = [
    "COVERAGE_START",
    "ET",
    "FALSE",
    "TRUE",
    "Case",
    "Event",
    "Expr",
    "Flag",
    "FlagWhen",
    "Instrument",
    "Rule",
    "RuleException",
    "RuleVersion",
    "all_of",
    "any_of",
    "d",
    "et",
    "fact",
]
