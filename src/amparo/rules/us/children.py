"""Who is an unaccompanied alien child (6 USC 279(g)(2))."""

from __future__ import annotations

from amparo.rules.rules_api import FlagWhen, Rule, RuleException, RuleVersion, fact
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

RULES = (UAC,)
