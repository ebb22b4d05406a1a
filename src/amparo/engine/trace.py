"""Determinations and the explanation trace.

A determination records, while the rule is evaluated, which version was read, the outcome, the
exception or table row that decided it, and how far evaluation went. The readable reason and the
inputs used are rendered from that record on demand (the facts only ever gain keys during a
screening, so rendering later reads exactly what evaluation read).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from amparo.engine.expr import Expr
from amparo.engine.law import Case, Rule, RuleException, RuleVersion

Outcome = Literal["applies", "excepted", "not_applicable", "value"]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: checked first, without isinstance on unions
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return [_jsonable(v) for v in (sorted(value) if isinstance(value, frozenset | set) else value)]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@functools.cache
def _described(expr: Expr) -> str:
    """``expr.describe()``, once per expression (rules are immutable; expressions hash by identity)."""
    return expr.describe()


@functools.cache
def _names(expr: Expr) -> frozenset[str]:
    """``expr.fact_names()``, once per expression."""
    return expr.fact_names()


@dataclass(slots=True)
class Determination:
    """What one rule version decided for one person, and how far its evaluation went.

    ``reached``: for default/exception rules, how many exceptions were evaluated; for decision
    tables, the index of the matching case (or the number of cases when none matched).
    """

    rule: Rule
    version: RuleVersion
    anchor_date: dt.date
    outcome: Outcome
    value: Any
    citations: tuple[str, ...]
    flags: tuple[str, ...]
    reached: int
    facts: Mapping[str, Any]
    exception: RuleException | None = None
    case: Case | None = None

    @property
    def because(self) -> str:
        """A readable reason: the version's summary and what was met, excepted or matched."""
        v = self.version
        if self.outcome == "value":
            return self.case.because if self.case else v.summary
        if self.outcome == "not_applicable":
            return f"{v.summary} Not met: {_described(v.applies)}."
        if self.outcome == "excepted" and self.exception is not None:
            return f"{v.summary} Excepted: {self.exception.title}."
        return f"{v.summary} Met: {_described(v.applies)}."

    @property
    def exceptions_checked(self) -> list[tuple[str, bool, str]]:
        """Each exception evaluated, whether it held, and its citation, in order."""
        if self.version.cases or self.outcome == "not_applicable":
            return []
        checked = self.version.exceptions[: self.reached]
        held_last = self.outcome == "excepted"
        return [(x.id, held_last and i == len(checked) - 1, x.citation) for i, x in enumerate(checked)]

    @property
    def inputs(self) -> dict[str, Any]:
        """The facts this determination read, by name."""
        v = self.version
        names: frozenset[str] = frozenset().union(*(_names(fw.when) for fw in v.flags))
        if v.cases:
            for case in v.cases[: self.reached + 1]:
                names |= _names(case.when)
            decided_by = self.case.value if self.case is not None else v.value
            if isinstance(decided_by, Expr):
                names |= _names(decided_by)
        else:
            names |= _names(v.applies)
            if self.outcome != "not_applicable":
                for exception in v.exceptions[: self.reached]:
                    names |= _names(exception.when)
            if self.outcome == "applies" and isinstance(v.value, Expr):
                names |= _names(v.value)
        return {name: self.facts[name] for name in sorted(names) if name in self.facts}

    def as_node(self) -> dict[str, Any]:
        """The trace node: rule id, version, citations, inputs used, outcome."""
        node: dict[str, Any] = {
            "rule": self.rule.id,
            "title": self.rule.title,
            "version": self.version.version,
            "law_status": self.version.status,
            "read_on": {"date": self.anchor_date.isoformat(), "anchor": self.rule.anchor},
            "outcome": self.outcome,
            "value": _jsonable(self.value),
            "because": self.because,
            "citations": list(self.citations),
            "inputs": {k: _jsonable(v) for k, v in self.inputs.items()},
            "certainty": self.version.certainty,
        }
        checked = self.exceptions_checked
        if checked:
            node["exceptions"] = [{"id": i, "held": held, "citation": cite} for i, held, cite in checked]
        if self.exception is not None and self.exception.certainty != "V":
            node["exception_certainty"] = self.exception.certainty
        return node
