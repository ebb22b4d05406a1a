"""The EU application document ``amparo/eu-application@1``: its typed form and its validation.

The validator accepts exactly what ``application-v1.schema.json`` (copied beside this file from
``shared/spec/eu/``) accepts, formats included (a test proves it against the JSON Schema on valid
and mutated documents) but for one limit of the calendar, a date after :data:`LAST_DAY` (the
clocks counted from it would end past year 9999), and names every problem by its JSON Pointer
with a plain message. It is written out by hand because a generic JSON Schema validator takes
about ten times as long as the whole screening.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from amparo.errors import EncounterInvalid, FieldError, Phrase

SCHEMA_ID = "amparo/eu-application@1"
SCHEMA_PATH = Path(__file__).with_name("application-v1.schema.json")

#: The EU+ States that apply Dublin III / the AMMR (schema ``$defs/eu_state``).
EU_PLUS_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK CH IS LI NO".split()
)

Relation = Literal["spouse", "partner", "child", "parent", "sibling", "relative"]
FamilyStatus = Literal["beneficiary_of_protection", "applicant_pending", "legally_present", "other"]
DocumentKind = Literal["residence_document", "visa"]
EntryKind = Literal["irregular_border_crossing", "sar_disembarkation", "visa_waived_entry", "airport_transit"]
Outcome = Literal["pending", "withdrawn", "rejected"]

_RELATIONS = ("spouse", "partner", "child", "parent", "sibling", "relative")
_STATUSES = ("beneficiary_of_protection", "applicant_pending", "legally_present", "other")
_DOCUMENT_KINDS = ("residence_document", "visa")
_ENTRY_KINDS = ("irregular_border_crossing", "sar_disembarkation", "visa_waived_entry", "airport_transit")
_OUTCOMES = ("pending", "withdrawn", "rejected")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
#: The schema's ``^[A-Z]{2}$`` as JSON Schema (ECMA-262) reads it: Python's ``$`` also matches
#: before a final newline, so ``"SY\n"`` passed a search with it.
_NATIONALITY = re.compile(r"[A-Z]{2}", re.ASCII)
_STATE_HINT = Phrase(
    "expected an EU+ State as a two-letter ISO 3166-1 code such as DE or GR (Greece is GR, not EL)"
)


#: The latest date an application may give: every clock of the pack (at most three years and a
#: few months from a date the document gives) must end on a date amparo can write (years up to
#: 9999). A limit of the calendar, not of the law.
LAST_DAY = dt.date(9989, 12, 31)


class ApplicationInvalid(EncounterInvalid):
    """Raised when a document does not follow ``amparo/eu-application@1``."""

    type_uri = "https://amparo.example/problems/invalid-eu-application"
    title = "The document is not a valid EU application (amparo/eu-application@1)"


@dataclass(frozen=True, slots=True)
class Applicant:
    nationality: str | None
    birth_date: dt.date | None = None
    age: int | None = None
    unaccompanied_minor: bool = False
    visa_waived_in_lodging_state: bool | None = None


@dataclass(frozen=True, slots=True)
class FamilyMember:
    relation: Relation
    state: str
    status: FamilyStatus
    wishes_in_writing: bool = False


@dataclass(frozen=True, slots=True)
class ResidenceOrVisa:
    kind: DocumentKind
    issued_by: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    state: str
    on: dt.date


@dataclass(frozen=True, slots=True)
class Stay:
    state: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class EurodacHit:
    category: int
    state: str
    on: dt.date


@dataclass(frozen=True, slots=True)
class PreviousApplication:
    state: str
    lodged_on: dt.date
    outcome: Outcome = "pending"


@dataclass(frozen=True, slots=True)
class Acceptance:
    state: str
    on: dt.date
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class Application:
    """One application for international protection lodged in an EU+ State (typed, validated)."""

    id: str
    lodged_in: str
    lodged_on: dt.date
    registered_on: dt.date | None
    applicant: Applicant
    family: tuple[FamilyMember, ...] = ()
    documents: tuple[ResidenceOrVisa, ...] = ()
    entries: tuple[Entry, ...] = ()
    stays: tuple[Stay, ...] = ()
    eurodac_hits: tuple[EurodacHit, ...] = ()
    previous_applications: tuple[PreviousApplication, ...] = ()
    detained: bool = False
    acceptance: Acceptance | None = None
    absconded_on: dt.date | None = None
    imprisoned: bool = False
    request_sent_on: dt.date | None = None
    request_urgent: bool | None = None

    @property
    def registration_date(self) -> dt.date:
        """``registered_on``, defaulting to ``lodged_on`` (the date that picks the framework)."""
        return self.registered_on or self.lodged_on


class _Reader:
    """Reads one document field by field, collecting every problem with its JSON Pointer."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(self, value: Any, path: str, fields: frozenset[str] | None, required: tuple[str, ...]) -> bool:
        if not isinstance(value, dict):
            self.fail(path, "expected a JSON object")
            return False
        for name in required:
            if name not in value:
                self.fail(f"{path}/{name}", "is required")
        if fields is not None:
            for name in value:
                if name not in fields:
                    self.fail(
                        f"{path}/{_escape(str(name))}",
                        Phrase(
                            "is not a field of amparo/eu-application@1 (check the spelling; free data goes "
                            "under /extensions)"
                        ),
                    )
        return True

    def date(self, value: Any, path: str) -> dt.date | None:
        if type(value) is dt.date:  # a day of a typed column (a Parquet DATE): the day it writes
            value = value.isoformat()
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.fail(path, "expected a date written YYYY-MM-DD")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(path, "expected a real calendar date written YYYY-MM-DD")
            return None
        if day > LAST_DAY:
            self.fail(
                path,
                Phrase(
                    "expected a date up to {day} (the pack's clocks run up to three years past a date; from "
                    "a later one they would end past the last date amparo can write)",
                    day=LAST_DAY.isoformat(),
                ),
            )
            return None
        return day

    def state(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in EU_PLUS_STATES:
            self.fail(path, _STATE_HINT)
            return ""
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, "expected true or false")
            return False
        return value

    def choice(self, value: Any, path: str, allowed: tuple[str, ...]) -> Any:
        if not isinstance(value, str) or value not in allowed:
            self.fail(path, Phrase("expected one of: {choices}", choices=", ".join(allowed)))
            return allowed[0]
        return value

    def items(self, value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if not isinstance(value, list):
            self.fail(path, "expected a JSON array")
            return
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield f"{path}/{index}", item
            else:
                self.fail(f"{path}/{index}", "expected a JSON object")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


_TOP = frozenset(
    "schema id lodged_in lodged_on registered_on applicant family documents entries stays eurodac_hits "
    "previous_applications detained acceptance absconded_on imprisoned extensions".split()
)
_APPLICANT = frozenset(
    {"nationality", "birth_date", "age", "unaccompanied_minor", "visa_waived_in_lodging_state"}
)


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def _applicant(r: _Reader, value: Any, visa_waived_entry: bool) -> Applicant:
    path = "/applicant"
    if not r.obj(value, path, _APPLICANT, ("nationality",)):
        return Applicant(nationality=None)
    nationality = value.get("nationality")
    if nationality is not None and not (isinstance(nationality, str) and _NATIONALITY.fullmatch(nationality)):
        r.fail(
            f"{path}/nationality",
            Phrase("expected a two-letter upper-case ISO 3166-1 code such as SY, or null"),
        )
    birth_date = r.date(value["birth_date"], f"{path}/birth_date") if "birth_date" in value else None
    age = None
    if "age" in value:
        age = _whole_number(value["age"])
        if age is None or not 0 <= age <= 130:
            r.fail(f"{path}/age", Phrase("expected a whole number from 0 to 130"))
    if "birth_date" in value and "age" in value:
        r.fail(f"{path}/age", Phrase("give /applicant/birth_date or /applicant/age, not both"))
    uam = (
        r.boolean(value["unaccompanied_minor"], f"{path}/unaccompanied_minor")
        if "unaccompanied_minor" in value
        else False
    )
    waived = None
    if "visa_waived_in_lodging_state" in value:
        waived = r.boolean(value["visa_waived_in_lodging_state"], f"{path}/visa_waived_in_lodging_state")
    elif visa_waived_entry:
        r.fail(
            f"{path}/visa_waived_in_lodging_state",
            Phrase("is required when /entries holds a visa_waived_entry"),
        )
    return Applicant(nationality if isinstance(nationality, str) else None, birth_date, age, uam, waived)


def _family(r: _Reader, value: Any) -> Iterator[FamilyMember]:
    fields = frozenset({"relation", "state", "status", "wishes_in_writing"})
    for path, item in r.items(value, "/family"):
        r.obj(item, path, fields, ("relation", "state", "status"))
        yield FamilyMember(
            relation=r.choice(item.get("relation"), f"{path}/relation", _RELATIONS)
            if "relation" in item
            else "spouse",
            state=r.state(item.get("state"), f"{path}/state") if "state" in item else "",
            status=r.choice(item.get("status"), f"{path}/status", _STATUSES) if "status" in item else "other",
            wishes_in_writing=r.boolean(item["wishes_in_writing"], f"{path}/wishes_in_writing")
            if "wishes_in_writing" in item
            else False,
        )


def _dates(r: _Reader, item: Mapping[str, Any], path: str, *names: str) -> list[dt.date]:
    epoch = dt.date(1, 1, 1)
    return [(r.date(item[n], f"{path}/{n}") if n in item else None) or epoch for n in names]


def _documents(r: _Reader, value: Any) -> Iterator[ResidenceOrVisa]:
    fields = frozenset({"kind", "issued_by", "valid_from", "valid_to"})
    for path, item in r.items(value, "/documents"):
        r.obj(item, path, fields, ("kind", "issued_by", "valid_from", "valid_to"))
        kind: DocumentKind = (
            r.choice(item.get("kind"), f"{path}/kind", _DOCUMENT_KINDS) if "kind" in item else "visa"
        )
        issuer = r.state(item.get("issued_by"), f"{path}/issued_by") if "issued_by" in item else ""
        start, end = _dates(r, item, path, "valid_from", "valid_to")
        yield ResidenceOrVisa(kind, issuer, start, end)


def _entries(r: _Reader, value: Any) -> Iterator[Entry]:
    fields = frozenset({"kind", "state", "on"})
    for path, item in r.items(value, "/entries"):
        r.obj(item, path, fields, ("kind", "state", "on"))
        kind: EntryKind = (
            r.choice(item.get("kind"), f"{path}/kind", _ENTRY_KINDS) if "kind" in item else "airport_transit"
        )
        state = r.state(item.get("state"), f"{path}/state") if "state" in item else ""
        (on,) = _dates(r, item, path, "on")
        yield Entry(kind, state, on)


def _stays(r: _Reader, value: Any) -> Iterator[Stay]:
    fields = frozenset({"state", "from", "to"})
    for path, item in r.items(value, "/stays"):
        r.obj(item, path, fields, ("state", "from", "to"))
        state = r.state(item.get("state"), f"{path}/state") if "state" in item else ""
        start, end = _dates(r, item, path, "from", "to")
        yield Stay(state, start, end)


def _hits(r: _Reader, value: Any) -> Iterator[EurodacHit]:
    fields = frozenset({"category", "state", "on"})
    for path, item in r.items(value, "/eurodac_hits"):
        r.obj(item, path, fields, ("category", "state", "on"))
        category = _whole_number(item.get("category")) if "category" in item else 0
        if "category" in item and category not in (1, 2, 3):
            r.fail(f"{path}/category", Phrase("expected one of: {choices}", choices="1, 2, 3"))
        state = r.state(item.get("state"), f"{path}/state") if "state" in item else ""
        (on,) = _dates(r, item, path, "on")
        yield EurodacHit(category or 0, state, on)


def _previous(r: _Reader, value: Any) -> Iterator[PreviousApplication]:
    fields = frozenset({"state", "lodged_on", "outcome"})
    for path, item in r.items(value, "/previous_applications"):
        r.obj(item, path, fields, ("state", "lodged_on"))
        state = r.state(item.get("state"), f"{path}/state") if "state" in item else ""
        (on,) = _dates(r, item, path, "lodged_on")
        outcome: Outcome = (
            r.choice(item["outcome"], f"{path}/outcome", _OUTCOMES) if "outcome" in item else "pending"
        )
        yield PreviousApplication(state, on, outcome)


def _acceptance(r: _Reader, value: Any) -> Acceptance | None:
    if not r.obj(value, "/acceptance", frozenset({"state", "on", "urgent"}), ("state", "on")):
        return None
    state = r.state(value.get("state"), "/acceptance/state") if "state" in value else ""
    (on,) = _dates(r, value, "/acceptance", "on")
    urgent = r.boolean(value["urgent"], "/acceptance/urgent") if "urgent" in value else False
    return Acceptance(state, on, urgent)


def _has_visa_waived_entry(entries: Any) -> bool:
    return isinstance(entries, list) and any(
        isinstance(e, dict) and e.get("kind") == "visa_waived_entry" for e in entries
    )


def parse_application(document: Any, *, source: str | None = None) -> Application:
    """The typed application, or :class:`ApplicationInvalid` naming every bad field."""
    if not isinstance(document, dict):
        raise ApplicationInvalid(
            [FieldError("", Phrase("expected a JSON object (one EU application document)"))], source=source
        )
    document_id = document.get("id") if isinstance(document.get("id"), str) else None
    r = _Reader()
    r.obj(document, "", _TOP, ("schema", "id", "lodged_in", "lodged_on", "applicant"))
    if "schema" in document and document["schema"] != SCHEMA_ID:
        r.fail("/schema", Phrase("expected {schema}", schema=repr(SCHEMA_ID)))
    if "id" in document and not (isinstance(document["id"], str) and 1 <= len(document["id"]) <= 128):
        r.fail("/id", Phrase("expected a text string of 1 to 128 characters"))
    lodged_in = r.state(document.get("lodged_in"), "/lodged_in") if "lodged_in" in document else ""
    lodged_on = r.date(document["lodged_on"], "/lodged_on") if "lodged_on" in document else None
    registered_on = (
        r.date(document["registered_on"], "/registered_on") if "registered_on" in document else None
    )
    applicant = (
        _applicant(r, document["applicant"], _has_visa_waived_entry(document.get("entries")))
        if "applicant" in document
        else Applicant(nationality=None)
    )
    family = tuple(_family(r, document["family"])) if "family" in document else ()
    documents = tuple(_documents(r, document["documents"])) if "documents" in document else ()
    entries = tuple(_entries(r, document["entries"])) if "entries" in document else ()
    stays = tuple(_stays(r, document["stays"])) if "stays" in document else ()
    hits = tuple(_hits(r, document["eurodac_hits"])) if "eurodac_hits" in document else ()
    previous = (
        tuple(_previous(r, document["previous_applications"])) if "previous_applications" in document else ()
    )
    detained = r.boolean(document["detained"], "/detained") if "detained" in document else False
    acceptance = _acceptance(r, document["acceptance"]) if "acceptance" in document else None
    absconded_on = r.date(document["absconded_on"], "/absconded_on") if "absconded_on" in document else None
    imprisoned = r.boolean(document["imprisoned"], "/imprisoned") if "imprisoned" in document else False
    sent_on, urgent = None, None
    extensions = document.get("extensions", {})
    if r.obj(extensions, "/extensions", None, ()):
        if "request_sent_on" in extensions:
            sent_on = r.date(extensions["request_sent_on"], "/extensions/request_sent_on")
        if "request_urgent" in extensions:
            urgent = r.boolean(extensions["request_urgent"], "/extensions/request_urgent")
    if r.errors or lodged_on is None:
        raise ApplicationInvalid(r.errors, encounter_id=document_id, source=source)
    return Application(
        id=str(document["id"]),
        lodged_in=lodged_in,
        lodged_on=lodged_on,
        registered_on=registered_on,
        applicant=applicant,
        family=family,
        documents=documents,
        entries=entries,
        stays=stays,
        eurodac_hits=hits,
        previous_applications=previous,
        detained=detained,
        acceptance=acceptance,
        absconded_on=absconded_on,
        imprisoned=imprisoned,
        request_sent_on=sent_on,
        request_urgent=urgent,
    )
