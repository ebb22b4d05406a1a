"""The one import surface for rule files: expressions, instruments, rules, flags, dates, and the
pieces of a law pack (program, workflow, person facts). Nothing here belongs to one pack."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from amparo.engine.evaluate import determine
from amparo.engine.expr import FALSE, TRUE, Expr, all_of, any_of, earliest, fact, latest
from amparo.engine.law import (
    Case,
    Event,
    Flag,
    FlagWhen,
    Instrument,
    LawBook,
    Rule,
    RuleException,
    RuleVersion,
)
from amparo.engine.pack import (
    AnyApplies,
    Confidentiality,
    Marker,
    PackDeadline,
    PersonFacts,
    Program,
    ReadDates,
    Step,
    SummaryKey,
)
from amparo.engine.periods import PeriodUnit, add_period
from amparo.engine.workflow import ALWAYS, Guard, Workflow


def d(iso: str) -> dt.date:
    """A date from ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(iso)


def instant(iso: str, zone: str) -> dt.datetime:
    """An instant given as local wall-clock time ``YYYY-MM-DDTHH:MM`` in the IANA zone ``zone``."""
    return dt.datetime.fromisoformat(iso).replace(tzinfo=ZoneInfo(zone))


__all__ = [
    "ALWAYS",
    "FALSE",
    "TRUE",
    "AnyApplies",
    "Case",
    "Confidentiality",
    "Event",
    "Expr",
    "Flag",
    "FlagWhen",
    "Guard",
    "Instrument",
    "LawBook",
    "Marker",
    "PackDeadline",
    "PeriodUnit",
    "PersonFacts",
    "Program",
    "ReadDates",
    "Rule",
    "RuleException",
    "RuleVersion",
    "Step",
    "SummaryKey",
    "Workflow",
    "add_period",
    "all_of",
    "any_of",
    "d",
    "determine",
    "earliest",
    "fact",
    "instant",
    "latest",
]
