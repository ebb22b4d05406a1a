"""amparo/eu-application@1: the hand-written validator accepts exactly what the JSON Schema accepts,
and names every problem by its JSON Pointer."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from json_paths import json_paths
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from amparo.errors import EncounterInvalid
from amparo.rules.eu import EU_PACK, SCHEMA_ID, ApplicationInvalid, parse_application
from amparo.rules.eu.document import SCHEMA_PATH
from amparo.screening import screen

SHARED = Path(__file__).parents[2].parent / "shared/spec/eu"


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """``pattern`` as JSON Schema reads it (ECMA-262): ``$`` only at the end of the text. The
    library searches with Python's ``re``, whose ``$`` also matches before a final newline."""
    if isinstance(instance, str) and not re.search(re.sub(r"(?<!\\)\$$", r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


VALIDATOR = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})(
    json.loads(SCHEMA_PATH.read_text()), format_checker=FormatChecker()
)

FULL: dict[str, Any] = {
    "schema": SCHEMA_ID,
    "id": "EU-FULL",
    "lodged_in": "DE",
    "lodged_on": "2024-10-01",
    "registered_on": "2024-10-02",
    "applicant": {
        "nationality": "SY",
        "birth_date": "2008-05-20",
        "unaccompanied_minor": True,
        "visa_waived_in_lodging_state": False,
    },
    "family": [
        {"relation": "sibling", "state": "SE", "status": "legally_present", "wishes_in_writing": True}
    ],
    "documents": [{"kind": "visa", "issued_by": "IT", "valid_from": "2024-01-01", "valid_to": "2024-03-01"}],
    "entries": [{"kind": "visa_waived_entry", "state": "GR", "on": "2024-03-01"}],
    "stays": [{"state": "AT", "from": "2024-03-02", "to": "2024-09-01"}],
    "eurodac_hits": [{"category": 2, "state": "GR", "on": "2024-10-01"}],
    "previous_applications": [{"state": "AT", "lodged_on": "2024-05-01", "outcome": "withdrawn"}],
    "detained": False,
    "acceptance": {"state": "SE", "on": "2024-12-01", "urgent": False},
    "absconded_on": "2025-01-01",
    "imprisoned": False,
    "extensions": {"request_sent_on": "2024-11-01", "request_urgent": True, "free": {"any": None}},
}

BAD_VALUES: tuple[Any, ...] = (
    None,
    1,
    2.0,
    2.5,
    True,
    "x",
    "2025-02-30",
    "2024-1-01",
    "gr",
    "EL",
    [],
    {},
    -1,
    131,
)


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(document)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def _drop(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return out


def _mutations() -> Iterator[dict[str, Any]]:
    seeds = [FULL] + [
        json.loads(p.read_text())["encounter"] for p in sorted((SHARED / "examples").glob("*.json"))
    ]
    for seed in seeds:
        yield seed
        for path in json_paths(seed):
            if not path:
                continue
            yield _drop(seed, path)
            for bad in BAD_VALUES:
                yield _set(seed, path, bad)
            if isinstance(path[-1], str):
                parent = path[:-1]
                yield _set(seed, (*parent, "unknown_field"), 1) if parent else dict(seed, unknown_field=1)
    yield dict(FULL, applicant={"nationality": None, "age": 30})
    yield dict(FULL, applicant={"nationality": "SY", "age": 30, "birth_date": "1990-01-01"})
    yield dict(FULL, applicant={"nationality": "SY\n"})
    yield dict(FULL, entries=[{"kind": "irregular_border_crossing", "state": "GR", "on": "2024-03-01"}])
    yield dict(FULL, eurodac_hits=[{"category": 2.0, "state": "GR", "on": "2024-10-01"}])
    yield dict(FULL, id="x" * 128)
    yield dict(FULL, id="x" * 129)
    yield dict(FULL, id="")
    yield dict(FULL, schema="amparo/encounter@1")


MUTATIONS = list(_mutations())


def test_the_mutations_cover_both_outcomes() -> None:
    valid = sum(VALIDATOR.is_valid(d) for d in MUTATIONS)
    assert 20 < valid < len(MUTATIONS) - 200


def test_validator_agrees_with_the_json_schema() -> None:
    disagreements = []
    for document in MUTATIONS:
        schema_ok = VALIDATOR.is_valid(document)
        try:
            parse_application(document)
            ours = True
        except ApplicationInvalid:
            ours = False
        if ours != schema_ok:
            disagreements.append((schema_ok, json.dumps(document)[:300]))
    assert disagreements == []


def test_copy_of_the_schema_is_the_spec() -> None:
    assert json.loads(SCHEMA_PATH.read_text()) == json.loads(
        (SHARED / "application-v1.schema.json").read_text()
    )


def _errors(document: Any) -> dict[str, str]:
    with pytest.raises(ApplicationInvalid) as info:
        parse_application(document)
    return {e.path: e.message for e in info.value.errors}


def test_errors_name_each_bad_field() -> None:
    bad = dict(FULL, lodged_on="2025-02-30", surprise=1)
    bad["applicant"] = {"nationality": "sy", "age": 3, "birth_date": "2000-01-01"}
    bad["entries"] = [{"kind": "visa_waived_entry", "state": "EL", "on": "2024-03-01"}]
    bad["eurodac_hits"] = [{"category": True, "state": "GR", "on": "2024-10-01"}]
    errors = _errors(bad)
    assert errors["/lodged_on"] == "expected a real calendar date written YYYY-MM-DD"
    assert "not a field" in errors["/surprise"]
    assert "ISO 3166-1" in errors["/applicant/nationality"]
    assert "not both" in errors["/applicant/age"]
    assert "EL" in errors["/entries/0/state"] or "GR" in errors["/entries/0/state"]
    assert errors["/eurodac_hits/0/category"] == "expected one of: 1, 2, 3"
    assert errors["/applicant/visa_waived_in_lodging_state"].startswith("is required when")


def test_a_date_whose_clocks_would_run_past_the_calendar_is_refused_by_name() -> None:
    """Acceptance on 9999-12-31 gave a traceback (the transfer clock ran into year 10000)."""
    errors = _errors(dict(FULL, acceptance={"state": "SE", "on": "9999-12-31"}))
    assert list(errors) == ["/acceptance/on"]
    assert errors["/acceptance/on"].startswith("expected a date up to 9989-12-31")
    screened = screen(dict(FULL, acceptance={"state": "SE", "on": "9989-12-31"}), EU_PACK)
    assert screened.summary["transfer_by"] is not None


@pytest.mark.parametrize("nationality", ["SY\n", "SY\r", " SY", "ＳＹ", "SYR", "\nSY"])
def test_a_nationality_is_two_letters_and_nothing_else(nationality: str) -> None:
    """``"SY\n"`` passed: Python's ``$`` also matches before a final newline (the schema's
    pattern is ECMA-262's, where it does not)."""
    document = dict(FULL, applicant={"nationality": nationality, "age": 30})
    assert not VALIDATOR.is_valid(document)
    assert "ISO 3166-1" in _errors(document)["/applicant/nationality"]


def test_missing_required_fields() -> None:
    errors = _errors({"schema": SCHEMA_ID})
    assert set(errors) == {"/id", "/lodged_in", "/lodged_on", "/applicant"}
    assert all(m == "is required" for m in errors.values())


def test_error_carries_the_document_id_and_is_an_input_error() -> None:
    with pytest.raises(ApplicationInvalid) as info:
        parse_application(dict(FULL, lodged_in="XX"))
    assert isinstance(info.value, EncounterInvalid)
    assert info.value.encounter_id == "EU-FULL"
    assert "eu-application" in info.value.title


def test_not_an_object() -> None:
    assert _errors([1, 2]) == {"": "expected a JSON object (one EU application document)"}


def test_typed_document() -> None:
    app = parse_application(FULL)
    assert app.registration_date.isoformat() == "2024-10-02"
    assert app.request_sent_on is not None and app.request_urgent is True
    assert app.stays[0].start.isoformat() == "2024-03-02"
    assert app.acceptance is not None and app.acceptance.state == "SE"
