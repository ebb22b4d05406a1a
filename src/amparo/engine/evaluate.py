"""Evaluate one rule for one person: pick the version in force, apply it, record the determination."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from amparo.engine.expr import Expr, Facts
from amparo.engine.law import LawBook
from amparo.engine.trace import Determination


@functools.lru_cache(maxsize=4096)
def _cited(*groups: str | tuple[str, ...]) -> tuple[str, ...]:
    """Citations in order, each once (a clause written ``"a; b"`` counts as two)."""
    out: list[str] = []
    for group in groups:
        for text in (group,) if isinstance(group, str) else group:
            for cite in text.split("; "):
                if cite and cite not in out:
                    out.append(cite)
    return tuple(out)


def _value(value: Any, facts: Facts) -> Any:
    """A rule's value: an expression is evaluated on the facts, a constant given as it is."""
    return value.evaluate(facts) if isinstance(value, Expr) else value


def determine(book: LawBook, rule_id: str, facts: Facts, dates: Mapping[str, dt.date]) -> Determination:
    """The determination of ``rule_id`` for ``facts``, read on the rule's anchor date in ``dates``."""
    rule = book.rule(rule_id)
    on = dates[rule.anchor]
    version = rule.at(on)
    flag_whens = version.flags

    def flags_for(outcome: str) -> tuple[str, ...]:
        # Only the flags that could be raised for this outcome have their conditions evaluated.
        if not flag_whens:
            return ()
        return tuple(
            fw.flag
            for fw in flag_whens
            if (not fw.outcomes or outcome in fw.outcomes) and fw.when.evaluate(facts)
        )

    if version.cases:
        for index, case in enumerate(version.cases):
            if case.when.evaluate(facts):
                # A row of a table cites its own clauses, not the whole table's list.
                citations = _cited(case.citation)
                return Determination(
                    rule,
                    version,
                    on,
                    "value",
                    _value(case.value, facts),
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
            _value(version.value, facts),
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
                _cited(exception.citation, version.citations),
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
        _value(version.value, facts),
        version.citations,
        flags_for("applies"),
        len(version.exceptions),
        facts,
    )
