"""Validate a decoded encounter document: every error with its JSON path and a plain message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from amparo.encounter.model import MAX_AGE, Encounter
from amparo.errors import EncounterInvalid, FieldError, Phrase

SCHEMA_PATH = Path(__file__).with_name("encounter-v1.schema.json")

# Where encounter v1 allows an explicit null (everything else must be left out instead).
_NULLABLE = {"/person/last_habitual_residence"}
_COUNTRY_HINT = "expected a two-letter upper-case ISO 3166-1 country code such as GT or HN"


def _pointer(loc: tuple[int | str, ...]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc if p != "schema_"]
    if loc and loc[-1] == "schema_":
        parts.append("schema")
    return "/" + "/".join(parts) if parts else ""


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of encounter v1 (check the spelling; free data goes under /extensions)"
    if kind == "string_pattern_mismatch":
        if err["loc"] and err["loc"][-1] == "state":
            return "expected a two-letter upper-case US state code such as TX or CA"
        return _COUNTRY_HINT
    if kind == "literal_error":
        return Phrase("expected one of {choices}", choices=ctx.get("expected", ""))
    if kind in {"bool_type", "bool_parsing"}:
        return "expected true or false"
    if kind in {"string_type", "str_type"}:
        return "expected a text string"
    if kind in {"list_type", "tuple_type"}:
        return "expected a JSON array"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "expected a JSON object"
    if kind in {"string_too_short"}:
        return Phrase("expected at least {count} character(s)", count=ctx.get("min_length"))
    if kind in {"string_too_long"}:
        return Phrase("expected at most {count} characters", count=ctx.get("max_length"))
    if kind in {"greater_than_equal", "less_than_equal"}:
        if kind == "greater_than_equal":
            return Phrase("expected a whole number at least {limit}", limit=ctx.get("ge"))
        return Phrase("expected a whole number at most {limit}", limit=ctx.get("le"))
    if kind == "value_error":
        error = ctx.get("error", err["msg"])
        said = error.args[0] if isinstance(error, Exception) and error.args else None
        return said if isinstance(said, Phrase) else str(error)  # a Phrase: said in the user's language
    return str(err["msg"])


def _holds_null(document: dict[str, Any]) -> bool:
    """Whether any value is null, ``/extensions`` itself included but not what it holds (most
    documents hold none: their paths are then never spelled out)."""
    stack: list[Any] = [value for key, value in document.items() if key != "extensions" or value is None]
    while stack:
        value = stack.pop()
        if value is None:
            return True
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _nulls(value: Any, path: str) -> Iterator[FieldError]:
    if value is None and path and path not in _NULLABLE:
        yield FieldError(path, "expected a value, not null (leave the field out when it is not known)")
    elif path == "/extensions":
        return  # free for the sending agency: nulls inside are allowed
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nulls(item, f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nulls(item, f"{path}/{index}")


def _consistency(encounter: Encounter) -> Iterator[FieldError]:
    """Checks beyond the schema: dates that cannot be true together."""
    born = encounter.person.birth_date
    if born is not None and born > encounter.encountered_on:
        yield FieldError("/person/birth_date", "the birth date is after /encountered_on")
    elif born is not None and _whole_years(born, encounter.encountered_on) > MAX_AGE:
        yield FieldError("/person/birth_date", BORN_TOO_LONG_AGO)
    if encounter.adjudicated_on is not None and encounter.adjudicated_on < encounter.encountered_on:
        yield FieldError("/adjudicated_on", "the adjudication date is before /encountered_on")
    if (
        encounter.encountered_at is not None
        and _days_apart(encounter.encountered_at, encounter.encountered_on) > 1
    ):
        yield FieldError("/encountered_at", AT_AWAY_FROM_ON)


#: Fixed text (the Spanish catalogue translates it whole), so MAX_AGE is written out in it.
BORN_TOO_LONG_AGO = "the birth date is more than 130 years before /encountered_on"


def _whole_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


#: The exact time must fall on the encounter's day: its day in UTC is that local day or the one
#: either side (a place's offset moves a time of day across midnight, never further).
AT_AWAY_FROM_ON = "the exact time is more than a day away from /encountered_on"


def _days_apart(at: dt.datetime, on: dt.date) -> int:
    """Days between ``at``'s day in UTC and ``on`` (0 for a moment whose day in UTC falls outside
    the calendar: the pack's reading of dates refuses it by its path)."""
    try:
        return abs((at.astimezone(dt.UTC).date() - on).days)
    except OverflowError:
        return 0


def parse_encounter(document: Any, *, source: str | None = None) -> Encounter:
    """The typed encounter, or EncounterInvalid with every error (JSON path + plain message)."""
    encounter_id = document.get("id") if isinstance(document, dict) else None
    if not isinstance(encounter_id, str):
        encounter_id = None
    if not isinstance(document, dict):
        raise EncounterInvalid(
            [FieldError("", "expected a JSON object (one encounter v1 document)")], source=source
        )
    errors = list(_nulls(document, "")) if _holds_null(document) else []
    try:
        encounter = Encounter.model_validate(document)
    except ValidationError as exc:
        null_paths = {e.path for e in errors}
        for err in exc.errors(include_url=False):
            path = _pointer(err["loc"])
            if path not in null_paths:
                errors.append(FieldError(path, _message(err)))
        raise EncounterInvalid(errors, encounter_id=encounter_id, source=source) from None
    errors.extend(_consistency(encounter))
    if errors:
        raise EncounterInvalid(errors, encounter_id=encounter_id, source=source)
    return encounter
