"""Which framework, the State the criteria name, the clocks, and what happens when a clock runs out.

Every rule here has a Dublin III version (applications registered before 1 July 2026) and an AMMR
version (from that date): the same question, answered by the law in force on the registration
date. Deadlines are counted as shared/spec/eu/README.md §3 says (:mod:`amparo.engine.periods`);
each ``*_by`` date is the last day still in time. Responsibility moves to the determining State
when the take charge request is late (Dublin III Art. 21(1), AMMR Art. 39(1)); when the transfer
period runs out (Art. 29(2) / 46(2)) the case store's clock says so (see the pack's deadlines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from amparo.rules.eu.criteria import CRITERIA, Criterion
from amparo.rules.eu.dates import AMMR_APPLIES_FROM, COVERAGE_START
from amparo.rules.rules_api import (
    FALSE,
    TRUE,
    Case,
    Expr,
    FlagWhen,
    Rule,
    RuleException,
    RuleVersion,
    all_of,
    earliest,
    fact,
)

Framework = Literal["dublin_iii", "ammr"]

L = fact("request_clock_from")
SENT = fact("request_sent_on")
LODGED_IN = fact("lodged_in")
CRITERIA_STATE = fact("criteria_state")
RESPONSIBLE = fact("responsible_state")
ACCEPTED_ON = fact("acceptance_on")
HIT = fact("category2_hits").get(CRITERIA_STATE)
REQUEST_DUE = fact("request_due")
SHIFTED = fact("responsibility_shifted")
DETAINED = fact("detained")
OTHER_HIT = (fact("category2_hit_state_count") > 1) | (
    (fact("category2_hit_state_count") >= 1) & ~HIT.is_set()
)
WEEKEND = (6, 7)
#: Denmark and the associated States apply the Dublin rules by agreement (flag eu_participation).
BY_AGREEMENT = ("CH", "DK", "IS", "LI", "NO")
ABSCONDED_IN_TIME = fact("absconded_on").is_set() & (fact("absconded_on") <= ACCEPTED_ON.plus_months(6))


@dataclass(frozen=True)
class Row:
    """One row of a decision table and the flags raised when it is the row that decides."""

    when: Expr
    value: Any
    citation: str
    because: str
    flags: tuple[str, ...] = ()


def _table(rows: Sequence[Row]) -> tuple[tuple[Case, ...], tuple[FlagWhen, ...]]:
    cases: list[Case] = []
    flags: list[FlagWhen] = []
    for index, row in enumerate(rows):
        cases.append(Case(row.when, row.value, row.citation, row.because))
        reached = all_of(*(~earlier.when for earlier in rows[:index]), row.when)
        flags += [FlagWhen(flag, reached, ("value",)) for flag in row.flags]
    return tuple(cases), tuple(flags)


def _version(
    fw: Framework,
    summary: str,
    citations: tuple[str, ...],
    *,
    rows: Sequence[Row] = (),
    applies: Expr = FALSE,
    value: Any = True,
    exceptions: tuple[RuleException, ...] = (),
    flags: tuple[FlagWhen, ...] = (),
    certainty: Literal["V", "M", "U"] = "V",
) -> RuleVersion:
    cases, row_flags = _table(rows)
    return RuleVersion(
        version=fw,
        valid_from=COVERAGE_START if fw == "dublin_iii" else AMMR_APPLIES_FROM,
        valid_to=AMMR_APPLIES_FROM if fw == "dublin_iii" else None,
        status="in_effect",
        summary=summary,
        citations=citations,
        applies=applies,
        value=value,
        exceptions=exceptions,
        cases=cases,
        flags=(*flags, *row_flags),
        certainty=certainty,
    )


def _not_in_force(fw: Framework) -> RuleVersion:
    """The version of a one-framework rule in the other framework's period."""
    return RuleVersion(
        version="ammr_era" if fw == "dublin_iii" else "before_ammr",
        valid_from=AMMR_APPLIES_FROM if fw == "dublin_iii" else COVERAGE_START,
        valid_to=None if fw == "dublin_iii" else AMMR_APPLIES_FROM,
        status="not_in_force",
        summary="Applications registered from 1 July 2026 fall under the AMMR."
        if fw == "dublin_iii"
        else "The AMMR applies to applications registered from 1 July 2026.",
        citations=("AMMR Art. 84(2)", "AMMR Art. 85"),
    )


def _rule(
    rule_id: str, title: str, kind: str, versions: tuple[RuleVersion, ...], not_applicable: Any = None
) -> Rule:
    """A rule read on the registration date (the ``encountered_on`` anchor of this pack)."""
    return Rule(
        id=rule_id,
        title=title,
        kind=kind,
        instrument="ammr" if versions[0].version == "before_ammr" or rule_id == "framework" else "dublin_iii",
        anchor="encountered_on",
        versions=versions,
        not_applicable=not_applicable,
    )


FRAMEWORK = _rule(
    "framework",
    "Framework: Dublin III or the AMMR, by the registration date",
    "framework",
    (
        _version(
            "dublin_iii",
            "An application registered before 1 July 2026 is decided under Dublin III.",
            ("AMMR Art. 84(2)",),
            applies=TRUE,
            value="dublin_iii",
        ),
        _version(
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
    return _version(
        fw,
        "The criteria are applied in the order in which they are set out.",
        (hierarchy,),
        rows=rows,
        value=None,
    )


CRITERIA_STATE_RULE = _rule(
    "criteria_state",
    "The State the hierarchy of criteria names",
    "responsibility",
    (_named_by("dublin_iii", "state"), _named_by("ammr", "state")),
)
CRITERIA_CODE_RULE = _rule(
    "criteria_code",
    "The criterion that names the State",
    "responsibility",
    (_named_by("dublin_iii", "code"), _named_by("ammr", "code")),
)

TAKE_BACK = {
    "dublin_iii": "Dublin III Arts. 18(1)(b)–(d), 20(5), 23, 24",
    "ammr": "AMMR Arts. 36(1)(b), 41",
}


def _request_due(fw: Framework, citation: str) -> RuleVersion:
    return _version(
        fw,
        "A take charge request is due when the criteria name a State other than the determining State.",
        (citation,),
        applies=CRITERIA_STATE.ne(LODGED_IN),
        value=True,
        exceptions=(
            RuleException(
                "take_back",
                "the responsible State holds a previous application: a take back, not a take charge",
                TAKE_BACK[fw],
                fact("previous_application_states").contains(CRITERIA_STATE),
            ),
        ),
        flags=(FlagWhen("eu_take_back", TRUE, ("excepted",)),),
    )


REQUEST_DUE_RULE = _rule(
    "take_charge_request_due",
    "A take charge request is due",
    "procedure",
    (_request_due("dublin_iii", "Dublin III Art. 21(1)"), _request_due("ammr", "AMMR Art. 39(1)")),
    not_applicable=False,
)

NO_REQUEST = "No take charge request is due: the criteria name the determining State, or it is a take back."

TAKE_CHARGE_DEADLINE = _rule(
    "take_charge_deadline",
    "Time limit for the take charge request",
    "time_limit",
    (
        _version(
            "dublin_iii",
            "Request within 3 months of lodging, or within 2 months of a category-2 Eurodac hit for the "
            "requested State, whichever ends first.",
            ("Dublin III Art. 21(1)", "CJEU C-670/16 Mengesteab"),
            rows=(
                Row(~REQUEST_DUE, None, "Dublin III Art. 21(1)", NO_REQUEST),
                Row(
                    DETAINED,
                    earliest(L.plus_months(3), HIT.plus_months(2), L.plus_months(1)),
                    "Dublin III Art. 28(3) second subpara.",
                    "Detained: within 1 month of lodging, and within the Art. 21(1) limits.",
                    ("eu_detained_dublin",),
                ),
                Row(
                    TRUE,
                    earliest(L.plus_months(3), HIT.plus_months(2)),
                    "Dublin III Art. 21(1) first and second subparas.",
                    "Within 3 months of lodging or 2 months of a category-2 hit for the requested State, "
                    "whichever ends first (Mengesteab: never after the 3 months).",
                ),
            ),
            value=None,
            flags=(FlagWhen("eu_hit_other_state", REQUEST_DUE & OTHER_HIT),),
        ),
        _version(
            "ammr",
            "Request within 2 months of registration, or within 1 month of a category-2 Eurodac hit for "
            "the requested State, whichever ends first.",
            ("AMMR Art. 39(1)",),
            rows=(
                Row(~REQUEST_DUE, None, "AMMR Art. 39(1)", NO_REQUEST),
                Row(
                    DETAINED,
                    earliest(L.plus_months(2), HIT.plus_months(1), L.plus_weeks(2)),
                    "AMMR Art. 45(1)",
                    "Detained: within 2 weeks of registration, and within the Art. 39(1) limits.",
                ),
                Row(
                    TRUE,
                    earliest(L.plus_months(2), HIT.plus_months(1)),
                    "AMMR Art. 39(1) first and second subparas.",
                    "Within 2 months of registration or 1 month of a category-2 hit for the requested "
                    "State, whichever ends first.",
                ),
            ),
            value=None,
            flags=(
                FlagWhen("eu_hit_other_state", REQUEST_DUE & OTHER_HIT),
                FlagWhen("eu_ammr_hit_cap", REQUEST_DUE & (HIT.plus_months(1) > L.plus_months(2))),
            ),
        ),
    ),
)

LATE = REQUEST_DUE & (SENT > fact("take_charge_deadline"))
DUBLIN_LATE = _rule(
    "dublin_iii_art21_1",
    "Dublin III: take charge request not made in time (Art. 21(1) third subpara.)",
    "time_limit",
    (
        _version(
            "dublin_iii",
            "Where the request is not made within the time limits, the State where the application was "
            "lodged is responsible.",
            ("Dublin III Art. 21(1) third subpara.",),
            applies=LATE,
            value=LODGED_IN,
        ),
        _not_in_force("dublin_iii"),
    ),
)
AMMR_LATE = _rule(
    "ammr_art39_1",
    "AMMR: take charge request not made in time (Art. 39(1) third subpara.)",
    "time_limit",
    (
        _not_in_force("ammr"),
        _version(
            "ammr",
            "Where the request is not made within the time limits, the State where the application was "
            "registered is responsible.",
            ("AMMR Art. 39(1) third subpara.",),
            applies=LATE,
            value=LODGED_IN,
            exceptions=(
                RuleException(
                    "unaccompanied_minor",
                    "an unaccompanied minor: the request may be made after the time limit in the child's "
                    "best interests",
                    "AMMR Art. 39(1) last subpara.",
                    fact("unaccompanied_minor"),
                ),
            ),
        ),
    ),
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
    return _version(
        fw, "The State responsible today on the document's facts.", (citation,), rows=rows, value=None
    )


def _criterion(fw: Framework, late: str, citation: str, hierarchy: str) -> RuleVersion:
    rows = (
        Row(fact(late).is_set(), late, citation, "Responsibility moved to the determining State."),
        Row(TRUE, fact("criteria_code"), hierarchy, "The first applicable criterion."),
    )
    return _version(fw, "The rule that decides responsibility.", (citation,), rows=rows, value=None)


RESPONSIBLE_STATE = _rule(
    "responsible_state",
    "The responsible State",
    "responsibility",
    (
        _responsible("dublin_iii", "Dublin III Art. 21(1) third subpara."),
        _responsible("ammr", "AMMR Art. 39(1) third subpara."),
    ),
)
CRITERION = _rule(
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

NO_REPLY = "No reply period runs: no request is due, none was sent, or it was sent too late."
NO_REPLY_WHEN = ~REQUEST_DUE | SHIFTED | ~SENT.is_set()
#: Under the AMMR urgency is ignored, and flagged whenever a reply period runs for an urgent request.
URGENT_REPLY = FlagWhen("eu_urgent_reply", ~NO_REPLY_WHEN & fact("request_urgent"))

REPLY_DEADLINE = _rule(
    "reply_deadline",
    "Time limit for the reply to the take charge request (silence is acceptance)",
    "time_limit",
    (
        _version(
            "dublin_iii",
            "The requested State replies within 2 months of the request; silence is acceptance.",
            ("Dublin III Art. 22(1)", "Dublin III Art. 22(7)"),
            rows=(
                Row(NO_REPLY_WHEN, None, "Dublin III Art. 22(1)", NO_REPLY),
                Row(
                    DETAINED,
                    SENT.plus_weeks(2),
                    "Dublin III Art. 28(3) second subpara.",
                    "Detained: reply within 2 weeks of the request.",
                    ("eu_detained_dublin",),
                ),
                Row(
                    fact("request_urgent"),
                    SENT.plus_months(1),
                    "Dublin III Art. 22(6)",
                    "Urgent request: reply within 1 month (the outer limit).",
                    ("eu_urgent_reply",),
                ),
                Row(
                    TRUE,
                    SENT.plus_months(2),
                    "Dublin III Art. 22(1)",
                    "Reply within 2 months of the request.",
                ),
            ),
            value=None,
            certainty="M",
        ),
        _version(
            "ammr",
            "The requested State replies within 1 month, or 2 weeks after a Eurodac hit; silence is acceptance.",
            ("AMMR Art. 40(1)", "AMMR Art. 40(2)"),
            rows=(
                Row(NO_REPLY_WHEN, None, "AMMR Art. 40(1)", NO_REPLY),
                Row(
                    DETAINED,
                    SENT.plus_weeks(1),
                    "AMMR Art. 45(2)",
                    "Detained: reply within 1 week of the request.",
                ),
                Row(
                    HIT.is_set(),
                    SENT.plus_weeks(2),
                    "AMMR Art. 40(2)",
                    "A category-2 hit for the requested State: reply within 2 weeks.",
                ),
                Row(TRUE, SENT.plus_months(1), "AMMR Art. 40(1)", "Reply within 1 month of the request."),
            ),
            value=None,
            flags=(URGENT_REPLY,),
        ),
    ),
)

NO_TRANSFER_ROWS = (
    ("No acceptance is recorded.", ~ACCEPTED_ON.is_set(), ()),
    (
        "The State that accepted is not the responsible State.",
        fact("acceptance_state").ne(RESPONSIBLE),
        ("eu_acceptance_mismatch",),
    ),
    ("The determining State is responsible: there is no transfer.", RESPONSIBLE.eq(LODGED_IN), ()),
)


def _transfer(fw: Framework) -> RuleVersion:
    dublin = fw == "dublin_iii"
    base = "Dublin III Art. 29(1)" if dublin else "AMMR Art. 46(1)"
    extension = "Dublin III Art. 29(2)" if dublin else "AMMR Art. 46(2)"
    extra = ("eu_extension_assumed",) if dublin else ("eu_ammr_transfer_extension", "eu_extension_assumed")
    rows = (
        *(Row(when, None, base, because, flags) for because, when, flags in NO_TRANSFER_ROWS),
        Row(
            ABSCONDED_IN_TIME,
            ACCEPTED_ON.plus_months(18) if dublin else ACCEPTED_ON.plus_years(3),
            f"{extension}; CJEU C-163/17 Jawo" if dublin else extension,
            f"Absconded: transfer within {'18 months' if dublin else '3 years'} of the acceptance.",
            extra,
        ),
        Row(
            fact("imprisoned"),
            ACCEPTED_ON.plus_years(1),
            extension,
            "Imprisoned: transfer within 1 year of the acceptance.",
            extra,
        ),
        Row(TRUE, ACCEPTED_ON.plus_months(6), base, "Transfer within 6 months of the acceptance."),
    )
    return _version(
        fw,
        "The transfer is carried out within 6 months of the acceptance; after it the responsible State is "
        "relieved and responsibility passes to the determining State.",
        (base, extension),
        rows=rows,
        value=None,
    )


TRANSFER_DEADLINE = _rule(
    "transfer_deadline",
    "Time limit for the transfer",
    "time_limit",
    (_transfer("dublin_iii"), _transfer("ammr")),
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
    return _version(
        fw,
        "Who is responsible on the reading date (--as-of), once the clocks that have run out by then "
        "have moved responsibility. The summary keeps the State on the document's facts.",
        (request, transfer),
        rows=rows,
        value=None,
    )


RESPONSIBLE_TODAY = _rule(
    "responsible_on_reading_date",
    "Responsible on the reading date",
    "responsibility",
    (_today("dublin_iii"), _today("ammr")),
)


def _stated(
    fw: Framework, deadline: str, summary: str, citation: str, *, late_gone: bool = False
) -> RuleVersion:
    rows = [Row(TRUE, fact(deadline).iso(), citation, summary)]
    if late_gone:
        rows.insert(
            0,
            Row(
                SHIFTED, None, citation, "Responsibility passed to the determining State: no request is due."
            ),
        )
    flags: tuple[FlagWhen, ...] = ()
    if fw == "ammr":
        flags = (FlagWhen("eu_no_rollover", fact(deadline).weekday().is_in(WEEKEND) & ~SHIFTED),)
        if late_gone:
            flags += (
                FlagWhen("eu_participation", LODGED_IN.is_in(BY_AGREEMENT) | RESPONSIBLE.is_in(BY_AGREEMENT)),
            )
    return _version(fw, summary, (citation,), rows=rows, value=None, flags=flags)


def _stated_rule(
    rule_id: str, title: str, deadline: str, citations: tuple[str, str], *, late_gone: bool = False
) -> Rule:
    summary = f"{title}: the last day still in time (no roll-forward off a weekend or holiday)."
    return _rule(
        rule_id,
        title,
        "deadline",
        (
            _stated("dublin_iii", deadline, summary, citations[0], late_gone=late_gone),
            _stated("ammr", deadline, summary, citations[1], late_gone=late_gone),
        ),
    )


STATED = (
    _stated_rule(
        "take_charge_request_by",
        "Take charge request by",
        "take_charge_deadline",
        ("Dublin III Art. 21(1)", "AMMR Art. 39(1)"),
        late_gone=True,
    ),
    _stated_rule("reply_by", "Reply by", "reply_deadline", ("Dublin III Art. 22(1)", "AMMR Art. 40(1)")),
    _stated_rule(
        "transfer_by", "Transfer by", "transfer_deadline", ("Dublin III Art. 29(1)", "AMMR Art. 46(1)")
    ),
)

RULES = (
    FRAMEWORK,
    CRITERIA_STATE_RULE,
    CRITERIA_CODE_RULE,
    REQUEST_DUE_RULE,
    TAKE_CHARGE_DEADLINE,
    DUBLIN_LATE,
    AMMR_LATE,
    RESPONSIBLE_STATE,
    CRITERION,
    REPLY_DEADLINE,
    TRANSFER_DEADLINE,
    RESPONSIBLE_TODAY,
    *STATED,
)
