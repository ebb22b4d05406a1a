"""Migrant Protection Protocols ("Remain in Mexico"): the 2019, 2021 and 2025 versions, read on the
encounter date, with their exclusions and non-refoulement standards (8 USC 1225(b)(2)(C)).
"""

from __future__ import annotations

from amparo.rules.rules_api import FlagWhen, Rule, RuleException, RuleVersion, d, fact
from amparo.rules.us.dates import COVERAGE_START

BASIS = "8 USC 1225(b)(2)(C)"
PRINCIPLES = "CBP MPP Guiding Principles (2019-01-28)"
GUIDANCE_2021 = "DHS MPP guidance (Dec. 2021)"
_arrives_by_land = fact("by_land_from_mexico") & fact("lacks_entry_documents")

_EXCLUSIONS_2019 = (
    RuleException(
        "unaccompanied_child", "an unaccompanied alien child", PRINCIPLES, fact("unaccompanied_child")
    ),
    RuleException(
        "mexican_national",
        "a citizen or national of Mexico",
        PRINCIPLES,
        fact("nationalities").contains("MX"),
    ),
    RuleException(
        "nationality_practice",
        "not a national of a Spanish-speaking country or Brazil (MPP was applied to them in practice)",
        PRINCIPLES,
        ~fact("spanish_speaking_or_brazil_national"),
        certainty="U",
    ),
    RuleException(
        "expedited_removal",
        "already processed for expedited removal",
        PRINCIPLES,
        fact("processed_for_expedited_removal"),
    ),
    RuleException(
        "known_health_issue", "known physical or mental health issues", PRINCIPLES, fact("known_health_issue")
    ),
    RuleException(
        "criminal_history", "criminal history or history of violence", PRINCIPLES, fact("criminal_history")
    ),
    RuleException(
        "interest_to_government",
        "of interest to the Government of Mexico or of the US",
        PRINCIPLES,
        fact("interest_to_government"),
    ),
    RuleException(
        "more_likely_than_not_harm_in_mexico",
        "more likely than not to face persecution or torture in Mexico",
        f"{PRINCIPLES}; USCIS PM-602-0169",
        fact("mltn_harm_in").contains("MX"),
    ),
)
_FLAGS_2019 = (
    FlagWhen("mpp_nationality_practice", ~fact("spanish_speaking_or_brazil_national"), ("excepted",)),
)
_SUMMARY_2019 = (
    "MPP 2019: a person arriving by land from Mexico who is not clearly admissible may be returned to Mexico "
    "pending section 240 proceedings (DHS discretion); non-refoulement screening only on an affirmatively "
    "stated fear, 'more likely than not'."
)

MPP = Rule(
    id="mpp",
    title="Migrant Protection Protocols",
    kind="processing_track",
    instrument="mpp",
    anchor="encountered_on",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2019-01-28"),
            status="not_in_force",
            summary="MPP had not started.",
            citations=(PRINCIPLES,),
        ),
        RuleVersion(
            version="2019_rollout",
            valid_from=d("2019-01-28"),
            valid_to=d("2019-06-07"),
            status="in_effect",
            summary=_SUMMARY_2019
            + " Before 2019-06-07 only at San Ysidro/San Diego, then Calexico and El Paso.",
            citations=(BASIS, PRINCIPLES, "DHS memo 2019-01-25"),
            applies=_arrives_by_land & fact("at_mpp_early_place"),
            exceptions=_EXCLUSIONS_2019,
            flags=(*_FLAGS_2019, FlagWhen("mpp_rollout_2019", fact("by_land_from_mexico"))),
        ),
        RuleVersion(
            version="2019",
            valid_from=d("2019-06-07"),
            valid_to=d("2021-01-21"),
            status="in_effect",
            summary=_SUMMARY_2019,
            citations=(BASIS, PRINCIPLES, "US–Mexico Joint Declaration (2019-06-07)"),
            applies=_arrives_by_land,
            exceptions=_EXCLUSIONS_2019,
            flags=(*_FLAGS_2019, FlagWhen("mpp_rollout_2019", fact("mpp_2019_place_open"), ("applies",))),
        ),
        RuleVersion(
            version="suspended_2021",
            valid_from=d("2021-01-21"),
            valid_to=d("2021-12-06"),
            status="suspended",
            summary="New MPP enrollments were suspended (2021-01-21), MPP was terminated (2021-06-01) and not yet reimplemented.",
            citations=(
                "DHS statement 2021-01-20",
                "DHS memo 2021-06-01",
                "Texas v. Biden (N.D. Tex. 2021-08-13)",
            ),
        ),
        RuleVersion(
            version="2021",
            valid_from=d("2021-12-06"),
            valid_to=d("2022-08-08"),
            status="in_effect",
            summary="MPP 2021 (court-ordered reimplementation): Western Hemisphere nationals other than Mexicans arriving by "
            "land from Mexico, at San Diego, Calexico, Nogales, El Paso, Eagle Pass, Laredo or Brownsville, may be "
            "returned to Mexico pending section 240 proceedings (DHS discretion); DHS asks about fear of Mexico; "
            "'reasonable possibility' standard; access to counsel.",
            citations=(BASIS, GUIDANCE_2021, "Texas v. Biden (N.D. Tex. 2021-08-13)"),
            applies=_arrives_by_land
            & fact("western_hemisphere_national")
            & ~fact("at_mpp_2021_port").eq(False),
            exceptions=(
                RuleException(
                    "unaccompanied_child",
                    "an unaccompanied alien child",
                    GUIDANCE_2021,
                    fact("unaccompanied_child"),
                ),
                RuleException(
                    "mexican_national",
                    "a citizen or national of Mexico",
                    GUIDANCE_2021,
                    fact("nationalities").contains("MX"),
                ),
                RuleException(
                    "expedited_removal",
                    "already processed for expedited removal",
                    BASIS,
                    fact("processed_for_expedited_removal"),
                ),
                RuleException("pregnant", "pregnant", GUIDANCE_2021, fact("pregnant"), certainty="M"),
                RuleException("advanced_age", "of advanced age", GUIDANCE_2021, fact("advanced_age")),
                RuleException(
                    "known_health_issue",
                    "known physical or mental health issues",
                    GUIDANCE_2021,
                    fact("known_health_issue"),
                ),
                RuleException(
                    "lgbtqi_risk",
                    "at increased risk in Mexico because of sexual orientation or gender identity",
                    GUIDANCE_2021,
                    fact("lgbtqi_risk_in_mexico"),
                ),
                RuleException(
                    "reasonable_possibility_harm_in_mexico",
                    "a reasonable possibility of persecution or torture in Mexico",
                    GUIDANCE_2021,
                    fact("reasonable_possibility_harm_in").contains("MX")
                    | fact("mltn_harm_in").contains("MX"),
                ),
            ),
            flags=(
                FlagWhen("mpp_2021_pregnancy", fact("pregnant")),
                FlagWhen("mpp_2021_ports", ~fact("location_known"), ("applies",)),
            ),
        ),
        RuleVersion(
            version="ended_2022",
            valid_from=d("2022-08-08"),
            valid_to=d("2025-01-21"),
            status="terminated",
            summary="MPP enrollments ended after Biden v. Texas and the lifting of the injunction.",
            citations=("Biden v. Texas, 597 U.S. 785 (2022)", "N.D. Tex. order and DHS statement 2022-08-08"),
        ),
        RuleVersion(
            version="2025",
            valid_from=d("2025-01-21"),
            valid_to=None,
            status="in_effect",
            summary=_SUMMARY_2019 + " Reinstated 2025-01-21; returns depend on Mexico accepting them.",
            citations=(BASIS, "EO 14165 §6", "DHS statement 2025-01-21", PRINCIPLES),
            applies=_arrives_by_land,
            exceptions=_EXCLUSIONS_2019,
            flags=(*_FLAGS_2019, FlagWhen("mpp_2025_implementation", fact("by_land_from_mexico"))),
            certainty="U",
        ),
    ),
)

RULES = (MPP,)
