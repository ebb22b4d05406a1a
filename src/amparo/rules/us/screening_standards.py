"""The standard of the fear screening in expedited removal, and the 208.6 confidentiality marker."""

from __future__ import annotations

from amparo.rules.rules_api import TRUE, Case, Rule, RuleVersion, fact
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
                    "8 USC 1225(b)(1)(A)(i)",
                    "Holds documents for lawful admission: not in expedited removal.",
                ),
                Case(
                    fact("bar_securing_border_2024"),
                    "reasonable_probability",
                    "8 CFR 208.35(b)(2)(i)",
                    "Barred by the 2024 limitation: screened for a 'reasonable probability' of persecution or torture.",
                ),
                Case(
                    fact("bar_transit_2019") | fact("bar_lawful_pathways_2023"),
                    "reasonable_possibility",
                    "8 CFR 208.30(e)(5)(iii); 8 CFR 208.33(b)(2)(i); 8 CFR 208.31(c)",
                    "Barred from asylum: screened for withholding and CAT at a 'reasonable possibility'.",
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

RULES = (STANDARD, CONFIDENTIALITY)
