"""Title 42 expulsions (CDC order under 42 USC 265, 268): an overlay checked first.

The brief has this from memory [M] (§3.6): implemented March 21, 2020, ended May 11, 2023 at
11:59 p.m. ET; "most single adults and many families encountered at the border were expelled";
unaccompanied children excepted by court order from Nov. 18, 2020. It names no other border, so
the overlay is applied to the southern land border and encounters at the northern land border or
the coast within the window are flagged (``title42_other_borders``). The instant of the encounter
is compared with the order's own instants (:data:`~amparo.rules.us.dates.BOUNDARIES`).
"""

from __future__ import annotations

from amparo.rules.rules_api import FlagWhen, Rule, RuleException, RuleVersion, d, fact
from amparo.rules.us.dates import BOUNDARIES, COVERAGE_START

START = BOUNDARIES["title42_start"]
END = BOUNDARIES["title42_end"]
ORDER = "CDC order under 42 USC 265, 268"

_in_window = (fact("encountered_instant") >= START) & (fact("encountered_instant") < END)
_covered = fact("border").eq("southwest_land") & _in_window
_documents = RuleException(
    "documents",
    "the person holds lawful permanent residence, a valid visa or a parole travel authorisation",
    ORDER,
    ~fact("lacks_entry_documents"),
    certainty="M",
)
_FLAGS = (
    FlagWhen(
        "boundary_on_encounter_day", fact("boundaries_on_day").intersects({"title42_start", "title42_end"})
    ),
    FlagWhen("title42_other_borders", fact("border").is_in({"northern_land", "coastal"}) & _in_window),
)
_SUMMARY = (
    "People encountered at the southern land border without documents were subject to expulsion under "
    "Title 42 (DHS practice: most single adults and many families)."
)

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
            citations=(ORDER,),
            flags=(_FLAGS[0],),
            certainty="M",
        ),
        RuleVersion(
            version="2020-03",
            valid_from=d("2020-03-21"),
            valid_to=d("2020-11-18"),
            status="in_effect",
            summary=_SUMMARY,
            citations=(ORDER,),
            applies=_covered,
            exceptions=(_documents,),
            flags=_FLAGS,
            certainty="M",
        ),
        RuleVersion(
            version="2020-11",
            valid_from=d("2020-11-18"),
            valid_to=d("2023-05-12"),
            status="in_effect",
            summary=_SUMMARY
            + " Unaccompanied children were excepted; the order ended at 11:59 p.m. ET on 2023-05-11.",
            citations=(ORDER, "P.J.E.S. v. Wolf (D.D.C. 2020-11-18)"),
            applies=_covered,
            exceptions=(
                RuleException(
                    "unaccompanied_child",
                    "an unaccompanied child",
                    "P.J.E.S. v. Wolf (D.D.C. 2020-11-18)",
                    fact("unaccompanied_child"),
                    certainty="M",
                ),
                _documents,
            ),
            flags=_FLAGS,
            certainty="M",
        ),
        RuleVersion(
            version="ended",
            valid_from=d("2023-05-12"),
            valid_to=None,
            status="terminated",
            summary="The Title 42 order ended at 11:59 p.m. ET on 2023-05-11.",
            citations=(ORDER,),
            certainty="M",
        ),
    ),
)

RULES = (TITLE42,)
