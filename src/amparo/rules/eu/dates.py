"""The EU pack's calendar: the dates that bound it and the day the AMMR takes over."""

from __future__ import annotations

from amparo.rules.rules_api import d

#: The pack reads calendar dates only; the zone dates "today" for the case store's clocks.
TIME_ZONE = "Europe/Brussels"

#: Dublin III applies to applications lodged from 1 January 2014 (Reg. 604/2013 Art. 49) [M: not
#: in the legal brief]. Earlier applications fell under Dublin II, which this pack does not hold.
COVERAGE_START = d("2014-01-01")

#: The date the pack's content was last checked against its sources (the legal brief, cut-off
#: late 2025, and shared/spec/eu/README.md). Decisions read after it carry a currency flag.
CURRENT_TO = d("2025-12-31")

#: The AMMR applies from 1 July 2026 (Reg. 2024/1351 Art. 85) [V per brief §7.3]; applications
#: registered before it stay under Dublin III (Art. 84(2)) [V].
AMMR_APPLIES_FROM = d("2026-07-01")
