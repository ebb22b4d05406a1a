"""The access policy: the full matrix against the hand-written expectations, and the 208.6 property."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.access import DisclosureBasis, RecordFacts, Requester, authorize
from amparo.access.agencies import AGENCIES, get_agency
from amparo.access.fields import CLAIM_FIELDS, project

from .expected_permits import BOUNDARIES, PEOPLE, PURPOSES, Person, expected

ROLES = ("officer", "supervisor", "analyst", "admin", "partner")
TYPES = ("encounter", "case", "decision", "case_package")
DATES = sorted({b + dt.timedelta(days=k) for b in BOUNDARIES for k in (-1, 0, 1)} | {dt.date(2030, 1, 1)})


def facts(person: Person, kind: str) -> RecordFacts:
    return RecordFacts(
        kind=kind,
        record_id="R-1",
        nationalities=person.nationalities,
        feared_countries=person.feared,
        asylum_related=person.asylum,
        aca_receiving_country=person.transfer_to,
        disclosure_bases=tuple(DisclosureBasis(r, k, "recorded in test") for r, k in person.bases),
    )


def test_full_matrix_matches_the_expected_permits() -> None:
    mismatches = []
    checked = 0
    for agency, role, purpose, kind, on, person in itertools.product(
        AGENCIES, ROLES, PURPOSES, TYPES, DATES, PEOPLE
    ):
        decision = authorize(
            Requester("u", role, agency.code, agency.country), facts(person, kind), purpose, on
        )
        want = expected(agency.code, role, purpose, kind, on, person)
        got = (decision.permitted, decision.fields if decision.permitted else frozenset())
        checked += 1
        if got != want:
            mismatches.append((agency.code, role, purpose, kind, on.isoformat(), person.name, got, want))
        if decision.permitted:
            assert decision.reasons and decision.arrangements
        else:
            assert decision.reasons and decision.fields == frozenset()
    assert checked > 100_000
    assert mismatches == []


def test_salvadoran_claimant_is_refused_to_el_salvador_on_every_purpose_and_date() -> None:
    person = PEOPLE[1]
    for purpose, kind, on in itertools.product(PURPOSES, TYPES, DATES):
        decision = authorize(Requester("u", "partner", "SV-DGME", "SV"), facts(person, kind), purpose, on)
        assert not decision.permitted
        assert "8 CFR 208.6(a)" in decision.citations


def test_guatemala_sees_only_transfer_fields_with_a_scheduled_transfer_and_a_basis() -> None:
    on = dt.date(2020, 1, 15)
    igm = Requester("u", "partner", "GT-IGM", "GT")
    permitted = authorize(igm, facts(PEOPLE[0], "case_package"), "aca_transfer", on)
    assert permitted.permitted and permitted.arrangements == ("gt_aca_2019",)
    assert permitted.fields is not None and "fear_claims" not in permitted.fields
    assert not authorize(igm, facts(PEOPLE[2], "case_package"), "aca_transfer", on).permitted
    assert not authorize(igm, facts(PEOPLE[0], "case_package"), "aca_transfer", dt.date(2021, 2, 6)).permitted


def test_statistics_view_has_age_and_sex_but_not_the_name() -> None:
    decision = authorize(
        Requester("u", "analyst", "US-CBP", "US"), facts(PEOPLE[0], "case"), "statistics", dt.date(2020, 1, 1)
    )
    view = project(
        {
            "record_id": "R-1",
            "record_kind": "case",
            "given_names": "Ana",
            "age": 30,
            "sex": "F",
            "fear_claims": [{"country": "HN"}],
        },
        decision.fields,
    )
    assert view == {"record_id": "R-1", "record_kind": "case", "age": 30, "sex": "F"}


def test_a_requester_claiming_another_country_is_refused() -> None:
    decision = authorize(
        Requester("u", "officer", "US-CBP", "GT"),
        facts(PEOPLE[0], "case"),
        "adjudication",
        dt.date(2020, 1, 1),
    )
    assert not decision.permitted
    assert not authorize(
        Requester("u", "officer", "XX-NOPE", None),
        facts(PEOPLE[0], "case"),
        "adjudication",
        dt.date(2020, 1, 1),
    ).permitted


COUNTRIES = st.sampled_from(["US", "GT", "SV", "HN", "MX", "NI", "CU", "VE", "CO", "EC"])


@settings(max_examples=600, deadline=None)
@given(
    agency=st.sampled_from([a.code for a in AGENCIES]),
    role=st.sampled_from(ROLES),
    purpose=st.sampled_from(PURPOSES),
    kind=st.sampled_from(TYPES),
    on=st.dates(dt.date(1995, 1, 1), dt.date(2035, 12, 31)),
    nationalities=st.lists(COUNTRIES, max_size=3, unique=True),
    feared=st.lists(COUNTRIES, max_size=3, unique=True),
    transfer_to=st.none() | COUNTRIES,
    bases=st.lists(
        st.tuples(
            COUNTRIES | st.sampled_from([a.code for a in AGENCIES]), st.sampled_from(["consent", "decision"])
        ),
        max_size=4,
    ),
    legacy_basis=st.none() | st.just("Secretary's decision"),
)
def test_no_claim_ever_reaches_a_country_of_nationality_or_feared(
    agency: str,
    role: str,
    purpose: str,
    kind: str,
    on: dt.date,
    nationalities: list[str],
    feared: list[str],
    transfer_to: str | None,
    bases: list[tuple[str, str]],
    legacy_basis: str | None,
) -> None:
    record = RecordFacts(
        kind,
        "R",
        tuple(nationalities),
        tuple(feared),
        True,
        transfer_to,
        legacy_basis,
        tuple(DisclosureBasis(r, k, "b") for r, k in bases),
    )
    country = get_agency(agency).country
    decision = authorize(Requester("u", role, agency, country), record, purpose, on)
    if country is not None and (country in feared or (country in nationalities and country != "US")):
        assert not decision.permitted
    if country == "US" and "US" in nationalities and "US" not in feared:
        # a US national's record stays readable to the installation's own government (issue 11)
        assert (
            decision.permitted
            == authorize(
                Requester("u", role, agency, country),
                dataclasses.replace(
                    record, nationalities=tuple(n for n in nationalities if n != "US") or ("MX",)
                ),
                purpose,
                on,
            ).permitted
            or not decision.permitted
        )
    if decision.permitted and country not in (None, "US"):
        assert nationalities, "a foreign government never sees a claim of a person of unknown nationality"
        assert decision.fields is not None
        assert not (decision.fields & (CLAIM_FIELDS - {"claim_fact"})) or agency == "UNHCR"
