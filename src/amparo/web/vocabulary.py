"""Words the pages show that come from data, not from templates: case states, roles, event kinds,
rule statuses, summary values and the encounter v1 choices. Listed here so that the catalogue
extraction (``pybabel extract``) finds them; each is translated where it is shown."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


VOCABULARY = (
    # case states (every pack's workflow)
    N_("intake"),
    N_("screened"),
    N_("aca_threshold_interview"),
    N_("supervisor_concurrence"),
    N_("transfer_scheduled"),
    N_("transferred"),
    N_("excepted"),
    N_("credible_fear"),
    N_("mpp"),
    N_("section_240"),
    N_("closed"),
    # roles
    N_("officer"),
    N_("supervisor"),
    N_("analyst"),
    N_("admin"),
    N_("partner"),
    # rule statuses
    N_("in_effect"),
    N_("implemented"),
    N_("not_implemented"),
    N_("not_in_force"),
    N_("enjoined"),
    N_("stayed"),
    N_("vacated"),
    N_("suspended"),
    N_("terminated"),
    N_("unverified"),
    # instrument events
    N_("signed"),
    N_("published"),
    N_("effective"),
    N_("in_force"),
    N_("expanded"),
    N_("resumed"),
    N_("narrowed"),
    N_("rescinded"),
    N_("ratified"),
    N_("reported"),
    # summary values and keys
    N_("significant_possibility"),
    N_("reasonable_possibility"),
    N_("reasonable_probability"),
    N_("transit_2019"),
    N_("lawful_pathways_2023"),
    N_("securing_border_2024"),
    N_("title42_expulsion"),
    N_("unaccompanied_child"),
    N_("aca_removal_to"),
    N_("asylum_bars"),
    N_("mpp_amenable"),
    N_("protection_screening_standard"),
    # encounter v1 choices
    N_("southwest_land"),
    N_("northern_land"),
    N_("coastal"),
    N_("air"),
    N_("interior"),
    N_("port_of_entry"),
    N_("between_ports"),
    N_("none"),
    N_("pending"),
    N_("abandoned"),
    N_("denied_final"),
    N_("granted"),
    # identity reviews, transfer decisions, claim verdicts, charts
    N_("review_open"),
    N_("review_link"),
    N_("review_distinct"),
    N_("plan_accepted"),
    N_("plan_edited"),
    N_("plan_rejected"),
    N_("verdict_true"),
    N_("verdict_false"),
    N_("verdict_not_checkable"),
    N_("monthly_cap_people"),
    N_("shelter_places"),
    N_("shelter_stay_days"),
    N_("adjudicators"),
    N_("decisions_per_year"),
    N_("chart_series_by_citizenship"),
    N_("chart_series_by_demographic"),
    N_("chart_year_on_year"),
    N_("chart_pathways_h2b"),
)
