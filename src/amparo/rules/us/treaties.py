"""Who was party to the refugee instruments and the Convention against Torture, and since when.

The transit bar turns on party status **at the time of transit** (8 CFR 208.13(c)(4)(iii)); the
2023 presumption on travel through a country party to the 1951 Convention or the 1967 Protocol
(8 CFR 208.33(a)(1)(iii)). The brief confirms only that Mexico, Guatemala, El Salvador and Honduras
are parties (§3.1 [M]); every date below is recalled from the UN Treaty Collection (chapters V.2,
V.5 and IV.9), not verified in the brief, and the decision is flagged ``treaty_party_table``.

``refugee``: the earlier of the 1951 Convention and the 1967 Protocol; ``cat``: the Convention
against Torture. ``None``: not a party. :data:`UNDATED`: a party whose date is not recorded here
(taken as a party throughout the period amparo covers). A country missing from the table is
treated as a party to all three, and flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

D = dt.date.fromisoformat
#: A party whose accession date is not recorded (a party throughout amparo's coverage).
UNDATED: Final = dt.date.min


@dataclass(frozen=True)
class Parties:
    """Since when a country has been party to the refugee instruments and to the CAT."""

    refugee: dt.date | None
    cat: dt.date | None


SOURCE = "UN Treaty Collection, chapters V.2, V.5, IV.9 (recalled, not in the brief)"

TABLE: dict[str, Parties] = {
    # The transit corridor (dates recalled [M]).
    "MX": Parties(D("2000-06-07"), D("1986-01-23")),
    "GT": Parties(D("1983-09-22"), D("1990-01-05")),
    "SV": Parties(D("1983-04-28"), D("1996-06-17")),
    "HN": Parties(D("1992-03-23"), D("1996-12-05")),
    "NI": Parties(D("1980-03-28"), D("2005-07-05")),
    "CR": Parties(D("1978-03-28"), D("1993-11-11")),
    "PA": Parties(D("1978-08-02"), D("1987-08-24")),
    "CO": Parties(D("1961-10-10"), D("1987-12-08")),
    "EC": Parties(D("1955-08-17"), D("1988-03-30")),
    "VE": Parties(D("1986-09-19"), D("1991-07-29")),
    "BR": Parties(D("1960-11-16"), D("1989-09-28")),
    "US": Parties(D("1968-11-01"), D("1994-10-21")),
    "CA": Parties(D("1969-06-04"), D("1987-06-24")),
    # Not parties to the refugee instruments (the CAT status as recorded).
    "CU": Parties(None, D("1995-05-17")),
    "GY": Parties(None, D("1988-05-19")),
    "IN": Parties(None, None),
    "MY": Parties(None, None),
    "BT": Parties(None, None),
    "KP": Parties(None, None),
    "SG": Parties(None, None),
    **{c: Parties(None, UNDATED) for c in "PK BD NP LK ID SA AE QA KW OM JO LB SY IQ".split()},
    # Parties to all three, dates not recorded here.
    **{
        c: Parties(UNDATED, UNDATED)
        for c in (
            "PE BO CL AR UY PY DO HT JM BZ ES FR DE IT GB RU CN TR SN GH NG CM AO CD ET KE UG ER SO AF IR "
            "UZ KG TJ GE AM AZ RO MR TT BS SR"
        ).split()
    },
}


def refugee_party(country: str, on: dt.date) -> bool:
    """Party to the 1951 Convention or the 1967 Protocol on ``on`` (unknown countries: a party)."""
    parties = TABLE.get(country)
    return parties is None or (parties.refugee is not None and parties.refugee <= on)


def any_party(country: str, on: dt.date) -> bool:
    """Party to the Convention, the Protocol or the CAT on ``on`` (unknown countries: a party)."""
    parties = TABLE.get(country)
    if parties is None:
        return True
    return any(d is not None and d <= on for d in (parties.refugee, parties.cat))


def in_table(country: str) -> bool:
    return country in TABLE
