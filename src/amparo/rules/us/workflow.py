"""The case workflow of the US pack: its states and the guards on its decision summary.

::

    intake → screened ─┬→ aca_threshold_interview ─┬→ supervisor_concurrence → transfer_scheduled → transferred
                       │                           └→ excepted → credible_fear
                       ├→ supervisor_concurrence → mpp           (an MPP return is a removal too)
                       ├→ credible_fear
                       ├→ section_240
                       └→ closed

A decision that removes a person (an ACA transfer, an MPP return) is only *proposed* by entering
``supervisor_concurrence`` with the removal as ``pending_target``; it takes effect when a
different user with the supervisor role concurs. Each guard reads the case's current decision
summary (decision summary v1).
"""

from __future__ import annotations

import datetime as dt

from amparo.rules.rules_api import ALWAYS, Guard, Workflow

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

US_WORKFLOW = Workflow(
    states=(
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
    ),
    intake_state="intake",
    first_state="screened",
    transitions={
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
    },
    removals=frozenset({"transfer_scheduled", "mpp"}),
    terminal=frozenset({"transferred", "closed"}),
    # a person is transferred only on a seat a supervisor accepted in a transfer plan
    needs_accepted_assignment=frozenset({"transferred"}),
    # How long a case may stay in a step before it is overdue (operational targets, not law).
    step_deadlines={
        "screened": dt.timedelta(days=2),
        "aca_threshold_interview": dt.timedelta(days=3),
        "supervisor_concurrence": dt.timedelta(days=1),
        "transfer_scheduled": dt.timedelta(days=14),
        "excepted": dt.timedelta(days=2),
        "credible_fear": dt.timedelta(days=10),
    },
)
