"""The standard of the fear screening in expedited removal, and the 208.6 confidentiality marker."""

from __future__ import annotations

from amparo.rules.rules_api import TRUE, Case, FlagWhen, Rule, RuleException, RuleVersion, fact
from amparo.rules.us.dates import COVERAGE_START

STANDARD = Rule(
    id="screening_standard",
    title="Standard of the protection (fear) screening",
    kind="standard",
    instrument="expedited_removal",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="current",
            valid_from=COVERAGE_START,
            valid_to=None,
            status="in_effect",
            summary="No bar applies: ordinary credible fear, a 'significant possibility' of establishing eligibility.",
            citations=("INA 235(b)(1)(B)(v)", "8 CFR 208.30(e)(2)-(3)"),
            value="significant_possibility",
            cases=(
                Case(
                    fact("title42_expulsion"),
                    None,
                    "CDC order under 42 USC 265, 268",
                    "Expelled under Title 42: no Title 8 fear screening.",
                ),
                Case(
                    fact("unaccompanied_child"),
                    None,
                    "8 USC 1232(a)(5)(D)",
                    "An unaccompanied child is placed in section 240 proceedings, not expedited removal.",
                ),
                Case(
                    fact("aca_removal"),
                    None,
                    "8 CFR 208.30(e)(7)(i)",
                    "Removable under an ACA after the threshold screening: no credible fear interview.",
                ),
                Case(
                    fact("asylum_request_withdrawn"),
                    None,
                    "8 CFR 208.30(e)(7)(i)",
                    "The asylum request was withdrawn: no fear screening.",
                ),
                Case(
                    ~fact("lacks_entry_documents"),
                    None,
                    "8 USC 1225(b)(1)",
                    "Holds documents for lawful admission: not in expedited removal, so no fear screening there.",
                ),
                Case(
                    fact("bar_securing_border_2024"),
                    "reasonable_probability",
                    "8 CFR 208.35(b)(2)(i)",
                    "Ineligible for asylum under the 2024 limitation: negative credible-fear finding on asylum, and "
                    "screening for withholding and CAT at a 'reasonable probability' of persecution or torture.",
                ),
                Case(
                    fact("bar_transit_2019") & fact("bar_lawful_pathways_2023"),
                    "reasonable_possibility",
                    "8 CFR 208.30(e)(5)(iii); 8 CFR 208.31(c); 8 CFR 208.33(b)(2)(i)",
                    "Barred by the transit bar and by the 2023 presumption: negative credible-fear finding on asylum, "
                    "and screening for withholding and CAT at a 'reasonable possibility'.",
                ),
                Case(
                    fact("bar_transit_2019"),
                    "reasonable_possibility",
                    "8 CFR 208.30(e)(5)(iii); 8 CFR 208.31(c)",
                    "Barred by the transit bar: negative credible-fear finding on asylum, and a reasonable-fear "
                    "screening for withholding and CAT ('reasonable possibility').",
                ),
                Case(
                    fact("bar_lawful_pathways_2023"),
                    "reasonable_possibility",
                    "8 CFR 208.33(b)(2)(i)",
                    "The 2023 presumption applies and is not rebutted: negative credible-fear finding on asylum, and "
                    "screening for withholding and CAT at a 'reasonable possibility'.",
                ),
            ),
        ),
    ),
    not_applicable=None,
)

CONFIDENTIALITY = Rule(
    id="confidentiality_208_6",
    title="Confidentiality of asylum information",
    kind="marker",
    instrument="confidentiality_208_6",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="2000",
            valid_from=COVERAGE_START,
            valid_to=None,
            status="in_effect",
            summary="This decision records a protection screening: its contents and the fact of a claim may not be disclosed "
            "without the applicant's written consent, except to US officials and courts under 208.6(c); never to the "
            "government of a country of nationality or feared persecution.",
            citations=("8 CFR 208.6", "8 CFR 1208.6"),
            applies=TRUE,
        ),
    ),
)

CONFIDENTIALITY_1367 = Rule(
    id="confidentiality_1367",
    title="Trafficking victim: T-visa referral and 8 USC 1367 confidentiality",
    kind="marker",
    instrument="confidentiality_1367",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="current",
            valid_from=COVERAGE_START,
            valid_to=None,
            status="in_effect",
            summary="A victim of a severe form of trafficking (8 CFR 214.11) is referred for a T visa; information "
            "about a T-visa applicant is confidential under 8 USC 1367, apart from and beside 8 CFR 208.6.",
            citations=("8 USC 1367", "8 CFR 214.11"),
            applies=fact("severe_trafficking_victim"),
            flags=(FlagWhen("confidentiality_1367", TRUE, ("applies",)),),
            certainty="M",
        ),
    ),
)

ONE_YEAR = Rule(
    id="one_year_deadline",
    title="One-year filing deadline for asylum",
    kind="deadline",
    instrument="ina_208_a_2",
    anchor="as_of",
    versions=(
        RuleVersion(
            version="statute",
            valid_from=COVERAGE_START,
            valid_to=None,
            status="in_effect",
            summary="An asylum application must be filed within one year of arrival (INA 208(a)(2)(B)); the "
            "deadline is counted from the encounter date, taken as the arrival.",
            citations=("8 USC 1158(a)(2)(B)",),
            applies=fact("one_year_deadline_on").is_set(),
            exceptions=(
                RuleException(
                    "unaccompanied_child",
                    "an unaccompanied alien child",
                    "8 USC 1158(a)(2)(E)",
                    fact("unaccompanied_child"),
                ),
            ),
            value=fact("one_year_deadline_on"),
            flags=(FlagWhen("one_year_arrival_date", TRUE, ("applies",)),),
        ),
    ),
    not_applicable=None,
)

RULES = (STANDARD, CONFIDENTIALITY, CONFIDENTIALITY_1367, ONE_YEAR)
