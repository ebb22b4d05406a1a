"""Broken inputs, one file per mistake a user can make: each gives EncounterInvalid naming the JSON
path and saying, in words a person understands, what was expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amparo.encounter import parse_encounter
from amparo.errors import EncounterInvalid
from amparo.rules.us import US_PACK
from amparo.screening import screen

INVALID = Path(__file__).parent / "invalid"

# file stem -> (JSON pointer of the error, words its message must contain, case-insensitive)
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "missing-id": ("/id", ("required",)),
    "empty-id": ("/id", ("at least 1",)),
    "missing-person": ("/person", ("required",)),
    "missing-place": ("/place", ("required",)),
    "missing-encountered-on": ("/encountered_on", ("required",)),
    "missing-nationalities": ("/person/nationalities", ("required",)),
    "nationality-lower-case": ("/person/nationalities/0", ("two-letter", "upper-case", "country")),
    "nationality-three-letters": ("/person/nationalities/0", ("two-letter", "country")),
    "nationality-not-a-list": ("/person/nationalities", ("array",)),
    "nationality-twice": ("/person/nationalities", ("once",)),
    "mltn-country-lower-case": ("/findings/more_likely_than_not_harm_in/0", ("two-letter", "country")),
    "unknown-border": ("/place/border", ("expected one of", "southwest_land", "air")),
    "unknown-manner": ("/place/manner", ("expected one of", "port_of_entry", "between_ports")),
    "state-spelled-out": ("/place/state", ("two-letter", "upper-case")),
    "date-2019-02-30": ("/encountered_on", ("real calendar date", "yyyy-mm-dd")),
    "date-us-format": ("/encountered_on", ("date", "yyyy-mm-dd")),
    "date-as-number": ("/encountered_on", ("date", "yyyy-mm-dd")),
    "datetime-without-offset": ("/encountered_at", ("offset",)),
    "datetime-offset-minutes-60": ("/encountered_at", ("rfc 3339", "offset")),
    "age-negative": ("/person/age", ("whole number", "at least 0")),
    "age-too-high": ("/person/age", ("whole number", "at most 130")),
    "age-as-string": ("/person/age", ("whole number",)),
    "age-fractional": ("/person/age", ("whole number",)),
    "unknown-top-level-key": ("/nationality", ("not a field", "spelling", "extensions")),
    "typo-in-findings-key": ("/findings/severe_trafficing_victim", ("not a field", "spelling")),
    "documents-unknown-key": ("/documents/passport", ("not a field",)),
    "findings-boolean-as-string": ("/findings/severe_trafficking_victim", ("true or false",)),
    "null-where-not-allowed": ("/place/state", ("not null", "leave the field out")),
    "route-not-an-array": ("/route", ("array",)),
    "route-step-without-country": ("/route/0/country", ("required",)),
    "route-claim-unknown": ("/route/0/protection_claim", ("expected one of", "denied_final")),
    "fear-basis-unknown": ("/fear_claims/0/basis/0", ("expected one of", "political_opinion")),
    "fear-basis-not-a-list": ("/fear_claims/0/basis", ("array",)),
    "sex-unknown": ("/person/sex", ("expected one of",)),
    "wrong-schema-name": ("/schema", ("amparo/encounter@1",)),
    "family-not-an-object": ("/family", ("object",)),
    "birth-date-after-encounter": ("/person/birth_date", ("birth date", "after", "encountered_on")),
    "born-two-thousand-years-before": ("/person/birth_date", ("birth date", "130 years", "encountered_on")),
    "adjudicated-before-encounter": ("/adjudicated_on", ("adjudication", "before", "encountered_on")),
    "time-years-away-from-date": ("/encountered_at", ("exact time", "more than a day", "encountered_on")),
    "not-an-object": ("", ("json object",)),
    "a-bare-string": ("", ("json object",)),
}
FILES = sorted(INVALID.glob("*.json"))


def test_every_file_has_an_expectation_and_back() -> None:
    assert {p.stem for p in FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_input_is_reported_with_path_and_words(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    pointer, words = EXPECTED[path.stem]
    with pytest.raises(EncounterInvalid) as caught:
        parse_encounter(document)
    at_path = [e.message.lower() for e in caught.value.errors if e.path == pointer]
    assert at_path, f"no error at {pointer!r}; got {[(e.path, e.message) for e in caught.value.errors]}"
    assert any(all(w.lower() in m for w in words) for m in at_path), (pointer, words, at_path)
    # Nothing is screened from an invalid document.
    with pytest.raises(EncounterInvalid):
        screen(document, US_PACK)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_error_keeps_the_encounter_id(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(EncounterInvalid) as caught:
        parse_encounter(document)
    expected = document.get("id") if isinstance(document, dict) else None
    assert caught.value.encounter_id == (expected if isinstance(expected, str) else None)


def test_every_error_is_reported_at_once() -> None:
    document = json.loads((INVALID / "nationality-lower-case.json").read_text(encoding="utf-8"))
    document["place"]["border"] = "southern"
    document["person"]["age"] = -3
    del document["id"]
    with pytest.raises(EncounterInvalid) as caught:
        parse_encounter(document)
    paths = {e.path for e in caught.value.errors}
    assert {"/id", "/place/border", "/person/age", "/person/nationalities/0"} <= paths


def test_a_us_national_is_refused_naming_the_nationalities() -> None:
    from amparo.errors import EncounterInvalid
    from amparo.rules.us import US_PACK
    from amparo.screening import screen

    document = {
        "id": "USN-1",
        "encountered_on": "2020-02-03",
        "place": {"border": "southwest_land", "manner": "between_ports", "arrived_from": "MX"},
        "person": {"nationalities": ["US", "HN"]},
    }
    with pytest.raises(EncounterInvalid) as caught:
        screen(document, US_PACK)
    assert [e.path for e in caught.value.errors] == ["/person/nationalities"]
