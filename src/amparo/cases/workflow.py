"""The case workflow as an explicit state machine with guarded transitions.

::

    intake → screened ─┬→ aca_threshold_interview ─┬→ supervisor_concurrence → transfer_scheduled → transferred
                       │                           └→ excepted → credible_fear
                       ├→ supervisor_concurrence → mpp           (an MPP return is a removal too)
                       ├→ credible_fear
                       ├→ section_240
                       └→ closed

A decision that removes a person (an ACA transfer, an MPP return) is only *proposed* by
entering ``supervisor_concurrence`` with the removal as ``pending_target``; it takes effect
when a different user with the supervisor role concurs (:func:`concur_target`). Each guard
reads the case's current decision summary (decision summary v1). Pure functions only: the
service in :mod:`amparo.cases.service` applies them inside a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Summary = Mapping[str, Any]

STATES: tuple[str, ...] = (
    "intake",
    "screened",
    "aca_threshold_interview",
    "supervisor_concurrence",
    "transfer_scheduled",
    "transferred",
    "excepted",
    "credible_fear",
    "mpp",
    "section_240",
    "closed",
)
TERMINAL = frozenset({"transferred", "closed"})
# Steps that remove a person: reachable only through a supervisor's concurrence.
REMOVALS = frozenset({"transfer_scheduled", "mpp"})

# How long a case may stay in a step before it is overdue (operational targets).
STEP_DEADLINES: Mapping[str, dt.timedelta] = {
    "screened": dt.timedelta(days=2),
    "aca_threshold_interview": dt.timedelta(days=3),
    "supervisor_concurrence": dt.timedelta(days=1),
    "transfer_scheduled": dt.timedelta(days=14),
    "excepted": dt.timedelta(days=2),
    "credible_fear": dt.timedelta(days=10),
}


@dataclass(frozen=True)
class Guard:
    """A condition on the current decision summary, with the reason given when it fails."""

    test: Callable[[Summary], bool]
    unmet: str


def _always(_s: Summary) -> bool:
    return True


ALWAYS = Guard(_always, "")
ACA_APPLIES = Guard(
    lambda s: bool(s.get("aca_removal_to")),
    "the current decision does not make the person removable under an Asylum Cooperative Agreement",
)
ACA_EXCEPTED = Guard(
    lambda s: not s.get("aca_removal_to"),
    "the current decision still makes the person removable under an Asylum Cooperative Agreement; "
    "record the finding that excepts them first",
)
MPP_APPLIES = Guard(lambda s: bool(s.get("mpp_amenable")), "the current decision says MPP does not apply")
FEAR_SCREENING = Guard(
    lambda s: s.get("protection_screening_standard") is not None,
    "the current decision gives no fear screening (Title 42 expulsion, section 240 or ACA removal)",
)
NOT_EXPELLED = Guard(lambda s: not s.get("title42_expulsion"), "the current decision is a Title 42 expulsion")

# (from, to) -> guard. Removals are listed with the state that proposes them.
TRANSITIONS: Mapping[tuple[str, str], Guard] = {
    ("intake", "screened"): ALWAYS,
    ("screened", "aca_threshold_interview"): ACA_APPLIES,
    ("screened", "mpp"): MPP_APPLIES,
    ("screened", "credible_fear"): FEAR_SCREENING,
    ("screened", "section_240"): NOT_EXPELLED,
    ("screened", "closed"): ALWAYS,
    ("aca_threshold_interview", "transfer_scheduled"): ACA_APPLIES,
    ("aca_threshold_interview", "excepted"): ACA_EXCEPTED,
    ("transfer_scheduled", "transferred"): ACA_APPLIES,
    ("transfer_scheduled", "excepted"): ACA_EXCEPTED,
    ("excepted", "credible_fear"): ALWAYS,
    ("credible_fear", "section_240"): ALWAYS,
    ("credible_fear", "closed"): ALWAYS,
    ("mpp", "closed"): ALWAYS,
    ("section_240", "closed"): ALWAYS,
    ("excepted", "closed"): ALWAYS,
}


@dataclass(frozen=True)
class Step:
    """What applying a requested transition does: the state entered and, for a removal, its target."""

    state: str
    pending_target: str | None = None


def plan(current: str, target: str, summary: Summary) -> Step | str:
    """The step taken when ``target`` is requested from ``current``, or the reason it is refused."""
    if target not in STATES:
        return f"'{target}' is not a workflow state; expected one of: {', '.join(STATES)}"
    if current == "supervisor_concurrence":
        return "the case awaits a supervisor's concurrence (POST .../concurrence)"
    if target == "supervisor_concurrence":
        return "request the removal itself (transfer_scheduled or mpp); concurrence follows"
    guard = TRANSITIONS.get((current, target))
    if guard is None:
        allowed = sorted(t for (f, t) in TRANSITIONS if f == current)
        return (
            f"not a step of the workflow; from '{current}' the next steps are: {', '.join(allowed) or 'none'}"
        )
    if not guard.test(summary):
        return guard.unmet
    if target in REMOVALS:
        return Step("supervisor_concurrence", pending_target=target)
    return Step(target)


def concur_target(pending_target: str | None, summary: Summary) -> str | None:
    """The removal a concurrence gives effect to, or None when the decision no longer supports it."""
    if pending_target is None:
        return None
    guard = ACA_APPLIES if pending_target == "transfer_scheduled" else MPP_APPLIES
    return pending_target if guard.test(summary) else None


def next_steps(current: str, summary: Summary) -> list[str]:
    """The transitions a user may request now (for the API and the web pages)."""
    if current == "supervisor_concurrence":
        return []
    return sorted(t for (f, t), g in TRANSITIONS.items() if f == current and g.test(summary))
