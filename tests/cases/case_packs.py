"""A small law pack for the case-service tests, with nothing of the US in it: its own document
schema, one rule, its own workflow (a removal that needs a supervisor's concurrence, an exception
a finding can establish) and a legal clock its decisions set. If the case services assumed
anything of the US pack, intake, the workflow or rescreening of these documents would fail.

The scheme: a *listed* arrival (nationality AA or BB) may be returned to CC, unless a finding
establishes ``danger_in`` naming CC; a return must be requested within 10 days of arrival (the
clock a returnable decision sets, ``return_request``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.engine.expr import fact
from amparo.engine.law import Instrument, LawBook, Rule, RuleException, RuleVersion
from amparo.engine.pack import PackDeadline, PersonFacts, Program, ReadDates, Step, SummaryKey
from amparo.engine.workflow import ALWAYS, Guard, Workflow
from amparo.errors import FieldError, InputError

SCHEMA = "amparo-test/arrival@1"
D = dt.date.fromisoformat


def _book() -> LawBook:
    scheme = Instrument(
        id="return_scheme",
        title="Return scheme (tests)",
        kind="regulation",
        citations=("Test Reg. 7",),
        events=(),
    )
    returnable = Rule(
        id="returnable",
        title="Returnable to CC",
        kind="procedure",
        instrument="return_scheme",
        anchor="as_of",
        versions=(
            RuleVersion(
                version="base",
                valid_from=D("2020-01-01"),
                valid_to=None,
                status="in_effect",
                summary="A listed arrival may be returned to CC.",
                citations=("Test Reg. 7 art. 1",),
                applies=fact("nationality").is_in({"AA", "BB"}),
                exceptions=(
                    RuleException(
                        id="danger",
                        title="Danger in CC",
                        citation="Test Reg. 7 art. 2",
                        when=fact("danger_in_cc"),
                    ),
                ),
                value="CC",
            ),
        ),
    )
    return LawBook.build(id="arrivals", version="1.0", instruments=(scheme,), rules=(returnable,), flags=())


BOOK = _book()


@dataclass(frozen=True)
class Arrival:
    id: str
    arrived_on: dt.date
    nationality: str
    name: str | None
    danger_in: tuple[str, ...]


def _parse(document: Mapping[str, Any]) -> Arrival:
    errors: list[FieldError] = []
    ident, arrived, nationality = document.get("id"), document.get("arrived_on"), document.get("nationality")
    if not isinstance(ident, str):
        errors.append(FieldError("/id", "expected a text id"))
    arrived_on = None
    try:
        arrived_on = D(arrived) if isinstance(arrived, str) else None
    except ValueError:
        pass
    if arrived_on is None:
        errors.append(FieldError("/arrived_on", "expected a date written YYYY-MM-DD"))
    if not isinstance(nationality, str) or len(nationality) != 2:
        errors.append(FieldError("/nationality", "expected a two-letter country code"))
    findings = document.get("findings") or {}
    if not isinstance(findings, dict) or set(findings) - {"danger_in"}:
        errors.append(FieldError("/findings", "expected only danger_in"))
        findings = {}
    if errors:
        raise InputError(errors)
    assert isinstance(ident, str) and arrived_on is not None and isinstance(nationality, str)
    return Arrival(
        ident, arrived_on, nationality, document.get("name"), tuple(findings.get("danger_in") or ())
    )


RETURNABLE = Guard(lambda s: s.get("return_to") is not None, "the decision allows no return")
PROTECTED = Guard(lambda s: s.get("return_to") is None, "the decision still allows the return")


@dataclass(frozen=True)
class ArrivalPack:
    id: str = "arrivals"
    title: str = "Return scheme (tests only)"
    schema_id: str = SCHEMA
    time_zone: str = "UTC"
    coverage_start: dt.date = D("2020-01-01")
    current_to: dt.date = D("2026-01-01")
    program: Program = Program(
        steps=(Step(rule="returnable"),),
        summary=(
            SummaryKey(key="return_to", kind="first_value", rules=("returnable",), label="Return to"),
            SummaryKey(key="return_by", kind="fact", fact="return_by", label="Request the return by"),
        ),
    )
    confidentiality: None = None
    workflow: Workflow = Workflow(
        states=("new", "registered", "supervisor_concurrence", "returned", "protected", "closed"),
        intake_state="new",
        first_state="registered",
        transitions={
            ("new", "registered"): ALWAYS,
            ("registered", "returned"): RETURNABLE,
            ("registered", "protected"): PROTECTED,
            ("registered", "closed"): ALWAYS,
            ("protected", "closed"): ALWAYS,
        },
        removals=frozenset({"returned"}),
        terminal=frozenset({"returned", "closed"}),
        step_deadlines={"registered": dt.timedelta(days=5), "protected": dt.timedelta(days=30)},
    )
    scenarios_dir: Path | None = None

    def law_book(self) -> LawBook:
        return BOOK

    def parse(self, document: Mapping[str, Any]) -> Arrival:
        return _parse(document)

    def person(self, parsed: Arrival) -> PersonFacts:
        return PersonFacts(
            document_id=parsed.id,
            occurred_on=parsed.arrived_on,
            nationalities=(parsed.nationality,),
            given_names=parsed.name,
        )

    def read_dates(self, parsed: Arrival, as_of: dt.date | None) -> ReadDates:
        read_on = as_of or parsed.arrived_on
        return ReadDates(read_on=read_on, anchors={"as_of": read_on, "encountered_on": parsed.arrived_on})

    def extract_facts(self, parsed: Arrival, dates: ReadDates) -> dict[str, Any]:
        return {
            "nationality": parsed.nationality,
            "danger_in_cc": "CC" in parsed.danger_in,
            "return_by": (parsed.arrived_on + dt.timedelta(days=10)).isoformat(),
        }

    def deadlines(self, summary: Mapping[str, Any]) -> Sequence[PackDeadline]:
        if not summary.get("return_to"):
            return ()
        return (PackDeadline(step="return_request", due_on=D(summary["return_by"]), consequence="no return"),)

    def receiving_country(self, summary: Mapping[str, Any]) -> str | None:
        value = summary.get("return_to")
        return str(value) if value else None


ARRIVAL_PACK = ArrivalPack()


def arrival(arrival_id: str = "AR-1", **changes: Any) -> dict[str, Any]:
    """A valid arrival document (listed nationality: returnable to CC)."""
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "id": arrival_id,
        "arrived_on": "2024-03-01",
        "nationality": "AA",
        "name": "Ana Prueba",
    }
    doc.update(changes)
    return doc
