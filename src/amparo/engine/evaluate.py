"""Evaluate one rule for one person: pick the version in force, apply it, record the trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from amparo.engine.expr import Facts
from amparo.engine.law import FlagWhen, LawBook
from amparo.engine.trace import Determination, Outcome, inputs_of


def determine(book: LawBook, rule_id: str, facts: Facts, dates: Mapping[str, dt.date]) -> Determination:
    """The determination of ``rule_id`` for ``facts``, read on the rule's anchor date in ``dates``."""
    rule = book.rule(rule_id)
    on = dates[rule.anchor]
    version = book.version_of(rule_id, on)
    raised = [fw for fw in version.flags if fw.when.evaluate(facts)]
    read = frozenset().union(*(fw.when.fact_names() for fw in version.flags))

    def done(
        outcome: Outcome,
        value: object,
        because: str,
        citations: tuple[str, ...],
        checked: list[tuple[str, bool, str]] | None = None,
    ) -> Determination:
        return Determination(
            rule,
            version,
            on,
            outcome,
            value,
            because,
            citations,
            inputs_of(read, facts),
            checked or [],
            _flags(raised, outcome),
        )

    if version.cases:
        for case in version.cases:
            read |= case.when.fact_names()
            if case.when.evaluate(facts):
                return done("value", case.value, case.because, (case.citation, *version.citations))
        return done("value", version.value, version.summary, version.citations)

    read |= version.applies.fact_names()
    if not version.applies.evaluate(facts):
        because = f"{version.summary} Not met: {version.applies.describe()}."
        return done("not_applicable", rule.not_applicable, because, version.citations)
    checked: list[tuple[str, bool, str]] = []
    for exception in version.exceptions:
        read |= exception.when.fact_names()
        held = bool(exception.when.evaluate(facts))
        checked.append((exception.id, held, exception.citation))
        if held:
            because = f"{version.summary} Excepted: {exception.title}."
            return done("excepted", rule.not_applicable, because, (exception.citation, *version.citations), checked)
    because = f"{version.summary} Met: {version.applies.describe()}."
    return done("applies", version.value, because, version.citations, checked)


def _flags(raised: list[FlagWhen], outcome: str) -> list[str]:
    return [fw.flag for fw in raised if not fw.outcomes or outcome in fw.outcomes]
