"""Hypothesis strategies for encounter v1 documents (2018-2026), shared by the rules tests.

Documents are always valid, including the two consistency checks beyond the schema (a birth date
not after the encounter, an adjudication not before it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

NATIONALITIES = ("GT", "HN", "SV", "MX", "VE", "CU", "NI", "BR", "CN", "IN")
TRANSIT = ("GT", "HN", "SV", "MX", "NI", "CR", "PA", "CO", "EC", "BR", "CU", "IN", "GY", "ES", "TR")
STATES = ("TX", "CA", "AZ", "NM", "FL", "NY", "WA")
FIRST, LAST = dt.date(2018, 1, 1), dt.date(2026, 12, 31)
FINDING_FLAGS = (
    "severe_trafficking_victim",
    "public_interest_exception",
    "acute_medical_emergency",
    "imminent_extreme_threat",
    "scheduling_obstacle",
    "known_health_issue",
    "lgbtqi_risk_in_mexico",
    "pregnant",
    "advanced_age",
    "criminal_history",
    "interest_to_government",
    "processed_for_expedited_removal",
    "asylum_request_withdrawn",
)
DOCUMENT_FLAGS = (
    "valid_us_visa",
    "visa_exempt_entry",
    "cbp_one_appointment",
    "parole_travel_authorization",
    "lawful_permanent_resident",
)
BASES = (
    "race",
    "religion",
    "nationality",
    "particular_social_group",
    "political_opinion",
    "torture",
    "general_crime",
)

dates = st.dates(FIRST, LAST)
countries = st.sampled_from(TRANSIT + NATIONALITIES)


def _optional_flags(names: tuple[str, ...], *, rare: bool) -> st.SearchStrategy[dict[str, bool]]:
    weight = st.sampled_from([True, False, False, False]) if rare else st.booleans()
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, weight))


def fear_claim_lists(
    country: st.SearchStrategy[str], *, bases: int, claims: int
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of up to ``claims`` fear claims, each of up to ``bases`` grounds."""
    return st.lists(
        st.fixed_dictionaries(
            {"country": country},
            optional={
                "affirmatively_stated": st.booleans(),
                "basis": st.lists(st.sampled_from(BASES), max_size=bases),
            },
        ),
        max_size=claims,
    )


@st.composite
def encounters(draw: st.DrawFn) -> dict[str, Any]:
    """One valid encounter v1 document."""
    on = draw(dates)
    doc: dict[str, Any] = {"id": draw(st.from_regex(r"\AE-[0-9]{1,6}\Z")), "encountered_on": on.isoformat()}
    if draw(st.booleans()):
        doc["schema"] = "amparo/encounter@1"
    if draw(st.integers(0, 3)) == 0:
        hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        offset = draw(st.sampled_from(["-04:00", "-05:00", "-06:00", "-07:00", "Z"]))
        doc["encountered_at"] = f"{on.isoformat()}T{hour:02d}:{minute:02d}:00{offset}"
    if draw(st.booleans()):
        doc["adjudicated_on"] = draw(st.dates(on, min(LAST, on + dt.timedelta(days=900)))).isoformat()
    border = draw(
        st.sampled_from(["southwest_land", "southwest_land", "northern_land", "coastal", "air", "interior"])
    )
    place: dict[str, Any] = {
        "border": border,
        "manner": draw(st.sampled_from(["port_of_entry", "between_ports"])),
    }
    if draw(st.booleans()):
        place["state"] = draw(st.sampled_from(STATES))
    if draw(st.booleans()):
        place["arrived_from"] = draw(st.sampled_from(["MX", "MX", "CA", "GT", "HN", "CO"]))
    if draw(st.booleans()):
        place["location"] = draw(st.sampled_from(["El Paso", "San Ysidro", "Eagle Pass", "Miami", "Tucson"]))
    doc["place"] = place
    stateless = draw(st.integers(0, 9)) == 0
    person: dict[str, Any] = {
        "nationalities": []
        if stateless
        else draw(st.lists(st.sampled_from(NATIONALITIES), min_size=1, max_size=2, unique=True))
    }
    if stateless or draw(st.integers(0, 4)) == 0:
        person["last_habitual_residence"] = draw(st.sampled_from(NATIONALITIES))
    age_kind = draw(st.sampled_from(["age", "birth", "none"]))
    if age_kind == "age":
        person["age"] = draw(st.integers(0, 90))
    elif age_kind == "birth":
        person["birth_date"] = draw(st.dates(on - dt.timedelta(days=365 * 80), on)).isoformat()
    if draw(st.booleans()):
        person["sex"] = draw(st.sampled_from(["F", "M", "X"]))
    doc["person"] = person
    if draw(st.booleans()):
        doc["family"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "with_parent_or_legal_guardian": st.booleans(),
                    "family_unit": st.booleans(),
                    "members": st.lists(st.from_regex(r"\AE-[0-9]{1,4}\Z"), max_size=2),
                },
            )
        )
    if draw(st.integers(0, 4)) > 0:
        doc["route"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"country": countries},
                    optional={
                        "protection_claim": st.sampled_from(
                            ["none", "pending", "abandoned", "denied_final", "granted"]
                        ),
                        "entered_on": dates.map(dt.date.isoformat),
                    },
                ),
                max_size=5,
            )
        )
    if draw(st.booleans()):
        documents: dict[str, Any] = draw(_optional_flags(DOCUMENT_FLAGS, rare=True))
        if draw(st.integers(0, 5)) == 0:
            documents["metered_before"] = draw(st.dates(dt.date(2018, 6, 1), dt.date(2020, 3, 1))).isoformat()
        doc["documents"] = documents
    if draw(st.booleans()):
        doc["fear_claims"] = draw(fear_claim_lists(countries, bases=2, claims=3))
    if draw(st.booleans()):
        findings: dict[str, Any] = draw(_optional_flags(FINDING_FLAGS, rare=True))
        if draw(st.booleans()):
            findings["more_likely_than_not_harm_in"] = draw(st.lists(countries, max_size=2))
        if draw(st.integers(0, 3)) == 0:
            findings["reasonable_possibility_harm_in"] = draw(st.lists(countries, max_size=2))
        doc["findings"] = findings
    if draw(st.integers(0, 5)) == 0:
        doc["extensions"] = {"agency": "US-CBP", "note": None}
    return doc
