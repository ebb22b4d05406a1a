"""The pydantic model of encounter v1 and the JSON Schema accept and reject the same documents.

The validator's two consistency checks beyond the schema (a birth date after the encounter, an
adjudication before it) are left out: generated documents always satisfy them.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from rules_strategies import encounters

from amparo.encounter import SCHEMA_PATH, parse_encounter
from amparo.encounter.validation import AT_AWAY_FROM_ON, BORN_TOO_LONG_AGO
from amparo.errors import EncounterInvalid

SHARED_SCHEMA = Path(__file__).parents[2].parent / "shared/spec/encounter-v1.schema.json"
_RFC3339 = re.compile(r"\A\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:[0-5]\d)\Z")


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    if "date-time" not in checker.checkers:
        # jsonschema checks date-time only with the optional rfc3339-validator; check RFC 3339 here.
        @checker.checks("date-time")
        def _date_time(value: object) -> bool:
            if not isinstance(value, str):
                return True
            if not _RFC3339.match(value):
                return False
            try:
                dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            except ValueError:
                return False
            return True

    return checker


VALIDATOR = Draft202012Validator(
    json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), format_checker=_format_checker()
)


def schema_accepts(document: Any) -> bool:
    return VALIDATOR.is_valid(document)


# The checks beyond the schema, which agreement leaves out.
CONSISTENCY = {
    ("/person/birth_date", "the birth date is after /encountered_on"),
    ("/adjudicated_on", "the adjudication date is before /encountered_on"),
    ("/encountered_at", AT_AWAY_FROM_ON),
    ("/person/birth_date", BORN_TOO_LONG_AGO),
}


def model_accepts(document: Any) -> bool:
    """The model's verdict at the schema's level (the consistency checks do not count)."""
    try:
        parse_encounter(document)
    except EncounterInvalid as exc:
        return all((e.path, e.message) in CONSISTENCY for e in exc.errors)
    return True


BASE: dict[str, Any] = {
    "schema": "amparo/encounter@1",
    "id": "E-2019-0001",
    "encountered_on": "2019-12-15",
    "encountered_at": "2019-12-15T10:30:00-07:00",
    "adjudicated_on": "2020-01-10",
    "place": {
        "border": "southwest_land",
        "manner": "between_ports",
        "location": "El Paso",
        "state": "TX",
        "arrived_from": "MX",
    },
    "person": {
        "nationalities": ["HN"],
        "last_habitual_residence": "HN",
        "birth_date": "1991-04-02",
        "age": 28,
        "sex": "M",
        "given_names": "José",
        "surnames": "Reyes",
    },
    "family": {"with_parent_or_legal_guardian": False, "family_unit": True, "members": ["E-2019-0002"]},
    "route": [{"country": "GT", "entered_on": "2019-11-20", "protection_claim": "none"}, {"country": "MX"}],
    "documents": {
        "valid_us_visa": False,
        "visa_exempt_entry": False,
        "cbp_one_appointment": False,
        "parole_travel_authorization": False,
        "lawful_permanent_resident": False,
        "metered_before": "2019-06-01",
    },
    "fear_claims": [{"country": "HN", "affirmatively_stated": True, "basis": ["particular_social_group"]}],
    "findings": {
        "more_likely_than_not_harm_in": ["GT"],
        "reasonable_possibility_harm_in": ["MX"],
        "severe_trafficking_victim": False,
        "processed_for_expedited_removal": False,
    },
    "extensions": {"agency": "US-CBP", "anything": [1, None, {"x": True}]},
}

DELETE = object()
# (path, new value or DELETE): every one breaks the schema.
MUTATIONS: list[tuple[tuple[str | int, ...], Any]] = [
    *[((key,), DELETE) for key in ("id", "encountered_on", "place", "person")],
    (("place", "border"), DELETE),
    (("place", "manner"), DELETE),
    (("person", "nationalities"), DELETE),
    (("route", 1, "country"), DELETE),
    (("fear_claims", 0, "country"), DELETE),
    # wrong types
    (("id",), 17),
    (("id",), ""),
    (("id",), "x" * 129),
    (("encountered_on",), 20191215),
    (("place",), "El Paso"),
    (("place", "location"), 5),
    (("person", "nationalities"), "HN"),
    (("person", "age"), "28"),
    (("person", "age"), 28.5),
    (("person", "age"), True),
    (("person", "given_names"), ["José"]),
    (("family", "family_unit"), "yes"),
    (("family", "family_unit"), 1),
    (("family", "members"), "E-2"),
    (("family", "members", 0), 2),
    (("route",), {"country": "MX"}),
    (("route", 0), "GT"),
    (("documents", "valid_us_visa"), "false"),
    (("fear_claims", 0, "affirmatively_stated"), 0),
    (("fear_claims", 0, "basis"), "torture"),
    (("findings", "pregnant"), "no"),
    (("findings", "more_likely_than_not_harm_in"), "GT"),
    (("extensions",), ["free"]),
    (("person", "age"), -1),
    (("person", "age"), 131),
    # bad enums
    (("schema",), "amparo/encounter@2"),
    (("place", "border"), "southern"),
    (("place", "manner"), "ewi"),
    (("person", "sex"), "female"),
    (("route", 0, "protection_claim"), "rejected"),
    (("fear_claims", 0, "basis", 0), "gangs"),
    # bad country codes
    (("person", "nationalities", 0), "hn"),
    (("person", "nationalities", 0), "HND"),
    (("person", "nationalities", 0), "H"),
    (("person", "nationalities"), ["HN", "HN"]),
    (("person", "last_habitual_residence"), "gt"),
    (("place", "state"), "Texas"),
    (("place", "arrived_from"), "MEX"),
    (("route", 0, "country"), "Gt"),
    (("fear_claims", 0, "country"), "12"),
    (("findings", "more_likely_than_not_harm_in", 0), "gtm"),
    # extra keys
    (("nationality",), "HN"),
    (("place", "port"), "El Paso"),
    (("person", "age_years"), 28),
    (("family", "children"), 1),
    (("route", 0, "exited_on"), "2019-11-22"),
    (("documents", "passport"), True),
    (("fear_claims", 0, "grounds"), []),
    (("findings", "severe_trafficing_victim"), True),
    # null where not allowed
    (("id",), None),
    (("encountered_on",), None),
    (("place", "state"), None),
    (("person", "age"), None),
    (("person", "nationalities", 0), None),
    (("family",), None),
    (("route",), None),
    (("documents", "metered_before"), None),
    (("findings", "pregnant"), None),
    # bad dates
    (("encountered_on",), "2019-02-30"),
    (("encountered_on",), "12/15/2019"),
    (("encountered_on",), "2019-12-15T10:00:00Z"),
    (("encountered_on",), "2019-1-5"),
    (("adjudicated_on",), "2020-13-01"),
    (("person", "birth_date"), "02/04/1991"),
    (("route", 0, "entered_on"), "2019-11-31"),
    (("documents", "metered_before"), "June 2019"),
    (("encountered_at",), "2019-12-15T10:30:00"),
    (("encountered_at",), "2019-12-15T25:30:00Z"),
    (("encountered_at",), "2019-12-15"),
]


def _mutate(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(document)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


def test_base_document_is_valid_for_both() -> None:
    assert schema_accepts(BASE)
    assert model_accepts(BASE)
    parse_encounter(BASE)  # and consistent


def test_consistency_checks_are_beyond_the_schema() -> None:
    late_birth = _mutate(BASE, ("person", "birth_date"), "2020-01-01")
    early_decision = _mutate(BASE, ("adjudicated_on",), "2019-12-01")
    for document in (late_birth, early_decision):
        assert schema_accepts(document)
        with pytest.raises(EncounterInvalid):
            parse_encounter(document)


@pytest.mark.parametrize(
    ("path", "value"), MUTATIONS, ids=[f"{'/'.join(map(str, p))}={v!r}"[:60] for p, v in MUTATIONS]
)
def test_mutation_rejected_by_both(path: tuple[str | int, ...], value: Any) -> None:
    document = _mutate(BASE, path, value)
    assert not schema_accepts(document), "the mutation should break the schema"
    assert not model_accepts(document), "the model accepts what the schema rejects"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("person", "last_habitual_residence"), None),
        (("extensions",), {}),
        (("route",), []),
        (("person", "nationalities"), []),
    ],
)
def test_allowed_edge_values_accepted_by_both(path: tuple[str | int, ...], value: Any) -> None:
    document = _mutate(BASE, path, value)
    assert schema_accepts(document)
    assert model_accepts(document)


# Former disagreements, fixed in the model: kept as regression tests.
def test_extensions_null_agrees() -> None:
    document = _mutate(BASE, ("extensions",), None)
    assert schema_accepts(document) == model_accepts(document)


@pytest.mark.parametrize("value", ["2019-12-15T10:30-07:00", "2019-12-15 10:30:00-07:00"])
def test_loose_date_time_agrees(value: str) -> None:
    document = _mutate(BASE, ("encountered_at",), value)
    assert schema_accepts(document) == model_accepts(document)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(encounters())
def test_generated_valid_documents_accepted_by_both(document: dict[str, Any]) -> None:
    assert schema_accepts(document), list(VALIDATOR.iter_errors(document))
    assert model_accepts(document)


def _locations(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if path and path[0] != "extensions" or path == ("extensions",):
        yield path
    if isinstance(value, dict) and path[:1] != ("extensions",):
        for key, item in value.items():
            yield from _locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _locations(item, (*path, index))


# Wrong-ish values to drop anywhere in a valid document (no trailing newlines: Python's re lets
# '^[A-Z]{2}$' match 'GT\n', unlike the ECMA-262 regexes JSON Schema specifies).
ODD_VALUES = st.sampled_from(
    [
        None,
        0,
        -1,
        1.5,
        131,
        True,
        "",
        "x",
        "gt",
        "GTM",
        "GT",
        "2019-02-30",
        "2019-12-15",
        "15/12/2019",
        [],
        {},
        ["GT"],
        {"a": 1},
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(encounters(), st.data())
def test_generated_mutations_agree(document: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(list(_locations(document))))
    value = data.draw(ODD_VALUES.filter(lambda v: not (path == ("extensions",) and v is None)))
    if data.draw(st.booleans()):
        value = DELETE
    mutated = _mutate(document, path, value)
    assert schema_accepts(mutated) == model_accepts(mutated), (
        path,
        value,
        list(VALIDATOR.iter_errors(mutated)),
    )


@settings(max_examples=100, deadline=None)
@given(
    encounters(),
    st.sampled_from(["id", "encountered_on", "place", "person", "findings", "route"]),
    st.text(min_size=1, max_size=12),
)
def test_generated_extra_keys_rejected_by_both(document: dict[str, Any], where: str, key: str) -> None:
    mutated = copy.deepcopy(document)
    target = mutated.get(where) if isinstance(mutated.get(where), dict) else mutated
    if key in target:
        return
    target[key] = "extra"
    assert not schema_accepts(mutated)
    assert not model_accepts(mutated)


@pytest.mark.skipif(not SHARED_SCHEMA.is_file(), reason=f"shared spec schema not present at {SHARED_SCHEMA}")
def test_packaged_schema_is_the_shared_one() -> None:
    packaged = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert packaged == json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))
