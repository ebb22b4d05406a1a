"""Named facts of an EU application, read on the date the criteria look at (``reference_date``).

The facts are findings the criteria rules read: which State each criterion would name, if any.
The periods that decide whether a document or an entry still counts differ by framework; they
are set out in :data:`WINDOWS` with their articles. The terms follow shared/spec/eu/README.md §3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from amparo.rules.eu.document import Application, FamilyMember, ResidenceOrVisa
from amparo.rules.rules_api import PeriodUnit, add_period


@dataclass(frozen=True)
class Windows:
    """How long documents and entries keep counting under one framework."""

    residence_expired: tuple[int, PeriodUnit]  # a residence document expired less than this ago
    visa_expired: tuple[int, PeriodUnit]  # a visa expired less than this ago
    crossing_months: int  # an irregular crossing counts while REF <= crossing + this
    sar_months: int | None  # a SAR disembarkation counts on its own (None: read as a crossing)
    clock_from_registration: bool  # the request clock L runs from registration (else lodging)


WINDOWS = {
    # Dublin III Art. 12(4) (2 years / 6 months) [M]; Art. 13(1) 12 months [V]; Art. 21(1) from lodging [V].
    "dublin_iii": Windows((2, "years"), (6, "months"), 12, None, clock_from_registration=False),
    # AMMR Art. 29(4) (3 years / 18 months) [M, flag eu_ammr_expired_documents]; Art. 33(1) 20 months,
    # Art. 33(2) 12 months [V]; Art. 39(1) from registration [V].
    "ammr": Windows((3, "years"), (18, "months"), 20, 12, clock_from_registration=True),
}

LEGALLY_PRESENT = frozenset({"beneficiary_of_protection", "legally_present", "applicant_pending"})
_FAMILY = frozenset({"spouse", "partner", "child"})


def _age_under_18(app: Application, on: dt.date) -> bool:
    born = app.applicant.birth_date
    if born is not None:
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return age < 18
    return app.applicant.age is not None and app.applicant.age < 18


def _is_family_member(member: FamilyMember, minor: bool) -> bool:
    """Dublin III Art. 2(g): spouse, partner, minor child; a parent only of a minor applicant."""
    return member.relation in _FAMILY or (member.relation == "parent" and minor)


def _first(members: Iterable[FamilyMember], prefix: str) -> dict[str, Any]:
    chosen = list(members)
    return {
        f"{prefix}_state": chosen[0].state if chosen else None,
        f"{prefix}_status": chosen[0].status if chosen else None,
        f"{prefix}_relation": chosen[0].relation if chosen else None,
        f"{prefix}_state_count": len({m.state for m in chosen}),
    }


def _preferred_issuer(documents: list[ResidenceOrVisa]) -> str | None:
    """Dublin III Art. 12(3) / AMMR Art. 29(3): the residence document giving the longest residence
    (tie: later expiry), else the visa expiring last (tie: longest validity); first listed on a tie."""
    residence = [doc for doc in documents if doc.kind == "residence_document"]
    if residence:
        best = max(residence, key=lambda doc: (doc.valid_to - doc.valid_from, doc.valid_to))
        return best.issued_by
    visas = [doc for doc in documents if doc.kind == "visa"]
    if visas:
        return max(visas, key=lambda doc: (doc.valid_to, doc.valid_to - doc.valid_from)).issued_by
    return None


def _document_facts(app: Application, ref: dt.date, windows: Windows) -> dict[str, Any]:
    valid = [doc for doc in app.documents if doc.valid_from <= ref <= doc.valid_to]
    left_after = [doc.valid_to for doc in app.documents if any(e.on > doc.valid_to for e in app.entries)]
    expired = [doc for doc in app.documents if doc.valid_to < ref and doc.valid_to not in left_after]
    in_time = [
        doc
        for doc in expired
        if ref
        < add_period(
            doc.valid_to,
            *(windows.residence_expired if doc.kind == "residence_document" else windows.visa_expired),
        )
    ]
    return {
        "valid_document_issuer_count": len({doc.issued_by for doc in valid}),
        "valid_residence_document": any(doc.kind == "residence_document" for doc in valid),
        "valid_visa": any(doc.kind == "visa" for doc in valid),
        "valid_document_issuer": _preferred_issuer(valid),
        "expired_document_issuer": _preferred_issuer(in_time),
        "long_expired_document": len(expired) > len(in_time),
    }


def _entry_facts(app: Application, ref: dt.date, windows: Windows) -> dict[str, Any]:
    before = sorted((e for e in app.entries if e.on <= ref), key=lambda e: e.on)
    crossing_kinds = (
        {"irregular_border_crossing"}
        if windows.sar_months
        else {"irregular_border_crossing", "sar_disembarkation"}
    )
    crossings = [
        e
        for e in before
        if e.kind in crossing_kinds and ref <= add_period(e.on, windows.crossing_months, "months")
    ]
    sar = [e for e in before if e.kind == "sar_disembarkation"]
    sar_within = [
        e for e in sar if windows.sar_months and ref <= add_period(e.on, windows.sar_months, "months")
    ]
    visa_waived = [e for e in before if e.kind == "visa_waived_entry"]
    return {
        "irregular_crossing_state": crossings[0].state if crossings else None,
        "irregular_crossing_kind": crossings[0].kind if crossings else None,
        "sar_disembarkation_state": sar_within[0].state if sar_within else None,
        "sar_lapsed": bool(windows.sar_months) and len(sar) > len(sar_within),
        "visa_waived_entry_state": visa_waived[-1].state if visa_waived else None,
        "visa_waived_in_lodging_state": bool(app.applicant.visa_waived_in_lodging_state),
        "airport_transit_in_lodging_state": any(
            e.kind == "airport_transit" and e.state == app.lodged_in for e in app.entries
        ),
    }


def _five_month_stay_state(app: Application, ref: dt.date) -> str | None:
    """Dublin III Art. 13(2): a continuous stay of at least five months ending (clipped) by REF;
    several: the one that ends last."""
    best: tuple[dt.date, str] | None = None
    for stay in app.stays:
        end = min(stay.end, ref)
        if (
            stay.start <= end
            and add_period(stay.start, 5, "months") <= end
            and (best is None or end > best[0])
        ):
            best = (end, stay.state)
    return best[1] if best else None


def _first_types(prefix: str) -> dict[str, type]:
    return {
        f"{prefix}_state": str,
        f"{prefix}_status": str,
        f"{prefix}_relation": str,
        f"{prefix}_state_count": int,
    }


#: The type of every fact :func:`extract_facts` gives (each may be missing but the counts and
#: booleans), for the batch evaluator's columns (``EULawPack.fact_types``); a test checks that the
#: two agree on every key and value.
FACT_TYPES: dict[str, Any] = {
    "reading_date": dt.date,
    "lodged_in": str,
    "lodged_on": dt.date,
    "registration_date": dt.date,
    "request_clock_from": dt.date,
    "reference_date": dt.date,
    "first_state": str,
    "unaccompanied_minor": bool,
    "minor": bool,
    **_first_types("uam_family"),
    **_first_types("uam_relative"),
    **_first_types("family_beneficiary"),
    **_first_types("family_pending"),
    "valid_document_issuer_count": int,
    "valid_residence_document": bool,
    "valid_visa": bool,
    "valid_document_issuer": str,
    "expired_document_issuer": str,
    "long_expired_document": bool,
    "irregular_crossing_state": str,
    "irregular_crossing_kind": str,
    "sar_disembarkation_state": str,
    "sar_lapsed": bool,
    "visa_waived_entry_state": str,
    "visa_waived_in_lodging_state": bool,
    "airport_transit_in_lodging_state": bool,
    "five_month_stay_state": str,
    "category2_hits": dict[str, dt.date],
    "category2_hit_state_count": int,
    "previous_application_states": tuple[str, ...],
    "detained": bool,
    "request_sent_on": dt.date,
    "request_urgent": bool,
    "acceptance_state": str,
    "acceptance_on": dt.date,
    "absconded_on": dt.date,
    "imprisoned": bool,
}


def extract_facts(app: Application, framework: str, reading_date: dt.date) -> dict[str, Any]:
    """Every fact the EU rules read, for an application read under ``framework`` on ``reading_date``
    (``--as-of``: it changes no summary key, only the note of who is responsible on that day)."""
    windows = WINDOWS[framework]
    clock_from = app.registration_date if windows.clock_from_registration else app.lodged_on
    earlier = sorted(app.previous_applications, key=lambda p: p.lodged_on)
    ref = min([clock_from, *(p.lodged_on for p in earlier)])
    first_state = earlier[0].state if earlier and earlier[0].lodged_on < clock_from else app.lodged_in
    minor = app.applicant.unaccompanied_minor or _age_under_18(app, ref)
    hits: dict[str, dt.date] = {}
    for hit in app.eurodac_hits:
        if hit.category == 2 and (hit.state not in hits or hit.on < hits[hit.state]):
            hits[hit.state] = hit.on
    uam = app.applicant.unaccompanied_minor
    present = [m for m in app.family if m.status in LEGALLY_PRESENT]
    urgent = app.request_urgent
    if urgent is None:
        urgent = app.acceptance.urgent if app.acceptance is not None else False
    facts: dict[str, Any] = {
        "reading_date": reading_date,
        "lodged_in": app.lodged_in,
        "lodged_on": app.lodged_on,
        "registration_date": app.registration_date,
        "request_clock_from": clock_from,
        "reference_date": ref,
        "first_state": first_state,
        "unaccompanied_minor": uam,
        "minor": minor,
        **_first(
            (m for m in present if uam and (_is_family_member(m, True) or m.relation == "sibling")),
            "uam_family",
        ),
        **_first((m for m in present if uam and m.relation == "relative"), "uam_relative"),
        **_first(
            (
                m
                for m in app.family
                if m.status == "beneficiary_of_protection"
                and m.wishes_in_writing
                and _is_family_member(m, minor)
            ),
            "family_beneficiary",
        ),
        **_first(
            (
                m
                for m in app.family
                if m.status == "applicant_pending" and m.wishes_in_writing and _is_family_member(m, minor)
            ),
            "family_pending",
        ),
        **_document_facts(app, ref, windows),
        **_entry_facts(app, ref, windows),
        "five_month_stay_state": _five_month_stay_state(app, ref) if windows.sar_months is None else None,
        "category2_hits": hits,
        "category2_hit_state_count": len(hits),
        "previous_application_states": tuple(dict.fromkeys(p.state for p in earlier)),
        "detained": app.detained,
        "request_sent_on": app.request_sent_on,
        "request_urgent": urgent,
        "acceptance_state": app.acceptance.state if app.acceptance else None,
        "acceptance_on": app.acceptance.on if app.acceptance else None,
        "absconded_on": app.absconded_on,
        "imprisoned": app.imprisoned,
    }
    return facts
