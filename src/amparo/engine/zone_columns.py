"""Local dates of instants in columns, read from a table of a time zone's offsets.

Polars' ``dt.convert_time_zone`` looks each instant up in the zone's rules (chrono-tz): 20 ms for
200,000 instants, a tenth of a batch chunk's facts. Between two changes of a zone's offset, the
local time is the instant plus one offset: the changes (a few hundred for 1800-2100) are found once
from Polars' own rules, so the dates are those ``convert_time_zone`` gives, and each instant reads
its offset from a table by UTC hour (2 ms for 200,000), or by a sorted search of the changes
where a zone changes off the whole hour.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from amparo.engine.columnar import polars_module

#: The instants the table covers; an instant outside is given the nearest end's offset (its row
#: is not vouched for by the packs, which read it one by one).
TABLE_FIRST = dt.datetime(1800, 1, 1, tzinfo=dt.UTC)
TABLE_END = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _offsets(instants: Any, zone: str) -> Any:
    """The zone's offset at each UTC instant (a Polars series), in microseconds."""
    naive = instants.dt.replace_time_zone(None)
    local = instants.dt.convert_time_zone(zone).dt.replace_time_zone(None)
    return (local - naive).dt.total_microseconds()


@cache
def offset_table(zone: str) -> tuple[Any, Any]:
    """``(starts, offsets)``: from each start (microseconds since the epoch, UTC, in order) until
    the next, ``zone`` is ``offset`` microseconds ahead of UTC, between :data:`TABLE_FIRST` and
    :data:`TABLE_END`. Found by reading the offset at every UTC midnight, then each change's
    instant to the microsecond by halving the day it falls in (a zone changes its offset at most
    once a day; ``tests/engine/test_zone_columns.py`` checks the dates against Polars' own)."""
    pl = polars_module()
    days = pl.datetime_range(TABLE_FIRST, TABLE_END, "1d", time_unit="us", time_zone="UTC", eager=True)
    offsets = _offsets(days, zone)
    changed = (offsets != offsets.shift(1)).fill_null(False)
    after = days.filter(changed).dt.epoch("us")
    low = after - 86_400_000_000  # the offset before the change holds here, the new one at ``after``
    high = after
    before = offsets.shift(1).filter(changed)
    # Halve every change's day at once (37 rounds to the microsecond).
    while len(low) and (high - low).max() > 1:
        middle = low + (high - low) // 2
        still = _offsets(middle.cast(pl.Datetime("us", "UTC")), zone) == before
        low = pl.select(pl.when(pl.lit(still)).then(pl.lit(middle)).otherwise(pl.lit(low))).to_series()
        high = pl.select(pl.when(pl.lit(still)).then(pl.lit(high)).otherwise(pl.lit(middle))).to_series()
    starts = pl.concat([days.head(1).dt.epoch("us"), high]).alias("start")
    values = pl.concat([offsets.head(1), offsets.filter(changed)]).alias("offset")
    return starts, values


_HOUR = 3_600_000_000  # microseconds


@cache
def hourly_offsets(zone: str) -> Any | None:
    """The zone's offset in seconds for every UTC hour from :data:`TABLE_FIRST` to
    :data:`TABLE_END` (2.6 million, 10.5 MB), where every change of :func:`offset_table` falls on a
    whole hour of UTC and is a whole number of seconds (New York's, which the US pack reads, among
    others); ``None`` otherwise."""
    pl = polars_module()
    starts, offsets = offset_table(zone)
    first = int(starts[0])
    if not (((starts - first) % _HOUR == 0).all() and (offsets % 1_000_000 == 0).all()):
        return None
    end = int(TABLE_END.timestamp()) * 1_000_000
    hours = (pl.concat([starts.slice(1), pl.Series([end])]) - starts) // _HOUR  # each offset's hours
    return (offsets // 1_000_000).cast(pl.Int32).repeat_by(hours).explode()


def local_time(instant: Any, zone: str) -> Any:
    """The wall-clock time in ``zone`` (naive, microseconds) of each instant of the expression
    ``instant`` (UTC), as ``instant.dt.convert_time_zone(zone).dt.replace_time_zone(None)`` gives
    it: the offset read from the table of the instant's UTC hour (:func:`hourly_offsets`), else
    found by a sorted search of the zone's changes."""
    pl = polars_module()
    micros = instant.dt.epoch("us")
    hourly = hourly_offsets(zone)
    if hourly is not None:
        first = int(TABLE_FIRST.timestamp()) * 1_000_000
        hour = ((micros - first) // _HOUR).clip(0, len(hourly) - 1)
        local = micros + pl.lit(hourly).gather(hour).cast(pl.Int64) * 1_000_000
    else:
        starts, offsets = offset_table(zone)
        at = (pl.lit(starts).search_sorted(micros, side="right").cast(pl.Int64) - 1).clip(0, len(starts) - 1)
        local = micros + pl.lit(offsets).gather(at)
    return local.cast(pl.Datetime("us"))


def local_date(instant: Any, zone: str) -> Any:
    """The date in ``zone`` of each instant (:func:`local_time`), as
    ``instant.dt.convert_time_zone(zone).dt.date()`` gives it (200,000 instants in New York: 15-17
    ms -> 2 ms through the hourly table)."""
    return local_time(instant, zone).dt.date()
