"""Readable YAML legal tests: facts, a date, the expected outcome, the scenario and its citation.

One scenario per file::

    scenario: "9"                      # a number in the pack's legal brief, or e.g. "spec:EX-1"
    title: what the scenario is about
    source: where the scenario comes from
    citations: ["the instrument and clause it tests"]
    as_of: 2020-01-15                  # optional; overrides the document's own reading date
    encounter: { ... encounter v1 ... }  # or ``document:`` — any pack's document (its ``schema`` picks the pack)
    companions: [ { ... } ]            # optional: documents of those travelling with the person
    expect:
      summary: {some_key: value}       # every summary key given is compared exactly
      flags: [some_flag]               # flag ids that must be raised
      no_flags: []                     # flag ids that must not be raised
      rules: {some.rule: excepted}     # rule id -> outcome in the trace ("value=<v>" for a table's value)
    notes: why, for a person reading it

``amparo rules test [PATH]`` runs a file or a folder (default: every installed pack's shipped scenarios).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, FieldError, InputError
from amparo.screening.screen import screen

_TOP = {
    "scenario",
    "title",
    "source",
    "citations",
    "as_of",
    "encounter",
    "document",
    "companions",
    "expect",
    "notes",
}
_EXPECT = {"summary", "flags", "no_flags", "rules"}


@dataclass(frozen=True)
class Scenario:
    """One legal test case read from a YAML file."""

    path: Path
    number: str
    title: str
    citations: tuple[str, ...]
    as_of: dt.date | None
    encounter: dict[str, Any]
    summary: dict[str, Any]
    flags: tuple[str, ...]
    no_flags: tuple[str, ...]
    rules: dict[str, str]
    companions: tuple[dict[str, Any], ...] = ()


@dataclass
class ScenarioResult:
    """The outcome of running one scenario: mismatches are empty when it passed."""

    scenario: Scenario
    mismatches: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _fail(path: Path, pointer: str, message: str) -> InputError:
    return InputError([FieldError(pointer, message)], source=str(path))


def load_scenario(path: Path, packs: PackRegistry) -> Scenario:
    """Read and check one scenario file; InputError naming the field otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, "", f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise _fail(path, "", "expected a mapping with scenario, title, encounter and expect")
    unknown = set(data) - _TOP
    if unknown:
        raise _fail(path, f"/{sorted(unknown)[0]}", f"unknown key; expected one of {sorted(_TOP)}")
    doc_key = "document" if "document" in data else "encounter"
    for key in ("scenario", "title", doc_key, "expect"):
        if key not in data:
            raise _fail(path, f"/{key}", "is required")
    expect = data["expect"]
    if not isinstance(expect, dict) or not expect:
        raise _fail(path, "/expect", "expected a mapping with summary, flags, no_flags or rules")
    if set(expect) - _EXPECT:
        raise _fail(
            path,
            f"/expect/{sorted(set(expect) - _EXPECT)[0]}",
            f"unknown key; expected one of {sorted(_EXPECT)}",
        )
    if not isinstance(data[doc_key], dict):
        raise _fail(path, f"/{doc_key}", "expected a document object (encounter v1 or another pack's)")
    try:
        keys = packs.for_document(data[doc_key]).program.summary_keys
    except InputError as exc:
        raise _fail(path, f"/{doc_key}/schema", exc.errors[0].message) from None
    summary = expect.get("summary") or {}
    if not isinstance(summary, dict) or set(summary) - set(keys):
        raise _fail(path, "/expect/summary", f"expected a mapping with keys among {list(keys)}")
    as_of = data.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        try:
            as_of = dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise _fail(path, "/as_of", "expected a date written YYYY-MM-DD") from None
    rules = expect.get("rules") or {}
    if not isinstance(rules, dict):
        raise _fail(path, "/expect/rules", "expected a mapping of rule id to outcome")
    companions = data.get("companions") or []
    if not isinstance(companions, list) or not all(isinstance(c, dict) for c in companions):
        raise _fail(path, "/companions", "expected a list of documents travelling with the person")
    return Scenario(
        companions=tuple(_json_dates(c) for c in companions),
        path=path,
        number=str(data["scenario"]),
        title=str(data["title"]),
        citations=tuple(str(c) for c in data.get("citations") or ()),
        as_of=as_of,
        encounter=_json_dates(data[doc_key]),
        summary=summary,
        flags=tuple(expect.get("flags") or ()),
        no_flags=tuple(expect.get("no_flags") or ()),
        rules={str(k): str(v) for k, v in rules.items()},
    )


def _json_dates(value: Any) -> Any:
    """YAML reads bare dates as dates; encounter v1 wants the ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_dates(v) for v in value]
    return value


def discover(path: Path | None, packs: PackRegistry) -> Iterator[Path]:
    """The scenario files at ``path`` (a file or a folder, searched recursively); without a path,
    every installed pack's shipped scenarios."""
    roots = [path] if path is not None else [p.scenarios_dir for p in packs if p.scenarios_dir is not None]
    for root in roots:
        if root.is_file():
            yield root
            continue
        if not root.exists():
            raise InputError([FieldError("", f"no such file or folder: {root}")])
        yield from sorted(p for p in root.rglob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def run_scenario(scenario: Scenario, packs: PackRegistry) -> ScenarioResult:
    """Screen the scenario's document and compare with what it expects."""
    result = ScenarioResult(scenario)
    try:
        decision = screen(scenario.encounter, packs, as_of=scenario.as_of, companions=scenario.companions)
    except AmparoError as exc:
        result.mismatches.append(f"the document cannot be screened: {exc}")
        return result
    for key, expected in scenario.summary.items():
        got = decision.summary[key]
        if got != expected:
            result.mismatches.append(f"summary.{key}: expected {expected!r}, got {got!r}")
    raised = {f["id"] for f in decision.flags}
    result.mismatches += [f"flag '{f}' expected but not raised" for f in scenario.flags if f not in raised]
    result.mismatches += [f"flag '{f}' raised but not expected" for f in scenario.no_flags if f in raised]
    outcomes = {d.rule.id: d.outcome for d in decision.determinations}
    values = {d.rule.id: d.value for d in decision.determinations}
    for rule_id, expected in scenario.rules.items():
        # "value=<v>" checks a decision table's value as well as its outcome.
        outcome, _, value = expected.partition("=")
        if outcomes.get(rule_id) != outcome:
            result.mismatches.append(f"rule {rule_id}: expected {outcome}, got {outcomes.get(rule_id)}")
        elif value and str(values.get(rule_id)) != value:
            result.mismatches.append(f"rule {rule_id}: expected value {value}, got {values.get(rule_id)}")
    return result
