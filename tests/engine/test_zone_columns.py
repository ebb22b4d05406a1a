"""Local dates of instants from a table of a zone's offsets (``engine.zone_columns``) are the dates
Polars' own ``convert_time_zone`` gives, on random instants and on both sides of every change."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

from amparo.engine.zone_columns import (  # noqa: E402
    TABLE_END,
    TABLE_FIRST,
    hourly_offsets,
    local_date,
    local_time,
    offset_table,
)
from amparo.rules.us import places  # noqa: E402
from amparo.rules.us.dates import TIME_ZONE  # noqa: E402

#: The zones the US pack reads; one changing its offset off the whole hour of UTC (Kathmandu,
#: +05:45 from 1986-01-01 00:00 local); one with half-hour summer time (Lord Howe); zones whose
#: clocks change at local midnight, where an offset read an hour off gives another date (Havana,
#: Santiago, Beirut).
ZONES = sorted(
    {
        *places.ZONES,
        TIME_ZONE,
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "America/Havana",
        "America/Santiago",
        "Asia/Beirut",
        "UTC",
    }
)
_FIRST_US = int(TABLE_FIRST.timestamp()) * 1_000_000
_END_US = int(TABLE_END.timestamp()) * 1_000_000


def _expected_and_got(micros: list[int], zone: str) -> tuple[list[object], list[object]]:
    """Polars' own wall-clock times and dates in ``zone`` of the instants, and the table's."""
    frame = pl.DataFrame({"at": pl.Series(micros, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))})
    wall = pl.col("at").dt.convert_time_zone(zone).dt.replace_time_zone(None)
    expected = frame.select(wall, wall.dt.date().alias("day")).rows()
    got = frame.select(local_time(pl.col("at"), zone), local_date(pl.col("at"), zone).alias("day")).rows()
    return expected, got


@pytest.mark.parametrize("zone", ZONES)
def test_both_sides_of_every_change(zone: str) -> None:
    starts, _ = offset_table(zone)
    micros = [
        int(start) + step
        for start in starts
        for step in (-3_600_000_000, -1_000_000, -1, 0, 1, 1_000_000, 3_600_000_000)
        if _FIRST_US <= int(start) + step < _END_US
    ]
    expected, got = _expected_and_got(micros, zone)
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(_FIRST_US, _END_US - 1), min_size=1, max_size=200), st.sampled_from(ZONES))
def test_random_instants(micros: list[int], zone: str) -> None:
    expected, got = _expected_and_got(micros, zone)
    assert got == expected


def test_the_hourly_table_where_changes_fall_on_whole_hours() -> None:
    assert hourly_offsets(TIME_ZONE) is not None  # the table the US pack's eastern day reads
    assert hourly_offsets("Asia/Kathmandu") is None  # 1986-01-01 18:15 UTC: a sorted search
    table = hourly_offsets(TIME_ZONE)
    assert table is not None and len(table) == (TABLE_END - TABLE_FIRST) // dt.timedelta(hours=1)


def test_missing_instants_stay_missing() -> None:
    frame = pl.DataFrame({"at": pl.Series([None, 0], dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))})
    assert frame.select(local_date(pl.col("at"), TIME_ZONE)).to_series().to_list() == [
        None,
        dt.date(1969, 12, 31),
    ]


def test_the_us_pack_vouches_only_for_instants_the_table_covers() -> None:
    from amparo.rules.us import fact_columns

    assert TABLE_FIRST <= fact_columns._INSTANT_FIRST
    assert fact_columns._ZONE_RULES_END <= TABLE_END
