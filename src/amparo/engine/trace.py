"""Determinations and the explanation trace, recorded while rules are evaluated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from amparo.engine.expr import Facts
from amparo.engine.law import Rule, RuleVersion

Outcome = Literal["applies", "excepted", "not_applicable", "value"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return [_jsonable(v) for v in (sorted(value) if isinstance(value, frozenset | set) else value)]
    return value


@dataclass
class Determination:
    """What one rule version decided for one person, why, and from which inputs."""

    rule: Rule
    version: RuleVersion
    anchor_date: dt.date
    outcome: Outcome
    value: Any
    because: str
    citations: tuple[str, ...]
    inputs: dict[str, Any]
    exceptions_checked: list[tuple[str, bool, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    children: list[Determination] = field(default_factory=list)

    def as_node(self) -> dict[str, Any]:
        """The trace node: rule id, version, citations, inputs used, outcome, children."""
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
            "inputs": {k: _jsonable(v) for k, v in sorted(self.inputs.items())},
        }
        if self.exceptions_checked:
            node["exceptions"] = [
                {"id": i, "held": held, "citation": cite} for i, held, cite in self.exceptions_checked
            ]
        if self.children:
            node["children"] = [c.as_node() for c in self.children]
        return node


def inputs_of(names: frozenset[str], facts: Facts) -> dict[str, Any]:
    """The facts a determination read, by name."""
    return {name: facts[name] for name in sorted(names) if name in facts}


def merged_inputs(*parts: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out.update(part)
    return out
