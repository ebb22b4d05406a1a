"""The building blocks of the EU pack's responsibility and deadline rules: the named facts they
read, decision-table rows with the flags raised when a row decides, and a rule with its Dublin III
version (applications registered before 1 July 2026) and its AMMR version (from that date): the
same question, answered by the law in force on the registration date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from amparo.rules.eu.dates import AMMR_APPLIES_FROM, COVERAGE_START
from amparo.rules.rules_api import (
    FALSE,
    Case,
    Expr,
    FlagWhen,
    Rule,
    RuleException,
    RuleVersion,
    all_of,
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


def table(rows: Sequence[Row]) -> tuple[tuple[Case, ...], tuple[FlagWhen, ...]]:
    cases: list[Case] = []
    flags: list[FlagWhen] = []
    for index, row in enumerate(rows):
        cases.append(Case(row.when, row.value, row.citation, row.because))
        reached = all_of(*(~earlier.when for earlier in rows[:index]), row.when)
        flags += [FlagWhen(flag, reached, ("value",)) for flag in row.flags]
    return tuple(cases), tuple(flags)


def version(
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
    cases, row_flags = table(rows)
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


def not_in_force(fw: Framework) -> RuleVersion:
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


def rule(
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
