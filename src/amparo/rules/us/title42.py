"""Title 42 expulsions (CDC order under 42 USC 265, 268): an overlay checked first."""

from __future__ import annotations

from amparo.rules.rules_api import FlagWhen, Rule, RuleException, RuleVersion, d, fact
from amparo.rules.us.dates import COVERAGE_START, et

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
    id="title42",
    title="Title 42 expulsion",
    kind="overlay",
    instrument="title42_order",
    anchor="encountered_on",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2020-03-21"),
            status="not_in_force",
            summary="No Title 42 order was in force.",
            citations=(ORDER, "implemented 2020-03-21"),
        ),
        RuleVersion(
            version="2020-03",
            valid_from=d("2020-03-21"),
            valid_to=d("2020-11-18"),
            status="in_effect",
            summary="People encountered at the land and coastal borders without documents are subject to expulsion under Title 42.",
            citations=(ORDER,),
            applies=_covered,
            exceptions=(_documents,),
            certainty="M",
        ),
        RuleVersion(
            version="2020-11",
            valid_from=d("2020-11-18"),
            valid_to=d("2023-05-12"),
            status="in_effect",
            summary="People encountered at the land and coastal borders without documents are subject to expulsion "
            "under Title 42 until 11:59 pm ET on 2023-05-11; unaccompanied children are excepted.",
            citations=(ORDER, "P.J.E.S. v. Wolf (D.D.C. 2020-11-18)"),
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
            version="ended",
            valid_from=d("2023-05-12"),
            valid_to=None,
            status="terminated",
            summary="The Title 42 order ended at 11:59 pm ET on 2023-05-11.",
            citations=(ORDER, "terminated 2023-05-11 23:59 ET"),
        ),
    ),
)

RULES = (TITLE42,)
