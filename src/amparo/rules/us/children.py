"""Who is an unaccompanied alien child (6 USC 279(g)(2))."""

from __future__ import annotations

from amparo.rules.rules_api import TRUE, FlagWhen, Rule, RuleException, RuleVersion, fact
from amparo.rules.us.dates import COVERAGE_START

UAC = Rule(
    id="uac",
    title="Unaccompanied alien child",
    kind="definition",
    instrument="uac_definition",
    anchor="encountered_on",
    versions=(
        RuleVersion(
            version="2002",
            valid_from=COVERAGE_START,
            valid_to=None,
            status="in_effect",
            summary="A child under 18 with no lawful status and no parent or legal guardian in the US available to "
            "provide care and physical custody is an unaccompanied alien child.",
            citations=("6 USC 279(g)(2)",),
            applies=fact("under_18"),
            exceptions=(
                RuleException(
                    "lawful_status",
                    "the child has lawful immigration status (lawful permanent resident)",
                    "6 USC 279(g)(2)(A)",
                    fact("lawful_permanent_resident"),
                ),
                RuleException(
                    "parent_available",
                    "a parent or legal guardian is in the US and available (or the child travels in a family unit)",
                    "6 USC 279(g)(2)(C)",
                    fact("parent_or_guardian_available"),
                ),
            ),
            flags=(FlagWhen("age_unknown", ~fact("age_known")),),
        ),
    ),
)


# 8 USC 1232(a)(2): an unaccompanied child who is a national of a contiguous country (Mexico,
# Canada) may be permitted to withdraw the application for admission and be returned at the border,
# after a screening. The brief (§2.1) says only that "certain Mexican or Canadian UACs ... may be
# returned at the border"; the statute's conditions are read from its text (8 USC 1232(a)(2)(A),
# the statute mirror of the brief's §11) and flagged ``uac_contiguous_return``.
CONTIGUOUS_RETURN = Rule(
    id="uac.contiguous_return",
    title="Return at the border of an unaccompanied child from a contiguous country",
    kind="processing_track",
    instrument="uac_definition",
    anchor="encountered_on",
    versions=(
        RuleVersion(
            version="tvpra",
            valid_from=COVERAGE_START,
            valid_to=None,
            status="in_effect",
            summary="An unaccompanied child who is a national of Mexico or Canada may be permitted to withdraw the "
            "application for admission and be returned at the border, after a screening; otherwise the child "
            "goes to section 240 proceedings.",
            citations=("8 USC 1232(a)(2)", "8 USC 1232(a)(5)(D)"),
            applies=fact("unaccompanied_child") & fact("contiguous_country_national"),
            exceptions=(
                RuleException(
                    "trafficking_victim",
                    "the child is a victim of a severe form of trafficking in persons",
                    "8 USC 1232(a)(2)(A)(i)",
                    fact("severe_trafficking_victim"),
                    certainty="M",
                ),
                RuleException(
                    "fear_of_return",
                    "the child states a fear of return to the country of nationality",
                    "8 USC 1232(a)(2)(A)(iii)",
                    fact("fear_stated_countries").intersects({"MX", "CA"}),
                    certainty="M",
                ),
            ),
            value="may_be_returned",
            flags=(FlagWhen("uac_contiguous_return", TRUE, ("applies", "excepted")),),
            certainty="M",
        ),
    ),
    not_applicable=None,
)

RULES = (UAC, CONTIGUOUS_RETURN)
