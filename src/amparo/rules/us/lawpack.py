"""The US law pack as a plug-in: encounter v1 documents, the brief's screening order, 8 CFR 208.6.

The screening order follows the brief (§1.2, §8): who is an unaccompanied child; the Title 42
overlay; the ACA threshold screening (each agreement); the asylum bars read on the adjudication
date; MPP on the encounter date; then the standard of the fear screening and the 208.6 marker.
Each step is a rule of the pack; its result becomes a named fact for the steps after it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.encounter import SCHEMA_PATH, Encounter, parse_encounter
from amparo.engine.instants import date_in
from amparo.errors import EncounterInvalid, FieldError, Phrase
from amparo.rules.rules_api import (
    AnyApplies,
    Confidentiality,
    LawBook,
    Marker,
    PackDeadline,
    PersonFacts,
    Program,
    ReadDates,
    Step,
    SummaryKey,
    Workflow,
)
from amparo.rules.us import book
from amparo.rules.us.aca import ACA_RULES
from amparo.rules.us.dates import COVERAGE_START, CURRENT_TO, LAST_ENCOUNTER_DAY, TIME_ZONE
from amparo.rules.us.facts import (
    HOST_NATIONALITY,
    age_at_encounter,
    extract_facts,
    merge_companions,
    moment,
)
from amparo.rules.us.narrative import FACT_PHRASES, narrative
from amparo.rules.us.narrative import MESSAGES as NARRATIVE_MESSAGES
from amparo.rules.us.workflow import US_WORKFLOW

BAR_RULES = (
    "bar.transit_2019",
    "bar.lawful_pathways_2023",
    "bar.securing_border_2024",
    "bar.entry_proclamation_2018",
)
_ACA = tuple(rule.id for rule in ACA_RULES)

PROGRAM = Program(
    steps=(
        Step(rule="uac", sets="unaccompanied_child"),
        Step(rule="title42", sets="title42_expulsion"),
        Step(rule="uac.contiguous_return"),
        *(Step(rule=rule_id) for rule_id in _ACA),
        AnyApplies(fact="aca_removal", rules=_ACA),
        Step(rule="aca.review"),
        *(Step(rule=rule_id, sets=f"bar_{rule_id.removeprefix('bar.')}") for rule_id in BAR_RULES),
        Step(rule="mpp"),
        Step(rule="screening_standard"),
        Step(rule="one_year_deadline"),
        Step(rule="confidentiality_208_6"),
        Step(rule="confidentiality_1367"),
    ),
    markers=(
        Marker(
            id="8_usc_1367",
            rule="confidentiality_1367",
            citation="8 USC 1367",
            note="Trafficking victim (8 CFR 214.11): refer for a T visa. The trafficking finding and any T-visa "
            "referral or application are confidential under 8 USC 1367: disclose them to no one outside the US "
            "agencies adjudicating the case, partner agencies and receiving countries included.",
        ),
    ),
    summary=(
        SummaryKey(
            key="title42_expulsion",
            kind="applies",
            rules=("title42",),
            label="Title 42 expulsion",
            label_es="Expulsión bajo el Título 42",
        ),
        SummaryKey(
            key="unaccompanied_child",
            kind="applies",
            rules=("uac",),
            label="Unaccompanied child",
            label_es="Niño, niña o adolescente no acompañado",
        ),
        SummaryKey(
            key="aca_removal_to",
            kind="first_value",
            rules=_ACA,
            label="ACA removal to",
            label_es="Traslado bajo un ACA a",
        ),
        SummaryKey(
            key="asylum_bars",
            kind="values",
            rules=BAR_RULES,
            label="Asylum bars",
            label_es="Impedimentos para el asilo",
        ),
        SummaryKey(
            key="mpp_amenable",
            kind="applies",
            rules=("mpp",),
            label="Amenable to MPP",
            label_es="Sujeto a los MPP",
        ),
        SummaryKey(
            key="protection_screening_standard",
            kind="value",
            rules=("screening_standard",),
            label="Fear screening standard",
            label_es="Estándar de la entrevista de temor",
        ),
    ),
)

CONFIDENTIALITY = Confidentiality(
    citation="8 CFR 208.6",
    note="Asylum-related record: never disclose its contents or the fact of a claim to the "
    "government of a country of nationality or feared persecution.",
    note_es="Expediente relacionado con el asilo: nunca revele su contenido ni el hecho de una "
    "solicitud al gobierno de un país de nacionalidad o de persecución temida.",
)


@dataclass(frozen=True)
class USLawPack:
    """The US pack of the legal brief, sections 1–6."""

    id: str = "us"
    title: str = "United States: Asylum Cooperative Agreements, bars, MPP and Title 42"
    schema_id: str = "amparo/encounter@1"
    time_zone: str = TIME_ZONE
    coverage_start: dt.date = COVERAGE_START
    current_to: dt.date = CURRENT_TO
    program: Program = PROGRAM
    confidentiality: Confidentiality | None = CONFIDENTIALITY
    workflow: Workflow = US_WORKFLOW
    scenarios_dir: Path | None = Path(__file__).with_name("scenarios")

    def law_book(self) -> LawBook:
        return book.law_book()

    @property
    def messages(self) -> tuple[str, ...]:
        """The narrative's own words (country names, standards) for the message catalogue."""
        return NARRATIVE_MESSAGES

    @property
    def fact_phrases(self) -> Mapping[str, str]:
        """How a fact reads when a rule's condition is not met (for the explanation)."""
        return FACT_PHRASES

    def narrative(self, decision: Any, _: Callable[[str], str]) -> list[tuple[str, str]]:
        """The processing tracks of a decision in the language of discretion (for the explanation)."""
        outcomes = {d.rule.id: d.outcome for d in decision.determinations}
        return narrative(decision.summary, outcomes, _)

    def parse(self, document: Mapping[str, Any]) -> Encounter:
        encounter = parse_encounter(document)
        if HOST_NATIONALITY in encounter.person.nationalities:
            # A US national is not screened for protection pathways in the US: refused, never given
            # an ACA removal or a bar (issue 11; the access policy refuses such a document at intake too).
            raise EncounterInvalid(
                [
                    FieldError(
                        "/person/nationalities",
                        Phrase(
                            "a US national is not screened for asylum pathways; remove US or correct the nationalities"
                        ),
                    )
                ],
                encounter_id=encounter.id,
            )
        return encounter

    def document_json_schema(self) -> dict[str, Any]:
        """The JSON Schema of encounter v1 (forms and documentation build on it)."""
        schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        return schema

    def person(self, parsed: Encounter) -> PersonFacts:
        p = parsed.person
        return PersonFacts(
            document_id=parsed.id,
            occurred_on=parsed.encountered_on,
            nationalities=tuple(p.nationalities),
            feared_countries=tuple(dict.fromkeys(c.country for c in parsed.fear_claims or ())),
            given_names=p.given_names,
            surnames=p.surnames,
            birth_date=p.birth_date,
            age=age_at_encounter(parsed),
            sex=p.sex,
            family_members=tuple(parsed.family.members or ()) if parsed.family else (),
        )

    def read_dates(self, parsed: Encounter, as_of: dt.date | None) -> ReadDates:
        # The encounter's instant (its time with offset, else noon in the place's zone) falls on a
        # date in US Eastern time, where the pack's instruments name their hours: rules anchored
        # on the encounter are read on that date, and an adjudication recorded on the same local
        # day cannot precede it.
        start = self.coverage_start.isoformat()
        if parsed.encountered_on < self.coverage_start:
            problem = FieldError(
                "/encountered_on", Phrase("amparo's US law pack answers for encounters from {day}", day=start)
            )
            raise EncounterInvalid([problem], encounter_id=parsed.id)
        if parsed.encountered_on > LAST_ENCOUNTER_DAY:
            problem = FieldError(
                "/encountered_on",
                Phrase(
                    "expected a date up to {day} (the one-year filing deadline of a later encounter falls "
                    "past the last date amparo can write)",
                    day=LAST_ENCOUNTER_DAY.isoformat(),
                ),
            )
            raise EncounterInvalid([problem], encounter_id=parsed.id)
        try:
            encountered = max(date_in(moment(parsed).instant, self.time_zone), self.coverage_start)
        except OverflowError:
            problem = FieldError(
                "/encountered_at",
                Phrase(
                    "expected a moment that falls within the years 0001 to 9999 in UTC and in US "
                    "Eastern time (the offset carries it past the calendar)"
                ),
            )
            raise EncounterInvalid([problem], encounter_id=parsed.id) from None
        read_on = as_of or max(parsed.adjudicated_on or parsed.encountered_on, encountered)
        if read_on < self.coverage_start:
            where = "--as-of" if as_of is not None else "/adjudicated_on"
            raise EncounterInvalid(
                [FieldError(where, Phrase("amparo's US law pack reads the law from {day}", day=start))],
                encounter_id=parsed.id,
            )
        return ReadDates(
            read_on=read_on,
            anchors={"as_of": read_on, "encountered_on": encountered},
            document_id=parsed.id,
            occurred_on=parsed.encountered_on,
        )

    def extract_facts(self, parsed: Encounter, dates: ReadDates) -> dict[str, Any]:
        return extract_facts(parsed, dates.read_on)

    def merge_companions(self, facts: dict[str, Any], companions: list[dict[str, Any]]) -> None:
        """Family members travelling with the person: their 208.33 exceptions count for the person."""
        merge_companions(facts, companions)

    def deadlines(self, summary: Mapping[str, Any]) -> Sequence[PackDeadline]:
        """The US screening sets no legal clock of its own (the workflow's step deadlines apply)."""
        return ()

    def receiving_country(self, summary: Mapping[str, Any]) -> str | None:
        country = summary.get("aca_removal_to")
        return str(country) if country else None

    # Column-wise reading for the batch evaluator (engine.pack.ColumnarPack; rules/us/fact_columns.py).
    def document_schema(self) -> Mapping[str, Any]:
        from amparo.rules.us import fact_columns

        return fact_columns.document_schema()

    def documents_frame(self, parsed: Sequence[Encounter]) -> Any:
        from amparo.rules.us import fact_columns

        return fact_columns.documents_frame(parsed)

    def person_columns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Where the columns hold the nationality and the day counted under (``PersonColumnsPack``)."""
        return (("person", "nationalities"), ("encountered_on",))

    def extract_fact_columns(
        self, documents: Any, as_of: dt.date | None, facts: Collection[str] | None = None
    ) -> Any:
        from amparo.rules.us import fact_columns

        return fact_columns.extract_fact_columns(documents, as_of, facts)


US_PACK = USLawPack()
