"""Instruments, rules in default/exception form with dated versions, and the law-as-of lookup.

Every dated value carries its citation and the certainty the legal brief gives it
(``V`` verified, ``M`` from memory, ``U`` uncertain or contested). A rule's versions are
half-open date ranges ``[valid_from, valid_to)``; :meth:`LawBook.version` is the one lookup
and raises :class:`~amparo.errors.NoRuleInForce` where no version covers the date, never
returning ``None``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from amparo.engine.expr import FALSE, Expr
from amparo.errors import NoRuleInForce, RuleDefinitionError, UnknownRule

Certainty = Literal["V", "M", "U"]
InstrumentKind = Literal[
    "statute",
    "regulation",
    "agreement",
    "arrangement",
    "policy_memo",
    "court_order",
    "proclamation",
    "public_health_order",
]
EventKind = Literal[
    "signed",
    "published",
    "effective",
    "in_force",
    "implemented",
    "expanded",
    "suspended",
    "resumed",
    "terminated",
    "enjoined",
    "narrowed",
    "stayed",
    "vacated",
    "rescinded",
    "ratified",
    "reported",
]
RuleAnchor = Literal["as_of", "encountered_on"]
RuleStatus = Literal[
    "in_effect",
    "implemented",
    "not_implemented",
    "not_in_force",
    "enjoined",
    "stayed",
    "vacated",
    "suspended",
    "terminated",
    "unverified",
]


@dataclass(frozen=True)
class Event:
    """One dated step in an instrument's life (signed, in force, implemented for whom, enjoined...)."""

    on: dt.date
    kind: EventKind
    text: str
    citations: tuple[str, ...]
    certainty: Certainty = "V"
    population: str | None = None  # for 'implemented': for whom, from when


@dataclass(frozen=True)
class Instrument:
    """A statute section, regulation, agreement, memo, proclamation or court order."""

    id: str
    title: str
    kind: InstrumentKind
    citations: tuple[str, ...]
    events: tuple[Event, ...] = ()
    notes: str = ""
    flags: tuple[str, ...] = ()

    def events_until(self, on: dt.date) -> tuple[Event, ...]:
        """Events that had happened by ``on`` (inclusive)."""
        return tuple(e for e in self.events if e.on <= on)


@dataclass(frozen=True)
class Flag:
    """A contested or uncertain point, the one documented way amparo decides it, and its sources."""

    id: str
    title: str
    decision: str
    citations: tuple[str, ...]
    certainty: Certainty = "U"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message": f"{self.title} Decided: {self.decision}",
            "citations": list(self.citations),
            "certainty": self.certainty,
        }


@dataclass(frozen=True)
class RuleException:
    """``... unless <when>``: an exception to a rule, with its own citation and the certainty its
    source gives it (an exception recalled from memory, on a verified rule, is ``M``)."""

    id: str
    title: str
    citation: str
    when: Expr
    certainty: Certainty = "V"


@dataclass(frozen=True)
class FlagWhen:
    """Raise a flag when this version is consulted, ``when`` holds and (if given) the outcome is one of ``outcomes``."""

    flag: str
    when: Expr
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One row of a decision table: ``value`` when ``when`` holds (first match wins)."""

    when: Expr
    value: Any
    citation: str
    because: str


@dataclass(frozen=True, kw_only=True)
class RuleVersion:
    """One version of a rule, valid on ``[valid_from, valid_to)`` of the rule's anchor date.

    Default/exception form: the rule yields ``value`` when ``applies`` holds unless one of the
    ``exceptions`` holds. A ``value`` (or a case's) may be an expression: it is then evaluated on
    the facts, e.g. the State a criterion names or a deadline counted from a date. Decision-table form (``cases`` not empty): the first case that holds
    gives the value, else ``value``. ``status`` says what the law was in that period
    (``in_effect``, ``enjoined``, ``vacated``, ``not_in_force``, ``suspended``, ...).
    """

    version: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: RuleStatus
    summary: str
    citations: tuple[str, ...]
    applies: Expr = FALSE
    exceptions: tuple[RuleException, ...] = ()
    value: Any = True
    cases: tuple[Case, ...] = ()
    flags: tuple[FlagWhen, ...] = ()
    certainty: Certainty = "V"

    def covers(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A rule: id, title, kind, the instrument it implements, and its versions over time."""

    id: str
    title: str
    kind: str
    instrument: str
    anchor: RuleAnchor
    versions: tuple[RuleVersion, ...]
    not_applicable: Any = False
    description: str = ""

    def at(self, on: dt.date) -> RuleVersion:
        """The version in force on ``on``; NoRuleInForce when none covers it."""
        for version in self.versions:
            if version.covers(on):
                return version
        raise NoRuleInForce(self.id, on, covered=self.coverage())

    def coverage(self) -> str:
        first = self.versions[0].valid_from.isoformat() if self.versions else "?"
        last = self.versions[-1].valid_to if self.versions else None
        return f"{first} to {last.isoformat() if last else 'today'}"


@dataclass
class LawBook:
    """A pack of instruments, rules and flags, checked for consistency when built."""

    id: str
    version: str
    instruments: Mapping[str, Instrument]
    rules: Mapping[str, Rule]
    flags: Mapping[str, Flag]
    _digest: str = field(default="", init=False)

    @classmethod
    def build(
        cls,
        *,
        id: str,
        version: str,
        instruments: Iterable[Instrument],
        rules: Iterable[Rule],
        flags: Iterable[Flag],
    ) -> LawBook:
        book = cls(
            id=id,
            version=version,
            instruments=_unique_by_id(instruments, "instrument"),
            rules=_unique_by_id(rules, "rule"),
            flags=_unique_by_id(flags, "flag"),
        )
        book.check()
        book._digest = hashlib.sha256(json.dumps(book.canonical(), sort_keys=True).encode()).hexdigest()[:16]
        return book

    @property
    def digest(self) -> str:
        """A short hash of the whole content: two decisions with one digest read the same law."""
        return self._digest

    def rule(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise UnknownRule(rule_id, known=sorted(self.rules)) from None

    def instrument(self, instrument_id: str) -> Instrument:
        try:
            return self.instruments[instrument_id]
        except KeyError:
            raise UnknownRule(instrument_id, known=sorted(self.instruments)) from None

    def flag(self, flag_id: str) -> Flag:
        try:
            return self.flags[flag_id]
        except KeyError:
            raise UnknownRule(flag_id, known=sorted(self.flags)) from None

    def version_of(self, rule_id: str, on: dt.date) -> RuleVersion:
        """The one "law as of date" lookup: the version of ``rule_id`` in force on ``on``."""
        return self.rule(rule_id).at(on)

    def check(self) -> None:
        """Raise RuleDefinitionError on overlapping or inverted versions and dangling references."""
        for rule in self.rules.values():
            if rule.instrument not in self.instruments:
                raise RuleDefinitionError(f"rule '{rule.id}' cites unknown instrument '{rule.instrument}'")
            if not rule.versions:
                raise RuleDefinitionError(f"rule '{rule.id}' has no version")
            previous: RuleVersion | None = None
            for version in rule.versions:
                if version.valid_to is not None and version.valid_to <= version.valid_from:
                    raise RuleDefinitionError(
                        f"rule '{rule.id}' version '{version.version}' ends on or before it starts"
                    )
                if not version.citations:
                    raise RuleDefinitionError(f"rule '{rule.id}' version '{version.version}' has no citation")
                if previous is not None and (
                    previous.valid_to is None or previous.valid_to > version.valid_from
                ):
                    raise RuleDefinitionError(
                        f"rule '{rule.id}': versions '{previous.version}' and '{version.version}' overlap"
                    )
                for flag_when in version.flags:
                    if flag_when.flag not in self.flags:
                        raise RuleDefinitionError(f"rule '{rule.id}' raises unknown flag '{flag_when.flag}'")
                previous = version
        for instrument in self.instruments.values():
            for flag_id in instrument.flags:
                if flag_id not in self.flags:
                    raise RuleDefinitionError(f"instrument '{instrument.id}' names unknown flag '{flag_id}'")

    def canonical(self) -> dict[str, Any]:
        """A JSON-able dump of the whole content (used for the digest and the catalogue)."""
        return {
            "id": self.id,
            "version": self.version,
            "instruments": {
                i.id: {
                    "title": i.title,
                    "kind": i.kind,
                    "citations": list(i.citations),
                    "events": [
                        [e.on.isoformat(), e.kind, e.text, list(e.citations), e.certainty] for e in i.events
                    ],
                }
                for i in self.instruments.values()
            },
            "rules": {
                r.id: [
                    [
                        v.version,
                        v.valid_from.isoformat(),
                        v.valid_to.isoformat() if v.valid_to else None,
                        v.status,
                        list(v.citations),
                        v.applies.describe(),
                        [[x.id, x.citation, x.when.describe()] for x in v.exceptions],
                        [[c.when.describe(), _value_text(c.value), c.citation] for c in v.cases],
                        _value_text(v.value),
                    ]
                    for v in r.versions
                ]
                for r in self.rules.values()
            },
            "flags": {f.id: [f.title, f.decision, list(f.citations)] for f in self.flags.values()},
        }


def _value_text(value: Any) -> str:
    """How a rule's value is written in the canonical dump: an expression by its description."""
    return f"<{value.describe()}>" if isinstance(value, Expr) else repr(value)


def _unique_by_id(items: Iterable[Any], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise RuleDefinitionError(f"two {what}s have the id '{item.id}'")
        out[item.id] = item
    return out
