"""The case workflow of the EU pack: the Dublin steps, guarded by the decision summary.

::

    intake → screened ─┬→ take_charge_request ─┬→ accepted ─→ supervisor_concurrence → transfer_scheduled → transferred
                       │                       └→ refused ──→ examination
                       ├→ examination → closed          (the determining State examines the application)
                       └→ closed

A transfer removes a person, so it is only *proposed* by entering ``supervisor_concurrence`` and
takes effect when a supervisor concurs. A request is sent only while the decision says one is due;
a transfer is scheduled only while the decision gives a transfer deadline (an acceptance by the
responsible State). When a clock runs out (the pack's deadlines), responsibility passes to the
determining State and the case goes to ``examination``. The step deadlines below are operational
targets for the case store, not law: the legal clocks are the pack's :meth:`deadlines`.
"""

from __future__ import annotations

import datetime as dt

from amparo.rules.rules_api import ALWAYS, Guard, Workflow

REQUEST_DUE = Guard(
    lambda s: bool(s.get("take_charge_request_by")),
    "the current decision gives no take charge request deadline (the determining State is responsible, "
    "a take back, or the time limit has passed)",
)
TRANSFER_DUE = Guard(
    lambda s: bool(s.get("transfer_by")),
    "the current decision gives no transfer deadline (record the responsible State's acceptance first)",
)

EU_WORKFLOW = Workflow(
    states=(
        "intake",
        "screened",
        "take_charge_request",
        "accepted",
        "refused",
        "supervisor_concurrence",
        "transfer_scheduled",
        "transferred",
        "examination",
        "closed",
    ),
    intake_state="intake",
    first_state="screened",
    transitions={
        ("intake", "screened"): ALWAYS,
        ("screened", "take_charge_request"): REQUEST_DUE,
        ("screened", "examination"): ALWAYS,
        ("screened", "closed"): ALWAYS,
        ("take_charge_request", "accepted"): ALWAYS,
        ("take_charge_request", "refused"): ALWAYS,
        ("take_charge_request", "examination"): ALWAYS,
        ("accepted", "transfer_scheduled"): TRANSFER_DUE,
        ("accepted", "examination"): ALWAYS,
        ("refused", "examination"): ALWAYS,
        ("refused", "take_charge_request"): REQUEST_DUE,
        ("transfer_scheduled", "transferred"): TRANSFER_DUE,
        ("transfer_scheduled", "examination"): ALWAYS,
        ("examination", "closed"): ALWAYS,
    },
    removals=frozenset({"transfer_scheduled"}),
    terminal=frozenset({"transferred", "closed"}),
    step_deadlines={
        "screened": dt.timedelta(days=7),
        "supervisor_concurrence": dt.timedelta(days=2),
        "transfer_scheduled": dt.timedelta(days=30),
    },
)
