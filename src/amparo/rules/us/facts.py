"""The named facts the US rules read, extracted from one encounter v1 document.

Every fact is a scalar, a date/instant or a tuple of country codes, so the same names can be
columns in a batch evaluator (``fact_columns.py`` must agree). Findings absent from the document
are false ("not established").

How the moment of the encounter is formed: :func:`amparo.engine.instants.moment_of` — a time with
its offset is that instant; a date alone is noon in the place's zone (``place_zone``; US Eastern
when the place says no zone). ``boundaries_on_day`` names the pack's hour boundaries
(:data:`~amparo.rules.us.dates.BOUNDARIES`) that fall on the local day of a date-only encounter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from amparo.encounter import Encounter
from amparo.engine.instants import Moment, boundaries_on, date_in, moment_of
from amparo.rules.us import places, treaties
from amparo.rules.us.countries import (
    CENTRAL_AMERICA,
    CONTIGUOUS,
    SPANISH_SPEAKING_LATIN_AMERICA,
    SPANISH_SPEAKING_OR_BRAZIL,
    WESTERN_HEMISPHERE,
)
from amparo.rules.us.dates import BOUNDARIES, TIME_ZONE
from amparo.rules.us.emergency import in_period

#: Facts of a family member travelling with the person that count for the person under the 2023
#: rule (8 CFR 208.33(a)(2)(ii) and (a)(3)): each is read as ``family_<name>`` — the person's own
#: value, or-ed with the companions' by :func:`merge_companions`.
FAMILY_SHARED = (
    "parole_travel_authorization",
    "cbp_one_appointment",
    "scheduling_obstacle",
    "final_denial_in_transit_country",
    "acute_medical_emergency",
    "imminent_extreme_threat",
    "severe_trafficking_victim",
)

#: The country whose nationals the pack never screens: ``USLawPack.parse`` refuses such a document
#: (issue 11), and the column form leaves it to the single evaluator (``fact_groups._route_row``).
HOST_NATIONALITY = "US"

#: ACA populations of the 2019-2020 implementation are nationals (brief §2.5); a stateless person
#: habitually resident in one of these countries is flagged (``aca_stateless_population``).
ACA_NATIONAL_POPULATIONS = frozenset({"HN", "SV", "MX"})


def age_at(encounter: Encounter, on: dt.date) -> int | None:
    """Age in whole years on ``on`` (from the birth date when known, else the stated age at the
    encounter, which says nothing of later birthdays)."""
    born = encounter.person.birth_date
    if born is not None:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return encounter.person.age


def age_at_encounter(encounter: Encounter) -> int | None:
    """Age in whole years on the encounter date (from the birth date when known, else the stated age)."""
    return age_at(encounter, encounter.encountered_on)


def moment(encounter: Encounter) -> Moment:
    """The moment of the encounter: its time with offset, else noon in the place's zone."""
    zone = places.place_zone(encounter) or TIME_ZONE
    return moment_of(encounter.encountered_on, encounter.encountered_at, zone)


def boundary_names_on_day(encounter: Encounter, at: Moment) -> tuple[str, ...]:
    """The pack's hour boundaries falling on the local day of a date-only encounter (none when its
    time is known). When the place's zone is not known, every southern-border zone and US
    Eastern are checked."""
    if at.time_known:
        return ()
    return _boundaries_on_day(encounter.encountered_on, places.place_zone(encounter))


def _boundaries_on_day(on: dt.date, zone: str | None) -> tuple[str, ...]:
    zones = (zone,) if zone else (*places.SOUTHERN_BORDER_ZONES, TIME_ZONE)
    days = _boundary_days(zones)
    return days.get(on, ())


@cache
def _boundary_days(zones: tuple[str, ...]) -> dict[dt.date, tuple[str, ...]]:
    """The local days on which a boundary falls in any of ``zones`` (each such day checked with
    :func:`~amparo.engine.instants.boundaries_on`), with the boundaries' names."""
    candidates = {date_in(instant, zone) for instant in BOUNDARIES.values() for zone in zones}
    out: dict[dt.date, tuple[str, ...]] = {}
    for day in candidates:
        hits = set(boundaries_on(day, zones, BOUNDARIES.values()))
        out[day] = tuple(name for name, instant in BOUNDARIES.items() if instant in hits)
    return out


#: One step of a route as the origin and route facts read it: country, date of entry (if
#: known) and the protection claim made there.
RouteStep = tuple[str, dt.date | None, str]


def _route(
    origin: set[str],
    route: Sequence[RouteStep],
    border: str,
    arrived_from: str | None,
    encountered_on: dt.date,
) -> tuple[list[tuple[str, dt.date, str]], bool]:
    """The third countries transited (country, date of transit, protection claim), and whether
    Mexico was inferred: a person who is not Mexican and arrived from Mexico by land or by the
    adjacent coast transited Mexico even when ``route`` does not say so (208.13(c)(4),
    208.33(a)(1)(iii))."""
    steps: list[tuple[str, dt.date, str]] = [
        (country, entered_on or encountered_on, claim)
        for country, entered_on, claim in route
        if country not in origin
    ]
    inferred = (
        border in {"southwest_land", "coastal"}
        and arrived_from == "MX"
        and "MX" not in origin
        and all(country != "MX" for country, _, _ in steps)
    )
    if inferred:
        steps.append(("MX", encountered_on, "none"))
    return steps, inferred


def origin_and_route_facts(
    nationalities: tuple[str, ...],
    last_habitual_residence: str | None,
    route: Sequence[RouteStep],
    border: str,
    arrived_from: str | None,
    encountered_on: dt.date,
) -> dict[str, Any]:
    """The facts of the person's countries and of the route: a function of these values alone, so
    the batch evaluator computes them once per distinct combination with this same function."""
    lhr = last_habitual_residence
    stateless = not nationalities
    # The ACA's deemed exception and the 208(a)(2)(A) country: nationality, or the last habitual
    # residence only for a stateless person (INA 208(a)(2)(A); 8 CFR 208.30(e)(7)(iii)(A)).
    own = set(nationalities) | ({lhr} if stateless and lhr else set())
    origin = set(nationalities) | ({lhr} if lhr else set())
    steps, transit_inferred = _route(origin, route, border, arrived_from, encountered_on)
    third = tuple(country for country, _, _ in steps)
    return {
        "nationalities": nationalities,
        "stateless": stateless,
        "last_habitual_residence": lhr,
        "own_countries": tuple(sorted(own)),
        "stateless_in_aca_population_country": stateless and lhr in ACA_NATIONAL_POPULATIONS,
        "spanish_speaking_or_brazil_national": bool(set(nationalities) & SPANISH_SPEAKING_OR_BRAZIL),
        "spanish_speaking_latin_american_national": bool(set(nationalities) & SPANISH_SPEAKING_LATIN_AMERICA),
        "western_hemisphere_national": bool(set(nationalities) & WESTERN_HEMISPHERE),
        "central_american_national": bool(set(nationalities) & CENTRAL_AMERICA),
        "contiguous_country_national": bool(set(nationalities) & CONTIGUOUS),
        "third_countries_transited": third,
        "transited_third_country": bool(third),
        "transit_inferred": transit_inferred,
        "final_denial_in_transit_country": any(claim == "denied_final" for _, _, claim in steps),
        "pending_or_abandoned_claim_in_transit": any(
            claim in {"pending", "abandoned"} for _, _, claim in steps
        ),
        "transited_only_non_parties": bool(steps)
        and not any(treaties.any_party(country, on) for country, on, _ in steps),
        "transited_refugee_convention_party": any(
            treaties.refugee_party(country, on) for country, on, _ in steps
        ),
        "transited_country_not_in_treaty_table": any(not treaties.in_table(c) for c in third),
        "transited_some_non_party": any(not treaties.refugee_party(c, on) for c, on, _ in steps),
    }


def extract_facts(encounter: Encounter, as_of: dt.date) -> dict[str, Any]:
    """The facts of one encounter, named as the rules read them (the law read on ``as_of``)."""
    person, place = encounter.person, encounter.place
    documents, findings = encounter.documents, encounter.findings
    family = encounter.family
    arrived_from = place.arrived_from or ("MX" if place.border == "southwest_land" else None)
    origin = origin_and_route_facts(
        tuple(person.nationalities),
        person.last_habitual_residence,
        [(s.country, s.entered_on, str(s.protection_claim)) for s in encounter.route or ()],
        place.border,
        arrived_from,
        encounter.encountered_on,
    )
    age = age_at_encounter(encounter)
    age_read = age_at(encounter, as_of) if person.birth_date is not None else None
    at = moment(encounter)
    fear = encounter.fear_claims or []
    members = tuple(family.members or ()) if family else ()
    early = _mpp_early_place(encounter)

    def doc(name: str) -> bool:
        return bool(getattr(documents, name)) if documents is not None else False

    def found(name: str) -> bool:
        return bool(getattr(findings, name)) if findings is not None else False

    lpr, visa, parole, visa_exempt = (
        doc("lawful_permanent_resident"),
        doc("valid_us_visa"),
        doc("parole_travel_authorization"),
        doc("visa_exempt_entry"),
    )
    under_18 = age is not None and age < 18
    facts = {
        "encounter_id": encounter.id,
        "encountered_on": encounter.encountered_on,
        "encountered_instant": at.instant,
        "time_known": at.time_known,
        "place_zone": places.place_zone(encounter),
        "boundaries_on_day": boundary_names_on_day(encounter, at),
        "as_of": as_of,
        "one_year_deadline_on": _one_year_after(encounter.encountered_on),
        "border": place.border,
        "manner": place.manner,
        "state": place.state,
        "location": place.location,
        "location_known": place.location is not None,
        "at_el_paso": bool(places.at_any(encounter, places.EL_PASO)),
        "at_mpp_2021_port": places.at_any(encounter, places.MPP_2021_PORTS),
        "arrived_from": arrived_from,
        "by_land_from_mexico": place.border == "southwest_land" and arrived_from == "MX",
        "from_mexico_southwest_or_coastal": place.border in {"southwest_land", "coastal"}
        and arrived_from == "MX",
        "at_port_of_entry": place.manner == "port_of_entry",
        "at_mpp_early_place": early,
        "mpp_2019_place_open": dt.date(2019, 6, 7) <= encounter.encountered_on < dt.date(2019, 11, 1)
        and not early,
        "nationalities": origin["nationalities"],
        "stateless": origin["stateless"],
        "last_habitual_residence": origin["last_habitual_residence"],
        "own_countries": origin["own_countries"],
        "stateless_in_aca_population_country": origin["stateless_in_aca_population_country"],
        "spanish_speaking_or_brazil_national": origin["spanish_speaking_or_brazil_national"],
        "spanish_speaking_latin_american_national": origin["spanish_speaking_latin_american_national"],
        "western_hemisphere_national": origin["western_hemisphere_national"],
        "central_american_national": origin["central_american_national"],
        "contiguous_country_national": origin["contiguous_country_national"],
        "age_at_encounter": age,
        "age_known": age is not None,
        "under_18": under_18,
        "adult_by_read_on": under_18 and age_read is not None and age_read >= 18,
        "parent_or_guardian_available": bool(
            family and (family.with_parent_or_legal_guardian or family.family_unit)
        ),
        "family_unit": bool(family and family.family_unit),
        "family_members": members,
        "family_members_listed": bool(members),
        "travels_with_family": bool(members) or bool(family and family.family_unit),
        "lawful_permanent_resident": lpr,
        "valid_us_visa": visa,
        "visa_exempt_entry": visa_exempt,
        "parole_travel_authorization": parole,
        "cbp_one_appointment": doc("cbp_one_appointment"),
        "lacks_entry_documents": not (lpr or visa or parole or visa_exempt),
        "metered_before": documents.metered_before if documents is not None else None,
        "third_countries_transited": origin["third_countries_transited"],
        "transited_third_country": origin["transited_third_country"],
        "transit_inferred": origin["transit_inferred"],
        "final_denial_in_transit_country": origin["final_denial_in_transit_country"],
        "pending_or_abandoned_claim_in_transit": origin["pending_or_abandoned_claim_in_transit"],
        "transited_only_non_parties": origin["transited_only_non_parties"],
        "transited_refugee_convention_party": origin["transited_refugee_convention_party"],
        "transited_country_not_in_treaty_table": origin["transited_country_not_in_treaty_table"],
        "transited_some_non_party": origin["transited_some_non_party"],
        "in_emergency_border_circumstances": in_period(at.instant),
        # Proclamation 10773 §3(b): "others excepted by officers for operational or humanitarian
        # reasons" — encounter v1 does not record it, so it is never established (flagged).
        "officer_operational_humanitarian_exception": False,
        "fear_countries": tuple(sorted({f.country for f in fear})),
        "fear_stated_countries": tuple(sorted({f.country for f in fear if f.affirmatively_stated})),
        "mltn_harm_in": tuple(findings.more_likely_than_not_harm_in or ()) if findings else (),
        "reasonable_possibility_harm_in": tuple(findings.reasonable_possibility_harm_in or ())
        if findings
        else (),
        "severe_trafficking_victim": found("severe_trafficking_victim"),
        "public_interest_exception": found("public_interest_exception"),
        "acute_medical_emergency": found("acute_medical_emergency"),
        "imminent_extreme_threat": found("imminent_extreme_threat"),
        "scheduling_obstacle": found("scheduling_obstacle"),
        "known_health_issue": found("known_health_issue"),
        "lgbtqi_risk_in_mexico": found("lgbtqi_risk_in_mexico"),
        "pregnant": found("pregnant"),
        "advanced_age": found("advanced_age"),
        "criminal_history": found("criminal_history"),
        "interest_to_government": found("interest_to_government"),
        "processed_for_expedited_removal": found("processed_for_expedited_removal"),
        "asylum_request_withdrawn": found("asylum_request_withdrawn"),
        "family_companions_read": 0,
    }
    for name in FAMILY_SHARED:
        facts[f"family_{name}"] = facts[name]
    return facts


def merge_companions(facts: dict[str, Any], companions: list[dict[str, Any]]) -> None:
    """Fold in the facts of family members travelling with the person (each listed in the other's
    ``family.members``): their 208.33 exceptions and rebuttal grounds count for the person."""
    me, mine = facts["encounter_id"], facts["family_members"]
    for other in companions:
        if other["encounter_id"] not in mine and me not in other["family_members"]:
            continue
        facts["family_companions_read"] += 1
        for name in FAMILY_SHARED:
            facts[f"family_{name}"] = bool(facts[f"family_{name}"] or other[name])


def _one_year_after(on: dt.date) -> dt.date:
    """The same day one year later (February 29 gives March 1)."""
    try:
        return on.replace(year=on.year + 1)
    except ValueError:
        return dt.date(on.year + 1, 3, 1)


# MPP before the whole-border extension of 2019-06-07 (flag 'mpp_rollout_2019'): place name
# fragments and the date MPP started there.
MPP_2019_EARLY_PLACES: tuple[tuple[str, dt.date], ...] = (
    ("san ysidro", dt.date(2019, 1, 28)),
    ("san diego", dt.date(2019, 1, 28)),
    ("calexico", dt.date(2019, 3, 1)),
    ("el centro", dt.date(2019, 3, 1)),
    ("el paso", dt.date(2019, 3, 1)),
)


def mpp_early_start(location: str | None) -> dt.date | None:
    """The first day MPP ran at this place before the whole-border extension (none: not one of
    the early places)."""
    where = (location or "").lower()
    return min((start for name, start in MPP_2019_EARLY_PLACES if name in where), default=None)


def _mpp_early_place(encounter: Encounter) -> bool:
    start = mpp_early_start(encounter.place.location)
    return start is not None and encounter.encountered_on >= start
