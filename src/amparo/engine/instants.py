"""How an instant is formed from what a document says, the one way for every law pack.

A rule that turns on an hour (an order that ends at 11:59 p.m., a rule effective at 12:01 a.m.)
compares the moment of an event with the instrument's own instant. The moment is formed here:

- a local time given with its offset is that instant, whatever zone it is written in;
- a date alone is read at **noon** in the zone of the place (the pack says which zone a place is
  in): a rule in force for most of that day applies, and the decision is flagged whenever a
  boundary of a rule it used falls on that day (:func:`boundaries_on`).

Dates a rule is read on follow the pack's own zone (:func:`date_in`): the day an instant falls on
where the instrument names its hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

NOON = dt.time(12, 0)


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (cached)."""
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class Moment:
    """When something happened: the instant, the local date it was recorded on, and whether the
    hour was known (``False``: the instant is noon of ``local_date`` in ``zone_name``)."""

    instant: dt.datetime
    local_date: dt.date
    zone_name: str
    time_known: bool


@lru_cache(maxsize=8192)
def moment_of(on: dt.date, at: dt.datetime | None, zone_name: str) -> Moment:
    """The moment of an event recorded on the local date ``on``, at ``at`` when its time is known.

    ``at`` must carry its offset (an aware datetime); without it the event is read at noon of
    ``on`` in ``zone_name`` (the zone of the place).
    """
    if at is not None:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("an instant needs its offset or zone")
        return Moment(at.astimezone(dt.UTC), on, zone_name, True)
    noon = dt.datetime.combine(on, NOON, zone(zone_name))
    return Moment(noon.astimezone(dt.UTC), on, zone_name, False)


def date_in(instant: dt.datetime, zone_name: str) -> dt.date:
    """The calendar date ``instant`` falls on in ``zone_name``."""
    return instant.astimezone(zone(zone_name)).date()


def day_span(on: dt.date, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the local day ``on`` in ``zone_name`` and the first of the next day."""
    tz = zone(zone_name)
    start = dt.datetime.combine(on, dt.time(0, 0), tz)
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(0, 0), tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def boundaries_on(
    on: dt.date, zone_names: Iterable[str], boundaries: Iterable[dt.datetime]
) -> tuple[dt.datetime, ...]:
    """The boundary instants that fall on the local day ``on`` in any of ``zone_names`` (several
    zones when the place's zone is not known)."""
    spans = [day_span(on, name) for name in zone_names]
    return tuple(sorted(b for b in boundaries if any(start <= b < end for start, end in spans)))
