"""The EU law pack as a plug-in: ``amparo/eu-application@1`` documents, Dublin III and the AMMR.

The program: the framework (by registration date); the criteria of both frameworks in order (the
other framework's are not in force on the date and never apply; each criterion is excepted once
an earlier one named a State); the State and code the criteria name; whether a take charge request
is due and its time limit; whether responsibility moved because the request was late; the
responsible State and criterion; the reply and transfer time limits; and the three dates the
summary states. Each step is a rule with its article; its result becomes a named fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from amparo.errors import FieldError, Phrase
from amparo.rules.eu import book, fact_columns
from amparo.rules.eu.criteria import AMMR_CODES, DUBLIN_III_CODES
from amparo.rules.eu.dates import COVERAGE_START, CURRENT_TO, TIME_ZONE
from amparo.rules.eu.document import SCHEMA_ID, Application, ApplicationInvalid, parse_application
from amparo.rules.eu.facts import FACT_TYPES, extract_facts
from amparo.rules.eu.phrases import FACT_PHRASES
from amparo.rules.eu.workflow import EU_WORKFLOW
from amparo.rules.rules_api import (
    AnyApplies,
    Confidentiality,
    LawBook,
    PackDeadline,
    PersonFacts,
    Program,
    ReadDates,
    Step,
    SummaryKey,
    Workflow,
)


def _criteria_steps(codes: tuple[str, ...]) -> list[Step]:
    """Each criterion in order; its value (the State it names, or nothing) becomes a fact under its code."""
    return [Step(rule=code, sets=code, take="value") for code in codes]


def _value(key: str, label: str, label_es: str) -> SummaryKey:
    return SummaryKey(key=key, kind="value", rules=(key,), label=label, label_es=label_es)


PROGRAM = Program(
    steps=(
        Step(rule="framework", sets="framework", take="value"),
        *_criteria_steps(DUBLIN_III_CODES),
        *_criteria_steps(AMMR_CODES),
        Step(rule="criteria_state", sets="criteria_state", take="value"),
        Step(rule="criteria_code", sets="criteria_code", take="value"),
        Step(rule="take_charge_request_due", sets="request_due"),
        Step(rule="take_charge_deadline", sets="take_charge_deadline", take="value"),
        Step(rule="dublin_iii_art21_1", sets="dublin_iii_art21_1", take="value"),
        Step(rule="ammr_art39_1", sets="ammr_art39_1", take="value"),
        AnyApplies(fact="responsibility_shifted", rules=("dublin_iii_art21_1", "ammr_art39_1")),
        Step(rule="responsible_state", sets="responsible_state", take="value"),
        Step(rule="criterion", sets="criterion", take="value"),
        Step(rule="reply_deadline", sets="reply_deadline", take="value"),
        Step(rule="transfer_deadline", sets="transfer_deadline", take="value"),
        Step(rule="responsible_on_reading_date"),
        Step(rule="take_charge_request_by"),
        Step(rule="reply_by"),
        Step(rule="transfer_by"),
    ),
    summary=(
        _value("framework", "Framework", "Marco jurídico"),
        _value("responsible_state", "Responsible State", "Estado responsable"),
        _value("criterion", "Criterion", "Criterio"),
        _value("take_charge_request_by", "Take charge request by", "Petición de toma a cargo a más tardar"),
        _value("reply_by", "Reply by", "Respuesta a más tardar"),
        _value("transfer_by", "Transfer by", "Traslado a más tardar"),
    ),
)

_CONSEQUENCES = {
    "dublin_iii": {
        "take_charge_request_by": "a later request is out of time: the determining State becomes responsible "
        "(Dublin III Art. 21(1) third subpara.)",
        "reply_by": "no reply by then is acceptance: the requested State is responsible (Dublin III Art. 22(7))",
        "transfer_by": "the responsible State is relieved: responsibility passes to the determining State "
        "(Dublin III Art. 29(2))",
    },
    "ammr": {
        "take_charge_request_by": "a later request is out of time: the State of registration becomes responsible "
        "(AMMR Art. 39(1) third subpara.)",
        "reply_by": "no reply by then is acceptance: the requested State is responsible (AMMR Art. 40)",
        "transfer_by": "the responsible State is relieved: responsibility passes to the State that "
        "requested (AMMR Art. 46(2))",
    },
}


def _age_on(app: Application, on: dt.date) -> int | None:
    born = app.applicant.birth_date
    if born is None:
        return app.applicant.age
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class EULawPack:
    """The EU pack of the legal brief §7 and shared/spec/eu: Dublin III and the AMMR."""

    id: str = book.PACK_ID
    title: str = "European Union: Dublin III (Reg. 604/2013) and the AMMR (Reg. 2024/1351)"
    schema_id: str = SCHEMA_ID
    time_zone: str = TIME_ZONE
    coverage_start: dt.date = COVERAGE_START
    current_to: dt.date = CURRENT_TO
    program: Program = PROGRAM
    confidentiality: Confidentiality | None = None
    workflow: Workflow = EU_WORKFLOW
    scenarios_dir: Path | None = Path(__file__).with_name("scenarios")
    #: The column facts read the law book (its ``framework`` rule chooses the time limits): a rule
    #: change laid over it (``amparo impact``) has them read through the changed book, not shared.
    column_facts_read_book: ClassVar[bool] = True

    def law_book(self) -> LawBook:
        return book.law_book()

    @property
    def fact_phrases(self) -> Mapping[str, str]:
        """How a fact reads when a criterion's or a clock's condition is not met (for the explanation)."""
        return FACT_PHRASES

    def parse(self, document: Mapping[str, Any]) -> Application:
        return parse_application(document)

    def person(self, parsed: Application) -> PersonFacts:
        nationality = parsed.applicant.nationality
        return PersonFacts(
            document_id=parsed.id,
            occurred_on=parsed.lodged_on,
            nationalities=(nationality,) if nationality else (),
            birth_date=parsed.applicant.birth_date,
            age=_age_on(parsed, parsed.lodged_on),
        )

    def read_dates(self, parsed: Application, as_of: dt.date | None) -> ReadDates:
        """The criteria and clocks are read on the registration date (AMMR Art. 84); ``as_of``
        dates the reading only and changes no summary key (spec/eu §2)."""
        registered = parsed.registration_date
        if registered < self.coverage_start or parsed.lodged_on < self.coverage_start:
            early_registration = (
                parsed.registered_on is not None and parsed.registered_on < self.coverage_start
            )
            where = "/registered_on" if early_registration else "/lodged_on"
            message = Phrase(
                "amparo's EU law pack answers for applications from {day} (Dublin III Art. 49)",
                day=self.coverage_start.isoformat(),
            )
            raise ApplicationInvalid([FieldError(where, message)], encounter_id=parsed.id)
        read_on = as_of or registered
        return ReadDates(
            read_on=read_on,
            anchors={"as_of": read_on, "encountered_on": registered},
            document_id=parsed.id,
            occurred_on=parsed.lodged_on,
        )

    def extract_facts(self, parsed: Application, dates: ReadDates) -> dict[str, Any]:
        framework = self.law_book().version_of("framework", dates.anchors["encountered_on"]).value
        return extract_facts(parsed, str(framework), dates.read_on)

    def required_nullable_fields(self) -> Collection[tuple[str, ...]]:
        """``applicant.nationality``: required by application-v1.schema.json, and null for a
        stateless applicant or an unknown nationality (a document rebuilt from columns keeps it)."""
        return (("applicant", "nationality"),)

    def fact_types(self) -> Mapping[str, Any]:
        """The type of every fact (for a reading one application at a time)."""
        return FACT_TYPES

    def document_schema(self) -> Mapping[str, Any]:
        """Application v1 as Polars columns (:mod:`amparo.rules.eu.fact_columns`)."""
        return fact_columns.document_schema()

    def documents_frame(self, parsed: Sequence[Application]) -> Any:
        return fact_columns.documents_frame(parsed)

    def person_columns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Where the columns hold the nationality and the day counted under (``PersonColumnsPack``)."""
        return (("applicant", "nationality"), ("lodged_on",))

    def extract_fact_columns(
        self, documents: Any, as_of: dt.date | None, facts: Collection[str] | None = None
    ) -> Any:
        """The facts of many applications at once, as :meth:`extract_facts` gives them: under the
        framework this pack's law book puts in force on each registration date."""
        return fact_columns.extract_fact_columns(documents, as_of, self.law_book, facts)

    def deadlines(self, summary: Mapping[str, Any]) -> Sequence[PackDeadline]:
        """The take charge, reply and transfer clocks, each with what happens when it runs out."""
        consequences = _CONSEQUENCES.get(str(summary.get("framework")), {})
        out: list[PackDeadline] = []
        for step, consequence in consequences.items():
            due = summary.get(step)
            if due:
                out.append(
                    PackDeadline(step=step, due_on=dt.date.fromisoformat(str(due)), consequence=consequence)
                )
        return tuple(out)

    def receiving_country(self, summary: Mapping[str, Any]) -> str | None:
        """The responsible State while a take charge request or a transfer is running."""
        if summary.get("take_charge_request_by") or summary.get("transfer_by"):
            state = summary.get("responsible_state")
            return str(state) if state else None
        return None


EU_PACK = EULawPack()
