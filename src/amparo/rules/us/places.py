"""Where an encounter happened, as the US rules need it: the place's time zone (for reading a date
alone at noon there), and the stations and ports that operational limits name.

Place names are matched on lower-case fragments of ``place.location``; a place whose location is
not given is *unknown* (``None``), never assumed to be one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from amparo.encounter import Encounter

#: Zones of the southern border, west to east (a date-only encounter whose zone is not known is
#: checked against all of them for rule boundaries falling on that day).
SOUTHERN_BORDER_ZONES = ("America/Los_Angeles", "America/Phoenix", "America/Denver", "America/Chicago")

_STATE_ZONE = {
    "CA": "America/Los_Angeles",
    "AZ": "America/Phoenix",
    "NM": "America/Denver",
    "TX": "America/Chicago",
    "FL": "America/New_York",
    "NY": "America/New_York",
    "WA": "America/Los_Angeles",
}
# Locations whose zone differs from their state's, or that name no state.
_LOCATION_ZONE = (
    (("el paso", "santa teresa", "hudspeth"), "America/Denver"),
    (("san diego", "san ysidro", "otay", "calexico", "el centro", "tecate"), "America/Los_Angeles"),
    (("tucson", "nogales", "yuma", "douglas", "lukeville", "san luis"), "America/Phoenix"),
    (
        (
            "laredo",
            "eagle pass",
            "del rio",
            "brownsville",
            "rio grande valley",
            "mcallen",
            "hidalgo",
            "big bend",
        ),
        "America/Chicago",
    ),
)

#: Every zone :func:`place_zone` can give.
ZONES = tuple(sorted({*_STATE_ZONE.values(), *(name for _, name in _LOCATION_ZONE)}))

#: MPP 2021 (the court-ordered reimplementation of Dec. 2021): its seven ports (brief §4.4).
MPP_2021_PORTS = (
    "san diego",
    "san ysidro",
    "calexico",
    "nogales",
    "el paso",
    "eagle pass",
    "laredo",
    "brownsville",
)

#: The El Paso Border Patrol station, where the Guatemala ACA's first phase was run (brief §2.5).
EL_PASO = ("el paso",)


def _matches(where: str, names: Iterable[str]) -> bool:
    return any(name in where for name in names)


def place_zone(encounter: Encounter) -> str | None:
    """The IANA zone of the place of the encounter, when the location or state says it."""
    return _zone(encounter.place.location, encounter.place.state)


@cache
def _zone(location: str | None, state: str | None) -> str | None:
    if location is not None:
        where = location.lower()
        for names, name in _LOCATION_ZONE:
            if _matches(where, names):
                return name
    return _STATE_ZONE.get(state) if state else None


def at_any(encounter: Encounter, names: tuple[str, ...]) -> bool | None:
    """Whether the location is one of ``names`` (``None`` when no location is given)."""
    return _at(encounter.place.location, names)


@cache
def _at(location: str | None, names: tuple[str, ...]) -> bool | None:
    return None if location is None else _matches(location.lower(), names)
