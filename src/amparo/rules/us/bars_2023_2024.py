"""The 2023 lawful-pathways presumption (8 CFR 208.33) and the 2024 securing-the-border
limitation (8 CFR 208.35), read on the adjudication date; the instant of the entry is compared
with each rule's own instant (:data:`~amparo.rules.us.dates.BOUNDARIES`).

Family members travelling together (208.33(a)(2)(ii), (a)(3)): a travelling family member's
parole, appointment, final denial or exceptionally compelling circumstance excepts the person too.
Encounter v1 records each person in their own document, so the exceptions read this document and
the decision is flagged (``family_members_travelling``) whenever ``family.members`` names others,
for their documents to be read with it. Family unity (1208.33(c); 208.35(c)) is for the
adjudicator; it is flagged, never decided here.
"""

from __future__ import annotations

from amparo.rules.rules_api import FlagWhen, Rule, RuleException, RuleVersion, d, fact
from amparo.rules.us.dates import BOUNDARIES, COVERAGE_START

_TITLE42_END = BOUNDARIES["title42_end"]
_WINDOW_END = BOUNDARIES["lawful_pathways_end"]
_LIMITATION_START = BOUNDARIES["securing_border_start"]
_family_flags = (
    FlagWhen(
        "family_members_travelling",
        fact("family_members_listed") & fact("family_companions_read").eq(0),
        ("applies",),
    ),
    FlagWhen("family_unity", fact("travels_with_family"), ("applies",)),
)
_compelling = (
    RuleException(
        "acute_medical_emergency",
        "the person or a family member travelling with them faced an acute medical emergency",
        "8 CFR 208.33(a)(3)(i)(A)",
        fact("family_acute_medical_emergency"),
    ),
    RuleException(
        "imminent_extreme_threat",
        "the person or a family member travelling with them faced an imminent and extreme threat to life or safety",
        "8 CFR 208.33(a)(3)(i)(B)",
        fact("family_imminent_extreme_threat"),
    ),
    RuleException(
        "trafficking_victim",
        "the person or a family member travelling with them was a victim of a severe form of trafficking in persons",
        "8 CFR 208.33(a)(3)(i)(C)",
        fact("family_severe_trafficking_victim"),
    ),
)

LAWFUL_PATHWAYS_2023 = Rule(
    id="bar.lawful_pathways_2023",
    title="Lawful-pathways rebuttable presumption",
    kind="asylum_bar",
    instrument="lawful_pathways_2023",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2023-05-11"),
            status="not_in_force",
            summary="The presumption did not exist yet.",
            citations=("88 FR 31314",),
        ),
        RuleVersion(
            version="2023",
            valid_from=d("2023-05-11"),
            valid_to=None,
            status="in_effect",
            summary="A person who entered from Mexico at the southwest land or adjacent coastal border without documents, "
            "after Title 42 ended and before 2025-05-12, after travelling through a country party to the 1951 "
            "Convention or 1967 Protocol, is presumed ineligible for asylum.",
            citations=("8 CFR 208.33(a)(1)", "8 CFR 208.33(b)", "88 FR 31314", "89 FR 81284"),
            applies=(fact("encountered_instant") >= _TITLE42_END)
            & (fact("encountered_instant") < _WINDOW_END)
            & fact("from_mexico_southwest_or_coastal")
            & fact("lacks_entry_documents")
            & fact("transited_refugee_convention_party"),
            exceptions=(
                RuleException(
                    "unaccompanied_child",
                    "an unaccompanied child at entry",
                    "8 CFR 208.33(a)(2)(i)",
                    fact("unaccompanied_child"),
                ),
                RuleException(
                    "parole_process",
                    "the person or a family member travelling with them was authorised to travel to seek parole "
                    "under a DHS-approved process",
                    "8 CFR 208.33(a)(2)(ii)(A)",
                    fact("family_parole_travel_authorization"),
                ),
                RuleException(
                    "scheduled_appointment",
                    "the person or a family member travelling with them presented at a port of entry at a "
                    "pre-scheduled time and place",
                    "8 CFR 208.33(a)(2)(ii)(B)",
                    fact("family_cbp_one_appointment") & fact("at_port_of_entry"),
                ),
                RuleException(
                    "scheduling_obstacle",
                    "the person or a family member travelling with them presented at a port of entry and could "
                    "not use the scheduling system (language barrier, "
                    "illiteracy, significant technical failure or other serious obstacle)",
                    "8 CFR 208.33(a)(2)(ii)(B)",
                    fact("family_scheduling_obstacle") & fact("at_port_of_entry"),
                ),
                RuleException(
                    "final_denial",
                    "the person or a family member travelling with them sought protection in a transit country "
                    "and received a final decision denying it",
                    "8 CFR 208.33(a)(2)(ii)(C)",
                    fact("family_final_denial_in_transit_country"),
                ),
                *_compelling,
                RuleException(
                    "minor_principal_after_window",
                    "under 18 at entry and applying as a principal after 2025-05-11",
                    "8 CFR 208.33(c)(2)",
                    fact("under_18") & (fact("as_of") > d("2025-05-11")),
                ),
            ),
            value="lawful_pathways_2023",
            flags=(
                FlagWhen("lawful_pathways_litigation", fact("as_of").is_set(), ("applies",)),
                FlagWhen(
                    "lawful_pathways_principal",
                    fact("under_18") & (fact("as_of") > d("2025-05-11")),
                    ("excepted",),
                ),
                FlagWhen(
                    "boundary_on_encounter_day",
                    fact("boundaries_on_day").intersects({"title42_end", "lawful_pathways_end"}),
                ),
                FlagWhen("transit_inferred", fact("transit_inferred"), ("applies", "excepted")),
                *_family_flags,
                FlagWhen(
                    "treaty_party_table",
                    fact("transited_country_not_in_treaty_table") | fact("transited_some_non_party"),
                    ("applies", "excepted"),
                ),
            ),
        ),
    ),
    not_applicable=None,
)

_PROCLAMATION = "Proclamation 10773 §3(b)"
_OFFICER = RuleException(
    "officer_exception",
    "excepted by officers for operational or humanitarian reasons",
    _PROCLAMATION,
    fact("officer_operational_humanitarian_exception"),
    certainty="M",
)
_limitation_exceptions = (
    RuleException(
        "lawful_permanent_resident",
        "a lawful permanent resident",
        _PROCLAMATION,
        fact("lawful_permanent_resident"),
        certainty="M",
    ),
    RuleException(
        "unaccompanied_child",
        "an unaccompanied child",
        _PROCLAMATION,
        fact("unaccompanied_child"),
        certainty="M",
    ),
    RuleException(
        "lawful_permission",
        "holds a valid visa or other lawful permission to enter",
        _PROCLAMATION,
        fact("valid_us_visa") | fact("parole_travel_authorization") | fact("visa_exempt_entry"),
        certainty="M",
    ),
    RuleException(
        "scheduled_appointment",
        "presented at a port of entry at a pre-scheduled time and place",
        _PROCLAMATION,
        fact("cbp_one_appointment") & fact("at_port_of_entry"),
        certainty="M",
    ),
    RuleException(
        "trafficking_victim_proclamation",
        "a victim of a severe form of trafficking in persons",
        _PROCLAMATION,
        fact("severe_trafficking_victim"),
        certainty="M",
    ),
    _OFFICER,
    RuleException(
        "acute_medical_emergency",
        "faced an acute medical emergency",
        "8 CFR 208.35(a)(2)(i)(A)",
        fact("acute_medical_emergency"),
    ),
    RuleException(
        "imminent_extreme_threat",
        "faced an imminent and extreme threat to life or safety",
        "8 CFR 208.35(a)(2)(i)(B)",
        fact("imminent_extreme_threat"),
    ),
    RuleException(
        "trafficking_victim",
        "a victim of a severe form of trafficking in persons",
        "8 CFR 208.35(a)(2)(i)(C)",
        fact("severe_trafficking_victim"),
    ),
)
_limitation_flags = (
    FlagWhen("securing_border_period", fact("as_of").is_set(), ("applies",)),
    FlagWhen("securing_border_officer_exception", fact("as_of").is_set(), ("applies",)),
    FlagWhen("securing_border_las_americas", fact("as_of") >= d("2025-01-01"), ("applies",)),
    FlagWhen(
        "proclamation_10888",
        (fact("encountered_on") >= d("2025-01-20")) & fact("from_mexico_southwest_or_coastal"),
    ),
    FlagWhen("boundary_on_encounter_day", fact("boundaries_on_day").intersects({"securing_border_start"})),
    FlagWhen("family_unity", fact("travels_with_family"), ("applies",)),
)
_limitation_applies = (
    (fact("encountered_instant") >= _LIMITATION_START)
    & fact("in_emergency_border_circumstances")
    & fact("from_mexico_southwest_or_coastal")
)
_LIMITATION = (
    "A person who entered across the southern border during emergency border circumstances, and is not "
    "excepted, is ineligible for asylum."
)

SECURING_BORDER_2024 = Rule(
    id="bar.securing_border_2024",
    title="Securing-the-border limitation on asylum eligibility",
    kind="asylum_bar",
    instrument="securing_border_2024",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2024-06-05"),
            status="not_in_force",
            summary="The limitation did not exist yet.",
            citations=("89 FR 48710",),
            flags=(
                FlagWhen(
                    "boundary_on_encounter_day",
                    fact("boundaries_on_day").intersects({"securing_border_start"}),
                ),
            ),
        ),
        RuleVersion(
            version="ifr_2024",
            valid_from=d("2024-06-05"),
            valid_to=d("2024-10-01"),
            status="in_effect",
            summary=_LIMITATION,
            citations=(
                "8 CFR 208.35(a)",
                "8 CFR 208.35(b)",
                "8 CFR 208.13(g)",
                "89 FR 48710",
                "Proclamation 10773",
            ),
            applies=_limitation_applies,
            exceptions=_limitation_exceptions,
            value="securing_border_2024",
            flags=_limitation_flags,
        ),
        RuleVersion(
            version="final_2024",
            valid_from=d("2024-10-01"),
            valid_to=None,
            status="in_effect",
            summary=_LIMITATION,
            citations=(
                "8 CFR 208.35(a)",
                "8 CFR 208.35(b)",
                "8 CFR 208.13(g)",
                "FR Doc. 2024-22602",
                "Proclamation 10773",
            ),
            applies=_limitation_applies,
            exceptions=_limitation_exceptions,
            value="securing_border_2024",
            flags=_limitation_flags,
        ),
    ),
    not_applicable=None,
)

RULES = (LAWFUL_PATHWAYS_2023, SECURING_BORDER_2024)
