"""The named facts the US rules read, extracted from one encounter v1 document.

Every fact is a scalar, a date/instant or a tuple of country codes, so the same names can be
columns in a batch evaluator. Findings absent from the document are false ("not established").
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from amparo.encounter import Encounter

EASTERN = ZoneInfo("America/New_York")

# Parties to the 1951 Convention and/or 1967 Protocol (refugee) and to the Convention against
# Torture, as recalled from the UN Treaty Collection (flag 'treaty_party_table'); the brief
# confirms MX, GT, SV, HN. A country missing here is treated as a party to all three.
NOT_REFUGEE_CONVENTION_PARTY = frozenset(
    {
        "CU",
        "GY",
        "IN",
        "PK",
        "BD",
        "NP",
        "LK",
        "MY",
        "ID",
        "SA",
        "AE",
        "QA",
        "KW",
        "OM",
        "JO",
        "LB",
        "SY",
        "IQ",
    }
)
NOT_CAT_PARTY = frozenset({"IN", "MY", "BT", "KP", "SG"})
TREATY_TABLE = (
    NOT_REFUGEE_CONVENTION_PARTY
    | NOT_CAT_PARTY
    | frozenset(
        {
            "MX",
            "GT",
            "SV",
            "HN",
            "NI",
            "CR",
            "PA",
            "CO",
            "VE",
            "EC",
            "PE",
            "BR",
            "BO",
            "CL",
            "AR",
            "UY",
            "PY",
            "DO",
            "HT",
            "JM",
            "BZ",
            "CA",
            "US",
            "ES",
            "FR",
            "DE",
            "IT",
            "GB",
            "RU",
            "CN",
            "TR",
            "SN",
            "GH",
            "NG",
            "CM",
            "AO",
            "CD",
            "ET",
            "KE",
            "UG",
            "ER",
            "SO",
            "AF",
            "IR",
            "UZ",
            "KG",
            "TJ",
            "GE",
            "AM",
            "AZ",
            "RO",
            "MR",
            "TT",
            "BS",
            "SR",
        }
    )
)

SPANISH_SPEAKING_OR_BRAZIL = frozenset(
    {
        "AR",
        "BO",
        "BR",
        "CL",
        "CO",
        "CR",
        "CU",
        "DO",
        "EC",
        "SV",
        "GT",
        "HN",
        "MX",
        "NI",
        "PA",
        "PY",
        "PE",
        "UY",
        "VE",
        "ES",
        "GQ",
    }
)
WESTERN_HEMISPHERE = frozenset(
    {
        "AG",
        "AR",
        "BS",
        "BB",
        "BZ",
        "BO",
        "BR",
        "CA",
        "CL",
        "CO",
        "CR",
        "CU",
        "DM",
        "DO",
        "EC",
        "SV",
        "GD",
        "GT",
        "GY",
        "HT",
        "HN",
        "JM",
        "MX",
        "NI",
        "PA",
        "PY",
        "PE",
        "KN",
        "LC",
        "VC",
        "SR",
        "TT",
        "US",
        "UY",
        "VE",
    }
)
CENTRAL_AMERICA = frozenset({"BZ", "CR", "SV", "GT", "HN", "NI", "PA"})

# MPP before the whole-border extension of 2019-06-07 (flag 'mpp_rollout_2019'): place name
# fragments and the date MPP started there.
MPP_2019_EARLY_PLACES: tuple[tuple[str, dt.date], ...] = (
    ("san ysidro", dt.date(2019, 1, 28)),
    ("san diego", dt.date(2019, 1, 28)),
    ("calexico", dt.date(2019, 3, 1)),
    ("el centro", dt.date(2019, 3, 1)),
    ("el paso", dt.date(2019, 3, 1)),
)


def age_at_encounter(encounter: Encounter) -> int | None:
    """Age in whole years on the encounter date (from the birth date when known, else the stated age)."""
    born = encounter.person.birth_date
    if born is not None:
        on = encounter.encountered_on
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return encounter.person.age


def _instant(encounter: Encounter) -> dt.datetime:
    if encounter.encountered_at is not None:
        return encounter.encountered_at.astimezone(EASTERN)
    return dt.datetime.combine(encounter.encountered_on, dt.time(0, 0), EASTERN)


def _mpp_early_place(encounter: Encounter) -> bool:
    where = (encounter.place.location or "").lower()
    return any(name in where and encounter.encountered_on >= start for name, start in MPP_2019_EARLY_PLACES)


def extract_facts(encounter: Encounter, as_of: dt.date) -> dict[str, Any]:
    """The facts of one encounter, named as the rules read them."""
    person, place = encounter.person, encounter.place
    documents, findings = encounter.documents, encounter.findings
    family = encounter.family
    nationalities = tuple(person.nationalities)
    origin = frozenset(nationalities) | (
        {person.last_habitual_residence} if person.last_habitual_residence else set()
    )
    route = encounter.route or []
    third = tuple(step.country for step in route if step.country not in origin)
    third_steps = [step for step in route if step.country not in origin]
    age = age_at_encounter(encounter)
    arrived_from = place.arrived_from or ("MX" if place.border == "southwest_land" else None)
    fear = encounter.fear_claims or []

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
    return {
        "encountered_on": encounter.encountered_on,
        "encountered_instant": _instant(encounter),
        "time_known": encounter.encountered_at is not None,
        "as_of": as_of,
        "border": place.border,
        "manner": place.manner,
        "state": place.state,
        "location": place.location,
        "arrived_from": arrived_from,
        "by_land_from_mexico": place.border == "southwest_land" and arrived_from == "MX",
        "from_mexico_southwest_or_coastal": place.border in {"southwest_land", "coastal"}
        and arrived_from == "MX",
        "at_port_of_entry": place.manner == "port_of_entry",
        "at_mpp_early_place": _mpp_early_place(encounter),
        "nationalities": nationalities,
        "stateless": not nationalities,
        "last_habitual_residence": person.last_habitual_residence,
        "own_countries": tuple(sorted(origin)),
        "spanish_speaking_or_brazil_national": bool(set(nationalities) & SPANISH_SPEAKING_OR_BRAZIL),
        "western_hemisphere_national": bool(set(nationalities) & WESTERN_HEMISPHERE),
        "central_american_national": bool(set(nationalities) & CENTRAL_AMERICA),
        "age_at_encounter": age,
        "age_known": age is not None,
        "under_18": age is not None and age < 18,
        "parent_or_guardian_available": bool(
            family and (family.with_parent_or_legal_guardian or family.family_unit)
        ),
        "family_unit": bool(family and family.family_unit),
        "lawful_permanent_resident": lpr,
        "valid_us_visa": visa,
        "visa_exempt_entry": visa_exempt,
        "parole_travel_authorization": parole,
        "cbp_one_appointment": doc("cbp_one_appointment"),
        "lacks_entry_documents": not (lpr or visa or parole or visa_exempt),
        "metered_before": documents.metered_before if documents is not None else None,
        "third_countries_transited": third,
        "transited_third_country": bool(third),
        "final_denial_in_transit_country": any(s.protection_claim == "denied_final" for s in third_steps),
        "pending_or_abandoned_claim_in_transit": any(
            s.protection_claim in {"pending", "abandoned"} for s in third_steps
        ),
        "transited_only_non_parties": bool(third)
        and all(c in NOT_REFUGEE_CONVENTION_PARTY and c in NOT_CAT_PARTY for c in third),
        "transited_refugee_convention_party": any(c not in NOT_REFUGEE_CONVENTION_PARTY for c in third),
        "transited_country_not_in_treaty_table": any(c not in TREATY_TABLE for c in third),
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
    }
