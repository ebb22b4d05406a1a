"""Which framework, which State the criteria name, and who is responsible: after a late request
(Dublin III Art. 21(1), AMMR Art. 39(1)) on the document's facts, and on the reading date once a
clock has run out (Art. 29(2), 46(2))."""

from __future__ import annotations

from typing import Literal

from amparo.rules.eu.criteria import CRITERIA, Criterion
from amparo.rules.eu.dates import AMMR_APPLIES_FROM
from amparo.rules.eu.tables import (
    CRITERIA_STATE,
    LODGED_IN,
    REQUEST_DUE,
    RESPONSIBLE,
    SENT,
    SHIFTED,
    Framework,
    Row,
    rule,
    version,
)
from amparo.rules.rules_api import TRUE, FlagWhen, RuleVersion, fact

FRAMEWORK = rule(
    "framework",
    "Framework: Dublin III or the AMMR, by the registration date",
    "framework",
    (
        version(
            "dublin_iii",
            "An application registered before 1 July 2026 is decided under Dublin III.",
            ("AMMR Art. 84(2)",),
            applies=TRUE,
            value="dublin_iii",
        ),
        version(
            "ammr",
            "An application registered from 1 July 2026 is decided under the AMMR; events before that "
            "date count.",
            ("AMMR Art. 85", "AMMR Art. 84(1)"),
            applies=TRUE,
            value="ammr",
            flags=(FlagWhen("eu_transition_day", fact("registration_date").eq(AMMR_APPLIES_FROM)),),
        ),
    ),
)


def _named_by(fw: Framework, take: Literal["state", "code"]) -> RuleVersion:
    criteria: tuple[Criterion, ...] = CRITERIA[fw]
    rows = [
        Row(
            fact(c.code).is_set(),
            fact(c.code) if take == "state" else c.code,
            c.citations[0],
            f"{c.citations[0]} is the first criterion that names a State.",
        )
        for c in criteria
    ]
    hierarchy = "Dublin III Art. 7(1)" if fw == "dublin_iii" else "AMMR Art. 24 (hierarchy of criteria) [M]"
    return version(
        fw,
        "The criteria are applied in the order in which they are set out.",
        (hierarchy,),
        rows=rows,
        value=None,
    )


CRITERIA_STATE_RULE = rule(
    "criteria_state",
    "The State the hierarchy of criteria names",
    "responsibility",
    (_named_by("dublin_iii", "state"), _named_by("ammr", "state")),
)
CRITERIA_CODE_RULE = rule(
    "criteria_code",
    "The criterion that names the State",
    "responsibility",
    (_named_by("dublin_iii", "code"), _named_by("ammr", "code")),
)


def _responsible(fw: Framework, citation: str) -> RuleVersion:
    rows = (
        Row(
            SHIFTED,
            LODGED_IN,
            citation,
            "The take charge request was late: the determining State is responsible.",
        ),
        Row(TRUE, CRITERIA_STATE, citation, "The State the first applicable criterion names."),
    )
    return version(
        fw, "The State responsible today on the document's facts.", (citation,), rows=rows, value=None
    )


def _criterion(fw: Framework, late: str, citation: str, hierarchy: str) -> RuleVersion:
    rows = (
        Row(fact(late).is_set(), late, citation, "Responsibility moved to the determining State."),
        Row(TRUE, fact("criteria_code"), hierarchy, "The first applicable criterion."),
    )
    return version(fw, "The rule that decides responsibility.", (citation,), rows=rows, value=None)


RESPONSIBLE_STATE = rule(
    "responsible_state",
    "The responsible State",
    "responsibility",
    (
        _responsible("dublin_iii", "Dublin III Art. 21(1) third subpara."),
        _responsible("ammr", "AMMR Art. 39(1) third subpara."),
    ),
)
CRITERION = rule(
    "criterion",
    "The criterion code",
    "responsibility",
    (
        _criterion(
            "dublin_iii", "dublin_iii_art21_1", "Dublin III Art. 21(1) third subpara.", "Dublin III Art. 7(1)"
        ),
        _criterion(
            "ammr",
            "ammr_art39_1",
            "AMMR Art. 39(1) third subpara.",
            "AMMR Art. 24 (hierarchy of criteria) [M]",
        ),
    ),
)

READ_ON = fact("reading_date")


def _today(fw: Framework) -> RuleVersion:
    dublin = fw == "dublin_iii"
    transfer = "Dublin III Art. 29(2)" if dublin else "AMMR Art. 46(2)"
    request = "Dublin III Art. 21(1) third subpara." if dublin else "AMMR Art. 39(1) third subpara."
    rows = (
        Row(
            fact("transfer_deadline") < READ_ON,
            LODGED_IN,
            transfer,
            "The transfer period has run out by the reading date: the responsible State is relieved and "
            "responsibility has passed to the determining State, unless the transfer was carried out.",
        ),
        Row(
            REQUEST_DUE & ~SHIFTED & ~SENT.is_set() & (fact("take_charge_deadline") < READ_ON),
            LODGED_IN,
            request,
            "No take charge request is recorded and its time limit has passed by the reading date: the "
            "determining State is responsible, unless a request was sent in time.",
        ),
        Row(TRUE, RESPONSIBLE, transfer, "No clock has run out by the reading date."),
    )
    return version(
        fw,
        "Who is responsible on the reading date (--as-of), once the clocks that have run out by then "
        "have moved responsibility. The summary keeps the State on the document's facts.",
        (request, transfer),
        rows=rows,
        value=None,
    )


RESPONSIBLE_TODAY = rule(
    "responsible_on_reading_date",
    "Responsible on the reading date",
    "responsibility",
    (_today("dublin_iii"), _today("ammr")),
)


RULES = (FRAMEWORK, CRITERIA_STATE_RULE, CRITERIA_CODE_RULE, RESPONSIBLE_STATE, CRITERION, RESPONSIBLE_TODAY)
