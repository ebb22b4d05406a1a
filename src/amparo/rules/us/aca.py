"""Asylum Cooperative Agreements: the threshold screening of 8 CFR 208.30(e)(7) and 1240.11(h),
one rule per agreement, each with its implementation history (read on the screening date).

Default form: a person arriving on or after 2019-11-19 in a population for whom the agreement was
being implemented on the screening date is *amenable* to a transfer to the receiving country —
DHS may initiate the threshold screening (a discretionary trigger, brief §2.3) — unless one of the
exceptions holds (the two deemed ones of 208.30(e)(7)(iii), the statutory one for unaccompanied
children, the agreement's own, or a "more likely than not" finding for the receiving country).

Operational limits the brief makes clear are encoded: the first phase (2019-11-21 to 2019-12-12)
ran for single adults of Honduras and El Salvador processed at the El Paso Border Patrol station;
Mexicans were called "amenable" from the USCIS email of 2020-01-04. What it leaves open is flagged
(other stations, stateless persons habitually resident in a population's country, a child who
turns 18 before the threshold screening).
"""

from __future__ import annotations

from amparo.engine.law import Certainty
from amparo.rules.rules_api import FALSE, Case, Expr, FlagWhen, Rule, RuleException, RuleVersion, d, fact
from amparo.rules.us.dates import COVERAGE_START

IFR = "84 FR 63994"
THRESHOLD = "8 CFR 208.30(e)(7)"
IJ = "8 CFR 1240.11(h)"
_arrived_under_ifr = fact("encountered_on") >= d("2019-11-19")
_adult_alone = ~fact("under_18") & ~fact("family_unit")
_stateless_flag = FlagWhen("aca_stateless_population", fact("stateless_in_aca_population_country"))
_turns_18_flag = FlagWhen("uac_turns_18", fact("unaccompanied_child") & fact("adult_by_read_on"))


def _exceptions(country: str, *extra: RuleException) -> tuple[RuleException, ...]:
    return (
        RuleException(
            "own_country",
            f"{country} is the person's country of nationality (or, for a stateless person, of last habitual residence)",
            "8 CFR 208.30(e)(7)(iii)(A); INA 208(a)(2)(A)",
            fact("own_countries").contains(country),
        ),
        RuleException(
            "unaccompanied_child",
            "an unaccompanied alien child",
            "INA 208(a)(2)(E), 8 USC 1158(a)(2)(E)",
            fact("unaccompanied_child"),
        ),
        *extra,
        RuleException(
            "public_interest",
            "the USCIS Director found it in the public interest that the person receive asylum in the US",
            "8 CFR 208.30(e)(7)(iii)(B); INA 208(a)(2)(A)",
            fact("public_interest_exception"),
        ),
        RuleException(
            "more_likely_than_not_harm",
            f"persecution on a protected ground or torture in {country} found more likely than not",
            "8 CFR 208.30(e)(7)(ii); 8 CFR 1240.11(h)(2)(iii)",
            fact("mltn_harm_in").contains(country),
        ),
        RuleException(
            "withdrawal",
            "the person voluntarily withdrew the asylum request (removed to the home country instead)",
            "8 CFR 208.30(e)(7)(i)",
            fact("asylum_request_withdrawn"),
        ),
    )


_GT_VISA = RuleException(
    "visa_holder",
    "arrived with a valid US visa or from a visa-exempt country (as reported of the agreement)",
    "Guatemala ACA (EFE summary); 8 CFR 1240.11(h)(2)(ii)",
    fact("valid_us_visa") | fact("visa_exempt_entry"),
    certainty="U",
)
_GT_FLAGS = (
    FlagWhen("aca_operational_place", ~fact("at_el_paso"), ("applies",)),
    _stateless_flag,
    _turns_18_flag,
    FlagWhen("aca_al_otro_lado", fact("metered_before").is_set(), ("applies",)),
    FlagWhen("aca_visa_holder_exception", fact("valid_us_visa") | fact("visa_exempt_entry"), ("excepted",)),
)


def _operative(
    version: str,
    start: str,
    end: str,
    summary: str,
    population: Expr,
    *cites: str,
    extra_flags: tuple[FlagWhen, ...] = (),
    certainty: Certainty = "V",
) -> RuleVersion:
    return RuleVersion(
        version=version,
        valid_from=d(start),
        valid_to=d(end),
        status="implemented",
        summary=summary,
        citations=(IFR, THRESHOLD, IJ, "84 FR 64095", *cites),
        applies=_arrived_under_ifr & population,
        exceptions=_exceptions("GT", _GT_VISA),
        value="GT",
        flags=(
            *_GT_FLAGS,
            *extra_flags,
            FlagWhen("aca_mexicans_amenable", fact("nationalities").contains("MX"), ("applies",)),
        ),
        certainty=certainty,
    )


_hn_sv = fact("nationalities").intersects({"HN", "SV"})

ACA_GUATEMALA_2019 = Rule(
    id="aca.guatemala_2019",
    title="ACA transfer to Guatemala (2019 agreement): amenability",
    kind="agreement",
    instrument="aca_guatemala_2019",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="not_operational",
            valid_from=COVERAGE_START,
            valid_to=d("2019-11-21"),
            status="not_in_force",
            summary="The Guatemala ACA was not yet being implemented (signed 2019-07-26; first transfer 2019-11-21).",
            citations=("84 FR 64095", "Reuters/VOA 2019-11-21"),
            flags=(FlagWhen("aca_gt_entry_into_force", _arrived_under_ifr),),
        ),
        RuleVersion(
            version="phase_1_el_paso",
            valid_from=d("2019-11-21"),
            valid_to=d("2019-12-12"),
            status="implemented",
            summary="First phase: the Guatemala ACA was being implemented for single adults of Honduras and El "
            "Salvador processed at the El Paso Border Patrol station.",
            citations=(IFR, THRESHOLD, IJ, "84 FR 64095", "Reuters/VOA 2019-11-21"),
            applies=_arrived_under_ifr & _hn_sv & _adult_alone & fact("at_el_paso"),
            exceptions=_exceptions("GT", _GT_VISA),
            value="GT",
            flags=(
                FlagWhen(
                    "aca_first_phase_place",
                    _arrived_under_ifr & _hn_sv & _adult_alone & ~fact("location_known"),
                ),
                FlagWhen("aca_al_otro_lado", fact("metered_before").is_set(), ("applies",)),
                FlagWhen(
                    "aca_visa_holder_exception",
                    fact("valid_us_visa") | fact("visa_exempt_entry"),
                    ("excepted",),
                ),
                _stateless_flag,
                _turns_18_flag,
            ),
        ),
        _operative(
            "families",
            "2019-12-12",
            "2020-01-04",
            "The Guatemala ACA was being implemented for adults and families of Honduras and El Salvador.",
            _hn_sv,
            "AP 2019-12-12",
        ),
        _operative(
            "mexicans",
            "2020-01-04",
            "2020-03-16",
            "The Guatemala ACA was being implemented for adults and families of Honduras and El Salvador; from "
            "the USCIS email of 2020-01-04 Mexican nationals were called 'amenable' (no transfer of a Mexican "
            "was confirmed).",
            _hn_sv | fact("nationalities").contains("MX"),
            "AP 2019-12-12",
            "USCIS email and DHS statement, Jan. 2020",
        ),
        RuleVersion(
            version="suspended",
            valid_from=d("2020-03-16"),
            valid_to=d("2021-02-06"),
            status="suspended",
            summary="Transfers to Guatemala were suspended on 2020-03-16 (COVID-19) and never resumed.",
            citations=("HRW/RI, Deportation with a Layover (2020-05-19)", "State Dept. statement 2021-02-06"),
        ),
        RuleVersion(
            version="terminated",
            valid_from=d("2021-02-06"),
            valid_to=None,
            status="terminated",
            summary="The US suspended the Guatemala ACA and gave notice of termination on 2021-02-06.",
            citations=("State Dept. statement 2021-02-06", "EO 14010 §4"),
        ),
    ),
    not_applicable=None,
)


def _never_implemented(
    rule_id: str, title: str, instrument: str, country: str, in_force: str, cite: str
) -> Rule:
    return Rule(
        id=rule_id,
        title=title,
        kind="agreement",
        instrument=instrument,
        anchor="as_of",
        versions=(
            RuleVersion(
                version="not_in_force",
                valid_from=COVERAGE_START,
                valid_to=d(in_force),
                status="not_in_force",
                summary=f"The {title} was not in force.",
                citations=(cite,),
            ),
            RuleVersion(
                version="in_force_not_implemented",
                valid_from=d(in_force),
                valid_to=d("2021-02-06"),
                status="not_implemented",
                summary=f"The {title} was in force but never implemented: no population was amenable.",
                citations=(cite, "State Dept. statement 2021-02-06"),
                applies=FALSE,
                exceptions=_exceptions(country),
                value=country,
                flags=(
                    FlagWhen(
                        "aca_sv_hn_in_force", _arrived_under_ifr & ~fact("own_countries").contains(country)
                    ),
                ),
            ),
            RuleVersion(
                version="terminated",
                valid_from=d("2021-02-06"),
                valid_to=None,
                status="terminated",
                summary=f"The US suspended the {title} and gave notice of termination on 2021-02-06.",
                citations=("State Dept. statement 2021-02-06",),
            ),
        ),
        not_applicable=None,
    )


def _unverified_2025(rule_id: str, title: str, instrument: str, start: str, cite: str, covers: Expr) -> Rule:
    return Rule(
        id=rule_id,
        title=title,
        kind="agreement",
        instrument=instrument,
        anchor="as_of",
        versions=(
            RuleVersion(
                version="not_in_force",
                valid_from=COVERAGE_START,
                valid_to=d(start),
                status="not_in_force",
                summary=f"The {title} did not exist yet.",
                citations=(cite,),
            ),
            RuleVersion(
                version="reported",
                valid_from=d(start),
                valid_to=None,
                status="unverified",
                summary=f"The {title} is reported; its legal basis and the populations it is implemented for are not verified, "
                "so nobody is treated as removable under it.",
                citations=(cite, "8 CFR 208.30(e)(7)"),
                flags=(FlagWhen("aca_2025_unverified", covers & ~fact("unaccompanied_child")),),
            ),
        ),
        not_applicable=None,
    )


ACA_RULES = (
    ACA_GUATEMALA_2019,
    _never_implemented(
        "aca.el_salvador_2019",
        "El Salvador ACA (2019 agreement)",
        "aca_el_salvador_2019",
        "SV",
        "2020-12-15",
        "85 FR 83597",
    ),
    _never_implemented(
        "aca.honduras_2019",
        "Honduras ACA (2019 agreement)",
        "aca_honduras_2019",
        "HN",
        "2020-03-01",
        "85 FR 25462",
    ),
    _unverified_2025(
        "aca.guatemala_2025",
        "Guatemala arrangement of 2025",
        "aca_guatemala_2025",
        "2025-06-27",
        "Diario Oficial de Guatemala 2025-07-16",
        fact("central_american_national") & ~fact("nationalities").contains("GT"),
    ),
    _unverified_2025(
        "aca.honduras_2025",
        "Honduras agreement of 2025",
        "aca_honduras_2025",
        "2025-06-26",
        "DHS announcement 2025-06-26",
        fact("spanish_speaking_latin_american_national") & ~fact("nationalities").contains("HN"),
    ),
    _unverified_2025(
        "aca.paraguay_2025",
        "Paraguay agreement of 2025",
        "aca_paraguay_2025",
        "2025-08-15",
        "Reports of 2025-08-15",
        ~fact("nationalities").contains("PY"),
    ),
    _unverified_2025(
        "aca.uganda_2025",
        "Uganda agreement of 2025",
        "aca_uganda_2025",
        "2025-08-21",
        "AllAfrica/Reuters 2025-08-21",
        ~fact("nationalities").contains("UG") & ~fact("criminal_history"),
    ),
)

_NO_IJ = "EOIR PM 20-04"
REVIEW = Rule(
    id="aca.review",
    title="Review of an ACA threshold determination",
    kind="procedure",
    instrument="aca_rule_2019",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="before",
            valid_from=COVERAGE_START,
            valid_to=d("2019-11-19"),
            status="not_in_force",
            summary="The ACA rule was not yet in force.",
            citations=(IFR,),
        ),
        RuleVersion(
            version="pm_20_04",
            valid_from=d("2019-11-19"),
            valid_to=d("2021-05-14"),
            status="in_effect",
            summary="No ACA threshold determination is to be reviewed.",
            citations=("8 CFR 208.30(e)(8)", _NO_IJ),
            value=None,
            cases=(
                Case(
                    fact("aca_removal"),
                    "supervisor_concurrence_no_ij_review",
                    "8 CFR 208.30(e)(7)(i); 8 CFR 208.30(e)(8); EOIR PM 20-04",
                    "A negative threshold determination is not final until a supervisory asylum officer concurs; "
                    "immigration judges were told they have no jurisdiction to review it (EOIR PM 20-04). In "
                    "section 240 proceedings the judge decides under 8 CFR 1240.11(h) and enters alternate removal "
                    "orders where more than one agreement applies.",
                ),
            ),
        ),
        RuleVersion(
            version="pm_21_21",
            valid_from=d("2021-05-14"),
            valid_to=None,
            status="in_effect",
            summary="No ACA threshold determination is to be reviewed.",
            citations=("8 CFR 208.30(e)(8)", "EOIR PM 21-21"),
            value=None,
            cases=(
                Case(
                    fact("aca_removal"),
                    "supervisor_concurrence",
                    "8 CFR 208.30(e)(7)(i); 8 CFR 208.30(e)(8); EOIR PM 21-21",
                    "A negative threshold determination is not final until a supervisory asylum officer concurs; "
                    "EOIR PM 21-21 rescinded PM 20-04 (no-review memo) on 2021-05-14.",
                ),
            ),
        ),
    ),
    not_applicable=None,
)

RULES = (*ACA_RULES, REVIEW)
