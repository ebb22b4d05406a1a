"""Title 42 expulsions (CDC order under 42 USC 265, 268): an overlay checked first."""

from __future__ import annotations

from amparo.rules.rules_api import COVERAGE_START, FlagWhen, Rule, RuleException, RuleVersion, d, et, fact

START = et("2020-03-21T00:00")
END = et("2023-05-11T23:59")
ORDER = "CDC order under 42 USC 265, 268"

_covered = (
    fact("border").is_in({"southwest_land", "northern_land", "coastal"})
    & (fact("encountered_instant") >= START)
    & (fact("encountered_instant") < END)
)
_documents = RuleException(
    "documents",
    "the person holds lawful permanent residence, a valid visa or a parole travel authorisation",
    ORDER,
    ~fact("lacks_entry_documents"),
)
_end_flag = FlagWhen("title42_end_instant", fact("encountered_on").eq(d("2023-05-11")) & ~fact("time_known"))

TITLE42 = Rule(
    "title42",
    "Title 42 expulsion",
    "overlay",
    "title42_order",
    "encountered_on",
    (
        RuleVersion(
            "before",
            COVERAGE_START,
            d("2020-03-21"),
            "not_in_force",
            "No Title 42 order was in force.",
            (ORDER, "implemented 2020-03-21"),
        ),
        RuleVersion(
            "2020-03",
            d("2020-03-21"),
            d("2020-11-18"),
            "in_effect",
            "People encountered at the land and coastal borders without documents are subject to expulsion under Title 42.",
            (ORDER,),
            applies=_covered,
            exceptions=(_documents,),
            certainty="M",
        ),
        RuleVersion(
            "2020-11",
            d("2020-11-18"),
            d("2023-05-12"),
            "in_effect",
            "People encountered at the land and coastal borders without documents are subject to expulsion "
            "under Title 42 until 11:59 pm ET on 2023-05-11; unaccompanied children are excepted.",
            (ORDER, "P.J.E.S. v. Wolf (D.D.C. 2020-11-18)"),
            applies=_covered,
            exceptions=(
                RuleException(
                    "unaccompanied_child",
                    "an unaccompanied child",
                    "P.J.E.S. v. Wolf (D.D.C. 2020-11-18)",
                    fact("unaccompanied_child"),
                ),
                _documents,
            ),
            flags=(_end_flag,),
            certainty="M",
        ),
        RuleVersion(
            "ended",
            d("2023-05-12"),
            None,
            "terminated",
            "The Title 42 order ended at 11:59 pm ET on 2023-05-11.",
            (ORDER, "terminated 2023-05-11 23:59 ET"),
        ),
    ),
)

RULES = (TITLE42,)
