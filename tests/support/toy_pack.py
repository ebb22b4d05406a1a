"""A tiny law pack for the engine's own tests: a reception scheme that has nothing to do with the US
or the EU, with its own document schema, so the engine, the screening interpreter and the case
workflow are tested without any real pack.

The scheme: an arrival is *fast-tracked* when of a listed nationality and an adult (a child is
excepted), from 2024-01-01, suspended by a court from 2025-01-01; the *reception centre* is
decided by a table; a *fear* fact is carried to the summary as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.engine.expr import TRUE, fact
from amparo.engine.law import Case, Flag, FlagWhen, Instrument, LawBook, Rule, RuleException, RuleVersion
from amparo.engine.pack import (
    AnyApplies,
    Confidentiality,
    PackDeadline,
    PersonFacts,
    Program,
    ReadDates,
    Step,
    SummaryKey,
)
from amparo.engine.workflow import ALWAYS, Guard, Workflow
from amparo.errors import FieldError, InputError

SCHEMA = "amparo-test/toy@1"
D = dt.date.fromisoformat


def _book() -> LawBook:
    scheme = Instrument(
        id="toy_scheme",
        title="Toy reception scheme",
        kind="regulation",
        citations=("Toy Reg. 1/2024",),
        events=(),
    )
    minor = Rule(
        id="minor",
        title="Minor",
        kind="status",
        instrument="toy_scheme",
        anchor="encountered_on",
        versions=(
            RuleVersion(
                version="base",
                valid_from=D("2020-01-01"),
                valid_to=None,
                status="in_effect",
                summary="Under 18 on arrival.",
                citations=("Toy Reg. 1/2024 art. 1",),
                applies=fact("age") < 18,
            ),
        ),
    )
    fast = Rule(
        id="fast_track",
        title="Fast track",
        kind="procedure",
        instrument="toy_scheme",
        anchor="as_of",
        versions=(
            RuleVersion(
                version="before",
                valid_from=D("2020-01-01"),
                valid_to=D("2024-01-01"),
                status="not_in_force",
                summary="Not yet in force.",
                citations=("Toy Reg. 1/2024 art. 9",),
            ),
            RuleVersion(
                version="2024",
                valid_from=D("2024-01-01"),
                valid_to=D("2025-01-01"),
                status="in_effect",
                summary="Adults of a listed nationality are fast-tracked.",
                citations=("Toy Reg. 1/2024 art. 2",),
                applies=fact("nationality").is_in({"AA", "BB"}),
                exceptions=(
                    RuleException(
                        id="child", title="A child", citation="Toy Reg. 1/2024 art. 2(2)", when=fact("minor")
                    ),
                ),
                value="fast",
                flags=(FlagWhen(flag="toy_contested", when=TRUE, outcomes=("applies",)),),
            ),
            RuleVersion(
                version="suspended",
                valid_from=D("2025-01-01"),
                valid_to=None,
                status="suspended",
                summary="Suspended by a court.",
                citations=("Toy Court order 2024-12",),
            ),
        ),
    )
    centre = Rule(
        id="centre",
        title="Reception centre",
        kind="assignment",
        instrument="toy_scheme",
        anchor="as_of",
        versions=(
            RuleVersion(
                version="base",
                valid_from=D("2020-01-01"),
                valid_to=None,
                status="in_effect",
                summary="Where the person is received.",
                citations=("Toy Reg. 1/2024 art. 3",),
                cases=(
                    Case(when=fact("minor"), value="child_centre", citation="art. 3(1)", because="a child"),
                    Case(
                        when=fact("fast_tracked"), value="fast_centre", citation="art. 3(2)", because="fast"
                    ),
                ),
                value="general_centre",
            ),
        ),
    )
    return LawBook.build(
        id="toy",
        version="1.0",
        instruments=(scheme,),
        rules=(minor, fast, centre),
        flags=(
            Flag(
                id="toy_contested",
                title="The fast track is contested",
                decision="applied as written",
                citations=("Toy Court docket 1",),
            ),
        ),
    )


BOOK = _book()


@dataclass(frozen=True)
class Arrival:
    id: str
    arrived_on: dt.date
    adjudicated_on: dt.date | None
    age: int
    nationality: str
    fears: tuple[str, ...]
    name: str | None


def _parse(document: Mapping[str, Any]) -> Arrival:
    errors: list[FieldError] = []

    def get(key: str, kind: type, message: str) -> Any:
        value = document.get(key)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            errors.append(FieldError(f"/{key}", message))
            return None
        return value

    ident = get("id", str, "expected a text id")
    on_text = get("arrived_on", str, "expected a date written YYYY-MM-DD")
    age = get("age", int, "expected a whole number")
    nationality = get("nationality", str, "expected a two-letter country code")
    fears = document.get("fears", [])
    if not isinstance(fears, list) or not all(isinstance(f, str) for f in fears):
        errors.append(FieldError("/fears", "expected a list of country codes"))
    arrived_on = adjudicated_on = None
    if on_text is not None:
        try:
            arrived_on = D(on_text)
        except ValueError:
            errors.append(FieldError("/arrived_on", "expected a date written YYYY-MM-DD"))
    if isinstance(document.get("adjudicated_on"), str):
        adjudicated_on = D(document["adjudicated_on"])
    if errors:
        raise InputError(errors)
    assert ident is not None and arrived_on is not None and age is not None and nationality is not None
    return Arrival(ident, arrived_on, adjudicated_on, age, nationality, tuple(fears), document.get("name"))


FAST = Guard(lambda s: s.get("fast_track") == "fast", "the decision does not fast-track the person")


@dataclass(frozen=True)
class ToyPack:
    id: str = "toy"
    title: str = "Toy reception scheme (tests only)"
    schema_id: str = SCHEMA
    time_zone: str = "UTC"
    coverage_start: dt.date = D("2020-01-01")
    current_to: dt.date = D("2026-01-01")
    program: Program = Program(
        steps=(
            Step(rule="minor", sets="minor"),
            Step(rule="fast_track", sets="fast_tracked"),
            AnyApplies(fact="any_special", rules=("minor", "fast_track")),
            Step(rule="centre"),
        ),
        summary=(
            SummaryKey(key="minor", kind="applies", rules=("minor",), label="Minor"),
            SummaryKey(key="fast_track", kind="first_value", rules=("fast_track",), label="Fast track"),
            SummaryKey(key="centre", kind="value", rules=("centre",), label="Centre"),
            SummaryKey(key="special", kind="fact", fact="any_special", label="Special"),
            SummaryKey(key="applying", kind="values", rules=("fast_track", "minor"), label="Applying"),
        ),
    )
    confidentiality: Confidentiality | None = None
    workflow: Workflow = Workflow(
        states=("intake", "registered", "supervisor_concurrence", "fast_return", "closed"),
        intake_state="intake",
        first_state="registered",
        transitions={
            ("intake", "registered"): ALWAYS,
            ("registered", "fast_return"): FAST,
            ("registered", "closed"): ALWAYS,
        },
        removals=frozenset({"fast_return"}),
        terminal=frozenset({"closed", "fast_return"}),
        step_deadlines={"registered": dt.timedelta(days=3)},
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
            feared_countries=parsed.fears,
            given_names=parsed.name,
            age=parsed.age,
        )

    def read_dates(self, parsed: Arrival, as_of: dt.date | None) -> ReadDates:
        read_on = as_of or parsed.adjudicated_on or parsed.arrived_on
        if read_on < self.coverage_start:
            raise InputError([FieldError("/arrived_on", "the toy scheme answers from 2020-01-01")])
        return ReadDates(read_on=read_on, anchors={"as_of": read_on, "encountered_on": parsed.arrived_on})

    def extract_facts(self, parsed: Arrival, dates: ReadDates) -> dict[str, Any]:
        return {"age": parsed.age, "nationality": parsed.nationality}

    def deadlines(self, summary: Mapping[str, Any]) -> Sequence[PackDeadline]:
        return ()

    def receiving_country(self, summary: Mapping[str, Any]) -> str | None:
        return "CC" if summary.get("fast_track") == "fast" else None


TOY_PACK = ToyPack()


def toy_document(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "id": "TOY-1",
        "arrived_on": "2024-06-01",
        "age": 30,
        "nationality": "AA",
        "fears": ["DD"],
        "name": "Ana Toy",
    }
    doc.update(overrides)
    return doc
