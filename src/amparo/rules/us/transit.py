"""The third-country transit bar (8 CFR 208.13(c)(4)), read by adjudication date: the 2019 interim
rule through its injunction windows, the Al Otro Lado class, the vacatur, and the 2021 final rule.

Transit is read from ``route`` and, for a person who is not Mexican and arrived across the southern
land border from Mexico, inferred through Mexico (flag ``transit_inferred``); party status is read
at the time of each transit (:mod:`amparo.rules.us.treaties`).
"""

from __future__ import annotations

from amparo.rules.rules_api import FlagWhen, Rule, RuleException, RuleVersion, d, fact
from amparo.rules.us.dates import COVERAGE_START

IFR = "84 FR 33829"
TEXT = "8 CFR 208.13(c)(4)"
_covered = (
    (fact("encountered_on") >= d("2019-07-16"))
    & fact("border").eq("southwest_land")
    & fact("transited_third_country")
)
_EXCEPTIONS = (
    RuleException(
        "final_denial",
        "applied for protection in a transit country and received a final judgment denying it",
        "8 CFR 208.13(c)(4)(i)",
        fact("final_denial_in_transit_country"),
    ),
    RuleException(
        "trafficking_victim",
        "a victim of a severe form of trafficking in persons (8 CFR 214.11)",
        "8 CFR 208.13(c)(4)(ii)",
        fact("severe_trafficking_victim"),
    ),
    RuleException(
        "non_party_transit_only",
        "transited only countries not party to the 1951 Convention, the 1967 Protocol or the Convention against Torture",
        "8 CFR 208.13(c)(4)(iii)",
        fact("transited_only_non_parties"),
    ),
)
_AL_OTRO_LADO = RuleException(
    "al_otro_lado_class",
    "a non-Mexican member of the Al Otro Lado class, metered at a port of entry before 2019-07-16",
    "Al Otro Lado v. McAleenan, 423 F. Supp. 3d 848 (S.D. Cal. 2019)",
    (fact("metered_before") < d("2019-07-16")) & ~fact("nationalities").contains("MX"),
)
_FLAGS = (
    FlagWhen("transit_bar_uac", fact("unaccompanied_child"), ("applies",)),
    FlagWhen("transit_final_judgment", fact("pending_or_abandoned_claim_in_transit"), ("applies",)),
    FlagWhen(
        "treaty_party_table",
        fact("transited_country_not_in_treaty_table") | fact("transited_some_non_party"),
        ("applies", "excepted"),
    ),
    FlagWhen("transit_inferred", fact("transit_inferred"), ("applies", "excepted")),
)
_SUMMARY = (
    "A person entering across the southern land border on or after 2019-07-16 after transiting a third "
    "country is ineligible for asylum."
)


def _in_effect(
    version: str, start: str, end: str | None, *cites: str, al_otro_lado: bool = False
) -> RuleVersion:
    return RuleVersion(
        version=version,
        valid_from=d(start),
        valid_to=d(end) if end else None,
        status="in_effect",
        summary=_SUMMARY,
        citations=(IFR, TEXT, "8 CFR 208.30(e)(5)(iii)", *cites),
        applies=_covered,
        exceptions=(*_EXCEPTIONS, _AL_OTRO_LADO) if al_otro_lado else _EXCEPTIONS,
        value="transit_2019",
        flags=_FLAGS,
    )


TRANSIT_2019 = Rule(
    id="bar.transit_2019",
    title="Third-country transit bar",
    kind="asylum_bar",
    instrument="transit_rule_2019",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2019-07-16"),
            status="not_in_force",
            summary="The transit bar did not exist yet.",
            citations=(IFR,),
        ),
        _in_effect("ifr_2019", "2019-07-16", "2019-07-24"),
        RuleVersion(
            version="enjoined_nationwide",
            valid_from=d("2019-07-24"),
            valid_to=d("2019-08-16"),
            status="enjoined",
            summary="A nationwide preliminary injunction barred applying the transit bar.",
            citations=("East Bay Sanctuary Covenant v. Barr (N.D. Cal. 2019-07-24)",),
        ),
        RuleVersion(
            version="ninth_circuit_injunction",
            valid_from=d("2019-08-16"),
            valid_to=d("2019-09-09"),
            status="in_effect",
            summary=_SUMMARY
            + " The injunction covered the Ninth Circuit only (entries in California and Arizona).",
            citations=(IFR, TEXT, "East Bay Sanctuary Covenant v. Barr (9th Cir. 2019-08-16)"),
            applies=_covered & fact("state").is_set() & ~fact("state").is_in({"CA", "AZ"}),
            exceptions=_EXCEPTIONS,
            value="transit_2019",
            flags=(*_FLAGS, FlagWhen("transit_ninth_circuit_geography", _covered)),
        ),
        RuleVersion(
            version="enjoined_again",
            valid_from=d("2019-09-09"),
            valid_to=d("2019-09-11"),
            status="enjoined",
            summary="The district court restored the nationwide injunction.",
            citations=("Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019) (recital)",),
        ),
        _in_effect(
            "supreme_court_stay",
            "2019-09-11",
            "2019-11-19",
            "Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019)",
        ),
        _in_effect(
            "al_otro_lado",
            "2019-11-19",
            "2020-06-30",
            "Barr v. East Bay Sanctuary Covenant, 140 S. Ct. 3 (2019)",
            "Al Otro Lado v. McAleenan, 423 F. Supp. 3d 848 (S.D. Cal. 2019)",
            al_otro_lado=True,
        ),
        RuleVersion(
            version="vacated",
            valid_from=d("2020-06-30"),
            valid_to=d("2021-01-19"),
            status="vacated",
            summary="The interim rule was vacated; the transit bar could not be applied.",
            citations=(
                "CAIR Coalition v. Trump, 471 F. Supp. 3d 25 (D.D.C. 2020)",
                "East Bay Sanctuary Covenant v. Barr, 964 F.3d 832 (9th Cir. 2020)",
            ),
            flags=(FlagWhen("transit_vacatur_day", fact("as_of").eq(d("2020-06-30")) & _covered),),
        ),
        RuleVersion(
            version="final_rule_2021",
            valid_from=d("2021-01-19"),
            valid_to=d("2021-02-16"),
            status="in_effect",
            summary=_SUMMARY + " (final rule)",
            citations=("85 FR 82260", TEXT),
            applies=_covered,
            exceptions=_EXCEPTIONS,
            value="transit_2019",
            flags=(
                *_FLAGS,
                FlagWhen("transit_final_rule_2021_practice", fact("as_of").is_set(), ("applies",)),
            ),
        ),
        RuleVersion(
            version="enjoined_2021",
            valid_from=d("2021-02-16"),
            valid_to=None,
            status="enjoined",
            summary="The final rule was preliminarily enjoined nationwide and later ordered reviewed for rescission.",
            citations=("East Bay Sanctuary Covenant v. Barr II (N.D. Cal. 2021-02-16)", "EO 14010 §4"),
        ),
    ),
    not_applicable=None,
)

ENTRY_PROCLAMATION_2018 = Rule(
    id="bar.entry_proclamation_2018",
    title="Entry-proclamation bar",
    kind="asylum_bar",
    instrument="entry_proclamation_bar_2018",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2018-11-09"),
            status="not_in_force",
            summary="The bar did not exist yet.",
            citations=("8 CFR 208.13(c)(3)",),
        ),
        RuleVersion(
            version="never_operative",
            valid_from=d("2018-11-09"),
            valid_to=None,
            status="enjoined",
            summary="Enjoined within days of taking effect and later vacated: never operative.",
            citations=(
                "8 CFR 208.13(c)(3)",
                "East Bay Sanctuary Covenant v. Trump (N.D. Cal. 2018-11-19)",
                "O.A. v. Trump (D.D.C. 2019-08-02)",
            ),
            certainty="M",
        ),
    ),
    not_applicable=None,
)

RULES = (TRANSIT_2019, ENTRY_PROCLAMATION_2018)
