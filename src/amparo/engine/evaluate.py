"""Evaluate one rule for one person: pick the version in force, apply it, record the determination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from amparo.engine.expr import Facts
from amparo.engine.law import LawBook
from amparo.engine.trace import Determination


def determine(book: LawBook, rule_id: str, facts: Facts, dates: Mapping[str, dt.date]) -> Determination:
    """The determination of ``rule_id`` for ``facts``, read on the rule's anchor date in ``dates``."""
    rule = book.rule(rule_id)
    on = dates[rule.anchor]
    version = rule.at(on)
    raised = [fw for fw in version.flags if fw.when.evaluate(facts)] if version.flags else None

    def flags_for(outcome: str) -> tuple[str, ...]:
        if not raised:
            return ()
        return tuple(fw.flag for fw in raised if not fw.outcomes or outcome in fw.outcomes)

    if version.cases:
        for index, case in enumerate(version.cases):
            if case.when.evaluate(facts):
                citations = (case.citation, *version.citations)
                return Determination(
                    rule,
                    version,
                    on,
                    "value",
                    case.value,
                    citations,
                    flags_for("value"),
                    index,
                    facts,
                    case=case,
                )
        return Determination(
            rule,
            version,
            on,
            "value",
            version.value,
            version.citations,
            flags_for("value"),
            len(version.cases),
            facts,
        )

    if not version.applies.evaluate(facts):
        return Determination(
            rule,
            version,
            on,
            "not_applicable",
            rule.not_applicable,
            version.citations,
            flags_for("not_applicable"),
            0,
            facts,
        )
    for index, exception in enumerate(version.exceptions):
        if exception.when.evaluate(facts):
            return Determination(
                rule,
                version,
                on,
                "excepted",
                rule.not_applicable,
                (exception.citation, *version.citations),
                flags_for("excepted"),
                index + 1,
                facts,
                exception=exception,
            )
    return Determination(
        rule,
        version,
        on,
        "applies",
        version.value,
        version.citations,
        flags_for("applies"),
        len(version.exceptions),
        facts,
    )
