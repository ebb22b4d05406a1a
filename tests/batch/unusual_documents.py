"""Hypothesis strategy for encounter documents at the edges of encounter v1, as a user's file may
hold them: any two capital letters as a country (most not ISO 3166-1), days of any year 0001–9999,
instants with any offset (``+14:00``, ``-23:59``, ``z``), fractions of a second and a space or a
``t`` between day and time, any text as an id, a place or a name, ``null`` where the schema allows
it, both an age and a birth date, a birth after the encounter, an adjudication before it.

Many such documents are invalid: the batch and single evaluators must then give the same error.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st
from rules_strategies import DOCUMENT_FLAGS, FINDING_FLAGS, fear_claim_lists

COMMON = ("GT", "HN", "SV", "MX", "VE", "CU", "NI", "BR", "CN", "IN", "CO", "EC", "CR", "PA", "US", "CA")
codes = st.one_of(st.sampled_from(COMMON), st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2))
days = st.one_of(st.dates(dt.date(2018, 1, 1), dt.date(2027, 12, 31)), st.dates()).map(dt.date.isoformat)
texts = st.text(max_size=12)
OFFSETS = (
    "Z",
    "z",
    "+00:00",
    "-00:00",
    "-04:00",
    "-05:00",
    "-07:00",
    "-08:00",
    "+14:00",
    "-12:00",
    "+05:45",
    "-23:59",
)
CLAIMS = ("none", "pending", "abandoned", "denied_final", "granted")


@st.composite
def instants(draw: st.DrawFn) -> str:
    day = draw(
        st.one_of(
            st.dates(dt.date(2018, 1, 1), dt.date(2027, 12, 31)),
            st.dates(dt.date(1, 1, 2), dt.date(9999, 12, 30)),
        )
    )
    clock = f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}:{draw(st.integers(0, 59)):02d}"
    fraction = draw(st.sampled_from(["", ".5", ".123456", ".999999999"]))
    return f"{day.isoformat()}{draw(st.sampled_from('Tt '))}{clock}{fraction}{draw(st.sampled_from(OFFSETS))}"


def _some(draw: st.DrawFn, target: dict[str, Any], fields: dict[str, st.SearchStrategy[Any]]) -> None:
    for name, values in fields.items():
        if draw(st.booleans()):
            target[name] = draw(values)


@st.composite
def unusual_encounters(draw: st.DrawFn) -> dict[str, Any]:
    """One encounter document at the edges of encounter v1 (often invalid)."""
    doc: dict[str, Any] = {"id": draw(st.text(min_size=1, max_size=20)), "encountered_on": draw(days)}
    _some(draw, doc, {"schema": st.just("amparo/encounter@1")})
    if draw(st.integers(0, 2)) == 0:
        doc["encountered_at"] = draw(instants())
    if draw(st.integers(0, 2)) == 0:
        doc["adjudicated_on"] = draw(days)
    place = {
        "border": draw(st.sampled_from(["southwest_land", "northern_land", "coastal", "air", "interior"])),
        "manner": draw(st.sampled_from(["port_of_entry", "between_ports"])),
    }
    _some(draw, place, {"location": texts, "state": codes, "arrived_from": codes})
    doc["place"] = place
    person: dict[str, Any] = {"nationalities": draw(st.lists(codes, max_size=3, unique=True))}
    _some(
        draw,
        person,
        {
            "last_habitual_residence": st.one_of(st.none(), codes),
            "birth_date": days,
            "age": st.integers(0, 130),
            "sex": st.sampled_from(["F", "M", "X"]),
            "given_names": texts,
            "surnames": texts,
        },
    )
    doc["person"] = person
    _some(
        draw,
        doc,
        {
            "family": st.fixed_dictionaries(
                {},
                optional={
                    "with_parent_or_legal_guardian": st.booleans(),
                    "family_unit": st.booleans(),
                    "members": st.lists(texts, max_size=3),
                },
            ),
            "route": st.lists(
                st.fixed_dictionaries(
                    {"country": codes},
                    optional={"entered_on": days, "protection_claim": st.sampled_from(CLAIMS)},
                ),
                max_size=6,
            ),
            "documents": st.fixed_dictionaries(
                {}, optional={**{name: st.booleans() for name in DOCUMENT_FLAGS}, "metered_before": days}
            ),
            "fear_claims": fear_claim_lists(codes, bases=3, claims=4),
            "findings": st.fixed_dictionaries(
                {},
                optional={
                    **{name: st.booleans() for name in FINDING_FLAGS},
                    "more_likely_than_not_harm_in": st.lists(codes, max_size=3),
                    "reasonable_possibility_harm_in": st.lists(codes, max_size=3),
                },
            ),
        },
    )
    if draw(st.integers(0, 5)) == 0:
        doc["extensions"] = {"note": draw(st.one_of(st.none(), texts, st.integers()))}
    return doc
