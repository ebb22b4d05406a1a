"""The US pack's dated tables: emergency border circumstances from daily figures, treaty parties
by accession date, the 2025 agreement records, and the 8 USC 1367 marker on a decision."""

from __future__ import annotations

import datetime as dt

from amparo.rules.us import US_PACK, law_book
from amparo.rules.us.agreements import RECORDS
from amparo.rules.us.emergency import PERIODS, in_period, periods_from_daily
from amparo.rules.us.treaties import any_party, in_table, refugee_party
from amparo.screening import screen

D = dt.date.fromisoformat
START = D("2024-06-05")


def _daily(*runs: tuple[int, int]) -> dict[dt.date, int]:
    """Daily figures from (days, encounters per day) runs starting six days before the start."""
    out: dict[dt.date, int] = {}
    day = START - dt.timedelta(days=6)
    for days, value in runs:
        for _ in range(days):
            out[day] = value
            day += dt.timedelta(days=1)
    return out


def test_circumstances_continue_while_the_average_stays_high() -> None:
    assert periods_from_daily(_daily((60, 3000))) == [(START, None)]


def test_ifr_ends_fourteen_days_after_the_average_falls_below_1500() -> None:
    # 7 high days before the start, 10 more high days, then low: the 7-day average first falls
    # below 1,500 on the day it covers four low days of 1,000 against three of 2,000 (day 17+3).
    daily = _daily((17, 2000), (40, 1000))
    periods = periods_from_daily(daily, method="ifr")
    assert len(periods) == 1
    first_low = min(
        d
        for d in daily
        if d >= START and sum(daily.get(d - dt.timedelta(days=k), 0) for k in range(7)) / 7 < 1500
    )
    assert periods[0] == (START, first_low + dt.timedelta(days=14))


def test_final_rule_needs_28_low_days_before_the_14_days_run() -> None:
    daily = _daily((10, 3000), (60, 1000))
    ifr_end = periods_from_daily(daily, method="ifr")[0][1]
    final_end = periods_from_daily(daily, method="final")[0][1]
    assert ifr_end is not None and final_end is not None
    assert final_end - ifr_end == dt.timedelta(days=27)


def test_circumstances_apply_again_at_2500() -> None:
    daily = _daily((10, 3000), (40, 1000), (20, 3000))
    periods = periods_from_daily(daily)
    assert len(periods) == 2
    assert periods[1][1] is None
    assert periods[1][0] > periods[0][1]  # type: ignore[operator]


def test_the_brief_periods_have_no_end() -> None:
    assert len(PERIODS) == 1 and PERIODS[0].end is None
    instant = dt.datetime(2024, 6, 5, 4, 0, tzinfo=dt.UTC)  # 00:00 EDT, a minute early
    assert not in_period(instant)
    assert in_period(instant + dt.timedelta(minutes=1))


def test_party_status_is_read_at_the_time_of_transit() -> None:
    assert refugee_party("MX", D("2019-01-01"))
    assert not refugee_party("MX", D("1999-01-01"))  # Mexico acceded in 2000 (recalled [M])
    assert not refugee_party("CU", D("2019-01-01"))
    assert any_party("CU", D("2019-01-01"))  # CAT
    assert not any_party("IN", D("2019-01-01"))
    assert not in_table("ZZ") and refugee_party("ZZ", D("2019-01-01"))


def test_2025_agreement_records_say_what_is_not_known() -> None:
    book = law_book()
    for instrument_id, record in RECORDS.items():
        assert instrument_id in book.instruments
        assert "aca_2025_unverified" in book.instruments[instrument_id].flags
        assert record.notes() == book.instruments[instrument_id].notes
    assert RECORDS["aca_guatemala_2025"].notice_period == "30 days"
    assert "unaccompanied minors" in RECORDS["aca_uganda_2025"].exceptions


def test_trafficking_victim_carries_the_1367_marker() -> None:
    document = {
        "id": "M-1",
        "encountered_on": "2020-01-10",
        "place": {"border": "southwest_land", "manner": "between_ports", "location": "El Paso"},
        "person": {"nationalities": ["HN"], "age": 30},
        "findings": {"severe_trafficking_victim": True},
    }
    out = screen(document, US_PACK).to_dict()
    assert [m["id"] for m in out["markers"]] == ["8_usc_1367"]
    assert out["markers"][0]["citation"] == "8 USC 1367"
    del document["findings"]
    assert "markers" not in screen(document, US_PACK).to_dict()
