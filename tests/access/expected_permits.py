"""Expected permits, written by hand from the legal brief (sections 2.5-2.7 and 6) and the seeds,
independently of amparo.exchange (this file imports nothing from it).

Each row: agencies, roles, purposes, record types, first and last day (inclusive; None: open),
the fields the requester sees (ALL: every field), and what the record must show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

D = dt.date.fromisoformat
US = ("US-CBP", "US-USCIS", "US-ICE", "US-EOIR")
ALL = None
TRANSFER_FIELDS = frozenset(
    "given_names surnames birth_date age sex nationalities family documents claim_fact aca_transfer".split()
)

AGENCY_COUNTRY = {
    "US-CBP": "US",
    "US-USCIS": "US",
    "US-ICE": "US",
    "US-EOIR": "US",
    "GT-IGM": "GT",
    "SV-DGME": "SV",
    "HN-INM": "HN",
    "MX-INM": "MX",
    "UNHCR": None,
}


@dataclass(frozen=True)
class Row:
    agencies: tuple[str, ...]
    roles: frozenset[str]
    purposes: frozenset[str]
    types: frozenset[str]
    first: dt.date
    last: dt.date | None
    fields: frozenset[str] | None
    carries_claims: bool  # may the record be asylum-related?
    needs_transfer: bool = False  # ACA transfer scheduled to the agency's country
    needs_basis: bool = False  # consent or decision naming the agency or its country
    needs_consent: bool = False  # written consent naming the agency


ROWS: tuple[Row, ...] = (
    Row(
        US,
        frozenset({"officer", "supervisor", "admin", "analyst"}),
        frozenset(
            {
                "case_management",
                "adjudication",
                "fear_screening",
                "litigation_defense",
                "investigation",
                "aca_transfer",
            }
        ),
        frozenset({"encounter", "case", "decision", "case_package"}),
        D("2000-12-06"),
        None,
        ALL,
        True,
    ),
    Row(
        US,
        frozenset({"analyst", "officer", "supervisor", "admin"}),
        frozenset({"statistics"}),
        frozenset({"encounter", "case", "decision"}),
        D("2000-12-06"),
        None,
        frozenset({"age", "sex", "nationalities", "encountered_on", "border", "manner"}),
        True,
    ),
    Row(
        ("SV-DGME",),
        frozenset({"partner"}),
        frozenset({"law_enforcement"}),
        frozenset({"encounter"}),
        D("2019-09-01"),
        None,
        frozenset(
            {
                "given_names",
                "surnames",
                "birth_date",
                "sex",
                "nationalities",
                "biometrics",
                "criminal_history",
            }
        ),
        False,
    ),
    Row(
        ("GT-IGM",),
        frozenset({"partner"}),
        frozenset({"anti_trafficking", "anti_smuggling"}),
        frozenset({"encounter"}),
        D("2019-05-28"),
        None,
        frozenset(
            {
                "given_names",
                "surnames",
                "birth_date",
                "sex",
                "nationalities",
                "encountered_on",
                "border",
                "manner",
                "route",
            }
        ),
        False,
    ),
    Row(
        ("GT-IGM",),
        frozenset({"partner"}),
        frozenset({"aca_transfer"}),
        frozenset({"case", "case_package"}),
        D("2019-11-21"),
        D("2021-02-05"),
        TRANSFER_FIELDS,
        True,
        needs_transfer=True,
        needs_basis=True,
    ),
    Row(
        ("GT-IGM",),
        frozenset({"partner"}),
        frozenset({"aca_transfer"}),
        frozenset({"case", "case_package"}),
        D("2025-06-27"),
        None,
        TRANSFER_FIELDS,
        True,
        needs_transfer=True,
        needs_basis=True,
    ),
    Row(
        ("SV-DGME",),
        frozenset({"partner"}),
        frozenset({"aca_transfer"}),
        frozenset({"case", "case_package"}),
        D("2020-12-15"),
        D("2021-02-05"),
        TRANSFER_FIELDS,
        True,
        needs_transfer=True,
        needs_basis=True,
    ),
    Row(
        ("HN-INM",),
        frozenset({"partner"}),
        frozenset({"aca_transfer"}),
        frozenset({"case", "case_package"}),
        D("2020-12-15"),
        D("2021-02-05"),
        TRANSFER_FIELDS,
        True,
        needs_transfer=True,
        needs_basis=True,
    ),
    Row(
        ("UNHCR",),
        frozenset({"partner"}),
        frozenset({"protection_support"}),
        frozenset({"case", "case_package"}),
        D("2000-12-06"),
        None,
        frozenset(
            "given_names surnames birth_date age sex nationalities family claim_fact fear_claims".split()
        ),
        True,
        needs_consent=True,
    ),
)

PURPOSES = tuple(sorted({p for r in ROWS for p in r.purposes} | {"marketing"}))
BOUNDARIES = sorted({d for r in ROWS for d in (r.first, r.last) if d is not None})


@dataclass(frozen=True)
class Person:
    """A record's facts, in plain terms."""

    name: str
    nationalities: tuple[str, ...]
    feared: tuple[str, ...]
    asylum: bool
    transfer_to: str | None = None
    bases: tuple[tuple[str, str], ...] = ()  # (recipient, kind)


PEOPLE: tuple[Person, ...] = (
    Person(
        "hn_aca_gt_with_decision", ("HN",), ("HN",), True, "GT", (("GT", "decision"), ("UNHCR", "consent"))
    ),
    Person("sv_claimant", ("SV",), ("SV",), True),
    Person("hn_aca_gt_without_basis", ("HN",), ("HN",), True, "GT"),
    Person("gt_national_aca_gt", ("GT",), ("GT",), True, "GT", (("GT", "consent"),)),
    Person("sv_no_claim", ("SV",), (), False),
    Person("hn_no_claim", ("HN",), (), False),
    Person("unknown_nationality_aca_gt", (), ("HN",), True, "GT", (("GT-IGM", "consent"),)),
    Person("hn_fears_gt_aca_gt", ("HN",), ("GT",), True, "GT", (("GT", "decision"),)),
    Person("sv_aca_hn", ("SV",), ("SV",), True, "HN", (("HN", "decision"),)),
    Person("ni_aca_sv", ("NI",), ("NI",), True, "SV", (("SV-DGME", "decision"), ("UNHCR", "decision"))),
    Person("sv_hn_dual_aca_gt", ("SV", "HN"), ("SV",), True, "GT", (("GT", "consent"),)),
)


#: The purposes each role may invoke, written out here independently of amparo.access.policy.
ROLE_PURPOSES = {
    "officer": {"case_management", "adjudication", "fear_screening", "aca_transfer", "investigation", "statistics"},
    "supervisor": {
        "case_management", "adjudication", "fear_screening", "aca_transfer", "investigation",
        "litigation_defense", "statistics",
    },
    "admin": {"case_management", "litigation_defense", "statistics"},
    "analyst": {"statistics"},
    "partner": {"aca_transfer", "anti_smuggling", "anti_trafficking", "law_enforcement", "protection_support"},
}  # fmt: skip


def expected(
    agency: str, role: str, purpose: str, record_type: str, on: dt.date, person: Person
) -> tuple[bool, frozenset[str] | None]:
    """(permitted, fields) as the law and the configured allowances say."""
    country = AGENCY_COUNTRY[agency]
    if purpose not in ROLE_PURPOSES[role]:  # a role invokes only its purposes (issue 11)
        return False, frozenset()
    if person.asylum and country is not None:
        if country in person.nationalities or country in person.feared:
            return False, frozenset()
        if country != "US" and not person.nationalities:
            return False, frozenset()
    names = {agency, country}
    fields: set[str] = set()
    permitted = everything = False
    for row in ROWS:
        if agency not in row.agencies or role not in row.roles or purpose not in row.purposes:
            continue
        if record_type not in row.types or on < row.first or (row.last is not None and on > row.last):
            continue
        if person.asylum and not row.carries_claims:
            continue
        if row.needs_transfer and person.transfer_to != country:
            continue
        if row.needs_basis and not any(r in names for r, _ in person.bases):
            continue
        if row.needs_consent and not any(r in names and k == "consent" for r, k in person.bases):
            continue
        permitted = True
        if row.fields is None:
            everything = True
        else:
            fields |= row.fields
    if not permitted:
        return False, frozenset()
    return True, None if everything else frozenset(fields)
