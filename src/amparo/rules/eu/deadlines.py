"""The Dublin clocks: take charge request, reply, transfer, and the late request that moves
responsibility; each rule with its Dublin III and its AMMR version (:mod:`amparo.rules.eu.tables`). Deadlines are counted as shared/spec/eu/README.md §3 says (:mod:`amparo.engine.periods`);
each ``*_by`` date is the last day still in time. Responsibility moves to the determining State
when the take charge request is late (Dublin III Art. 21(1), AMMR Art. 39(1)); when the transfer
period runs out (Art. 29(2) / 46(2)) the case store's clock says so (see the pack's deadlines).
"""

from __future__ import annotations

from amparo.rules.eu.tables import (
    ABSCONDED_IN_TIME,
    ACCEPTED_ON,
    BY_AGREEMENT,
    CRITERIA_STATE,
    DETAINED,
    HIT,
    LODGED_IN,
    OTHER_HIT,
    REQUEST_DUE,
    RESPONSIBLE,
    SENT,
    SHIFTED,
    WEEKEND,
    Framework,
    L,
    Row,
    not_in_force,
    rule,
    version,
)
from amparo.rules.rules_api import TRUE, FlagWhen, Rule, RuleException, RuleVersion, earliest, fact

TAKE_BACK = {
    "dublin_iii": "Dublin III Arts. 18(1)(b)–(d), 20(5), 23, 24",
    "ammr": "AMMR Arts. 36(1)(b), 41",
}


def _request_due(fw: Framework, citation: str) -> RuleVersion:
    return version(
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


REQUEST_DUE_RULE = rule(
    "take_charge_request_due",
    "A take charge request is due",
    "procedure",
    (_request_due("dublin_iii", "Dublin III Art. 21(1)"), _request_due("ammr", "AMMR Art. 39(1)")),
    not_applicable=False,
)

NO_REQUEST = "No take charge request is due: the criteria name the determining State, or it is a take back."

TAKE_CHARGE_DEADLINE = rule(
    "take_charge_deadline",
    "Time limit for the take charge request",
    "time_limit",
    (
        version(
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
        version(
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
DUBLIN_LATE = rule(
    "dublin_iii_art21_1",
    "Dublin III: take charge request not made in time (Art. 21(1) third subpara.)",
    "time_limit",
    (
        version(
            "dublin_iii",
            "Where the request is not made within the time limits, the State where the application was "
            "lodged is responsible.",
            ("Dublin III Art. 21(1) third subpara.",),
            applies=LATE,
            value=LODGED_IN,
        ),
        not_in_force("dublin_iii"),
    ),
)
AMMR_LATE = rule(
    "ammr_art39_1",
    "AMMR: take charge request not made in time (Art. 39(1) third subpara.)",
    "time_limit",
    (
        not_in_force("ammr"),
        version(
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


NO_REPLY = "No reply period runs: no request is due, none was sent, or it was sent too late."
NO_REPLY_WHEN = ~REQUEST_DUE | SHIFTED | ~SENT.is_set()
#: Under the AMMR urgency is ignored, and flagged whenever a reply period runs for an urgent request.
URGENT_REPLY = FlagWhen("eu_urgent_reply", ~NO_REPLY_WHEN & fact("request_urgent"))

REPLY_DEADLINE = rule(
    "reply_deadline",
    "Time limit for the reply to the take charge request (silence is acceptance)",
    "time_limit",
    (
        version(
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
        version(
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
    return version(
        fw,
        "The transfer is carried out within 6 months of the acceptance; after it the responsible State is "
        "relieved and responsibility passes to the determining State.",
        (base, extension),
        rows=rows,
        value=None,
    )


TRANSFER_DEADLINE = rule(
    "transfer_deadline",
    "Time limit for the transfer",
    "time_limit",
    (_transfer("dublin_iii"), _transfer("ammr")),
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
    return version(fw, summary, (citation,), rows=rows, value=None, flags=flags)


def _stated_rule(
    rule_id: str, title: str, deadline: str, citations: tuple[str, str], *, late_gone: bool = False
) -> Rule:
    summary = f"{title}: the last day still in time (no roll-forward off a weekend or holiday)."
    return rule(
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
    REQUEST_DUE_RULE,
    TAKE_CHARGE_DEADLINE,
    DUBLIN_LATE,
    AMMR_LATE,
    REPLY_DEADLINE,
    TRANSFER_DEADLINE,
    *STATED,
)
