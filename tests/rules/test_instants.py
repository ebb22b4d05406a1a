"""How an instant is formed (engine) and how the US pack honours its hour boundaries: the same
moment written in any southern-border zone or in UTC gives the same outcome; a date alone is read
at noon in the place's zone and flagged when a boundary falls on that day."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_strategies import encounters

from amparo.engine.instants import boundaries_on, date_in, moment_of
from amparo.rules.us import US_PACK
from amparo.rules.us.dates import BOUNDARIES
from amparo.screening import screen

UTC = dt.UTC
#: Southern-border places, one per zone, with the state the place is in.
PLACES = {
    "America/Los_Angeles": ("San Ysidro", "CA"),
    "America/Phoenix": ("Nogales", "AZ"),
    "America/Denver": ("El Paso", "TX"),
    "America/Chicago": ("Laredo", "TX"),
}
#: Each boundary, the rule and summary key it decides, and the value just after it.
AFTER = {
    "title42_start": ("title42_expulsion", True),
    "title42_end": ("title42_expulsion", False),
    "securing_border_start": ("asylum_bars", ["lawful_pathways_2023", "securing_border_2024"]),
    "lawful_pathways_end": ("asylum_bars", ["securing_border_2024"]),
}


def _doc(local: dt.datetime, zone_name: str, *, with_time: bool = True) -> dict[str, Any]:
    location, state = PLACES[zone_name]
    doc: dict[str, Any] = {
        "id": "T",
        "encountered_on": local.date().isoformat(),
        "place": {
            "border": "southwest_land",
            "manner": "between_ports",
            "location": location,
            "state": state,
            "arrived_from": "MX",
        },
        "person": {"nationalities": ["HN"], "age": 30},
        "route": [{"country": "GT"}, {"country": "MX"}],
    }
    if with_time:
        doc["encountered_at"] = local.isoformat(timespec="seconds")
    return doc


def test_moment_with_time_is_that_instant_whatever_the_zone() -> None:
    at = dt.datetime(2024, 6, 4, 23, 30, tzinfo=ZoneInfo("America/Chicago"))
    moment = moment_of(dt.date(2024, 6, 4), at, "America/New_York")
    assert moment.time_known
    assert moment.instant == at.astimezone(UTC)
    assert date_in(moment.instant, "America/New_York") == dt.date(2024, 6, 5)


def test_a_date_alone_is_noon_in_the_places_zone() -> None:
    moment = moment_of(dt.date(2024, 6, 5), None, "America/Denver")
    assert not moment.time_known
    assert moment.instant == dt.datetime(2024, 6, 5, 18, 0, tzinfo=UTC)  # noon MDT


def test_moment_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="offset"):
        moment_of(dt.date(2024, 6, 5), dt.datetime(2024, 6, 5, 1, 0), "America/Denver")


def test_boundaries_on_a_local_day() -> None:
    boundary = BOUNDARIES["securing_border_start"]  # 00:01 EDT June 5 = 23:01 CDT June 4
    assert boundaries_on(dt.date(2024, 6, 4), ["America/Chicago"], [boundary]) == (boundary,)
    assert boundaries_on(dt.date(2024, 6, 5), ["America/Chicago"], [boundary]) == ()
    assert boundaries_on(dt.date(2024, 6, 5), ["America/New_York"], [boundary]) == (boundary,)


@pytest.mark.parametrize("zone_name", sorted(PLACES))
@pytest.mark.parametrize("boundary", sorted(AFTER))
def test_every_southern_border_zone_honours_a_boundary_the_same_way(zone_name: str, boundary: str) -> None:
    key, after = AFTER[boundary]
    instant = BOUNDARIES[boundary]
    outcomes = {}
    for label, moment in (
        ("before", instant - dt.timedelta(minutes=2)),
        ("after", instant + dt.timedelta(minutes=2)),
    ):
        local = moment.astimezone(ZoneInfo(zone_name))
        summary = screen(_doc(local, zone_name), US_PACK).summary
        utc = _doc(local, zone_name)
        utc["encountered_at"] = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        assert screen(utc, US_PACK).summary == summary, (zone_name, boundary, label)
        outcomes[label] = summary[key]
    assert outcomes["after"] == after, (zone_name, boundary)
    assert outcomes["before"] != after, (zone_name, boundary)


@pytest.mark.parametrize("zone_name", sorted(PLACES))
def test_a_date_alone_on_a_boundary_day_is_read_at_noon_and_flagged(zone_name: str) -> None:
    # The 2024 limitation starts at 12:01 a.m. EDT on June 5: June 5 at noon anywhere is inside it.
    day = dt.datetime(2024, 6, 5, 12, 0, tzinfo=ZoneInfo(zone_name))
    decision = screen(_doc(day, zone_name, with_time=False), US_PACK)
    assert "securing_border_2024" in decision.summary["asylum_bars"]
    flagged = "boundary_on_encounter_day" in {f["id"] for f in decision.flags}
    # The boundary falls on June 5 only where the day is US Eastern's; west of it, on June 4.
    assert not flagged
    before = screen(_doc(day - dt.timedelta(days=1), zone_name, with_time=False), US_PACK)
    assert "securing_border_2024" not in before.summary["asylum_bars"]
    assert "boundary_on_encounter_day" in {f["id"] for f in before.flags}


def test_title42_end_day_without_time_is_flagged_and_expelled() -> None:
    day = dt.datetime(2023, 5, 11, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
    decision = screen(_doc(day, "America/Chicago", with_time=False), US_PACK)
    assert decision.summary["title42_expulsion"] is True
    assert "boundary_on_encounter_day" in {f["id"] for f in decision.flags}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    encounters(),
    st.sampled_from(["America/Los_Angeles", "America/Phoenix", "America/Denver", "America/Chicago", "UTC"]),
)
def test_an_outcome_does_not_change_with_the_zone_a_moment_is_written_in(
    document: dict[str, Any], zone_name: str
) -> None:
    if "encountered_at" not in document:
        return
    moment = dt.datetime.fromisoformat(document["encountered_at"].replace("Z", "+00:00"))
    rewritten = dict(
        document, encountered_at=moment.astimezone(ZoneInfo(zone_name)).isoformat(timespec="seconds")
    )
    first = screen(document, US_PACK).to_dict()
    again = screen(rewritten, US_PACK).to_dict()
    assert first["summary"] == again["summary"]
    assert [f["id"] for f in first["flags"]] == [f["id"] for f in again["flags"]]
