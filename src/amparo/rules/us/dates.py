"""The US pack's calendar: its time zone, coverage and the instants its instruments name."""

from __future__ import annotations

import datetime as dt

from amparo.rules.rules_api import d, instant

#: Instruments of the US pack name their hours in US Eastern time.
TIME_ZONE = "America/New_York"

#: The earliest date the US pack answers for; earlier dates raise NoRuleInForce.
COVERAGE_START = d("2018-01-01")

#: The latest encounter date the US pack answers for: the one-year filing deadline it computes
#: (8 U.S.C. 1158(a)(2)(B), from the encounter) must still be a date amparo can write (years up to
#: 9999). A limit of the calendar, not of the law.
LAST_ENCOUNTER_DAY = dt.date(9998, 12, 31)

#: The date the US pack's content was last checked against the legal brief.
CURRENT_TO = d("2025-12-31")


def et(iso: str) -> dt.datetime:
    """An instant given in US Eastern time (daylight or standard as the date has it), ``YYYY-MM-DDTHH:MM``."""
    return instant(iso, TIME_ZONE)


#: The instants at which an instrument of the pack begins or ends at a stated hour, by name.
#: A date-only encounter is read at noon in the place's zone; when one of these falls on that
#: local day, the rules that use it raise the flag ``boundary_on_encounter_day``.
BOUNDARIES: dict[str, dt.datetime] = {
    # Title 42: implemented March 21, 2020 (no hour in the brief [M]; the day's start ET is used).
    "title42_start": et("2020-03-21T00:00"),
    # Title 42 ended, and the 2023 window opened, at 11:59 p.m. ET on May 11, 2023 (§3.4, §3.6).
    "title42_end": et("2023-05-11T23:59"),
    # The 2023 presumption's window closes at 11:59 p.m. ET on May 11, 2025 (8 CFR 208.33(a)(1)(i)).
    "lawful_pathways_end": et("2025-05-11T23:59"),
    # The 2024 limitation starts at 12:01 a.m. EDT on June 5, 2024 (Addendum [V]).
    "securing_border_start": et("2024-06-05T00:01"),
}
