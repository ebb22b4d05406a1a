"""The access policy: one decision for every read, list, search, export, statistic and disclosure.

Order of the decision (each refusal names its reason and citation):

1. The requester's agency must be known and match its country; the requester's role must be
   one its agency may hold (:func:`roles_for_agency`) and the purpose one that role and agency
   may invoke (:func:`purposes_for`).
2. 8 CFR 208.6 bar: an asylum-related record (or the fact of a claim) never goes to an agency of
   the government of a country of the person's nationality or of a country the person fears
   (over ALL the person's encounters, :mod:`amparo.access.facts`). When the nationality is not
   recorded, a government other than the installation's own (:func:`installation_country`) is
   refused (fail closed). The installation's own government holds the record: a national of
   that country (a dual national, say) does not bar it.
3. Some arrangement must cover the agency, its role, the purpose, the record type and the date,
   carry asylum information when the record is asylum-related, and meet its requirements
   (an ACA transfer scheduled to the recipient's country; a recorded written consent or
   decision naming the recipient). The fields allowed are the union of the permitting
   arrangements' fields.

The purpose of a read is the requester's to state, within what their role and agency may
invoke (:data:`ROLE_PURPOSES` and the arrangements naming the agency and role); when they state
none it comes from their role (:func:`default_purpose`, the one place that decides it):
officers, supervisors and admins manage cases, analysts make statistics, partner agencies
receive ACA transfers. A purpose the requester may not invoke is an input error
(:func:`read_purpose`) naming the purposes they may, never a look at a record.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from amparo.access.agencies import Agency, get_agency
from amparo.access.arrangements import Arrangement, arrangements, purposes
from amparo.access.model import AccessDecision, DisclosureBasis, Purpose, RecordFacts, Requester
from amparo.errors import FieldError, InputError
from amparo.store.roles import Role

BAR_CITATIONS = ("8 CFR 208.6(a)", "8 CFR 208.6(b)", "8 CFR 1208.6")

#: The purpose a read has when the requester states none, by role.
DEFAULT_PURPOSES: dict[Role, Purpose] = {
    "officer": "case_management",
    "supervisor": "case_management",
    "admin": "case_management",
    "analyst": "statistics",
    "partner": "aca_transfer",
}


#: The purposes each role may ever invoke (the arrangements bound them further by agency). An
#: analyst makes statistics and nothing else; partner agencies invoke what their arrangements name.
ROLE_PURPOSES: dict[Role, frozenset[Purpose]] = {
    "officer": frozenset(
        {"case_management", "adjudication", "fear_screening", "aca_transfer", "investigation", "statistics"}
    ),
    "supervisor": frozenset(
        {
            "case_management",
            "adjudication",
            "fear_screening",
            "aca_transfer",
            "investigation",
            "litigation_defense",
            "statistics",
        }
    ),
    "admin": frozenset({"case_management", "litigation_defense", "statistics"}),
    "analyst": frozenset({"statistics"}),
    "partner": frozenset(
        {"aca_transfer", "anti_smuggling", "anti_trafficking", "law_enforcement", "protection_support"}
    ),
}


#: The roles an agency of the installation's own country may hold.
HOME_ROLES: tuple[Role, ...] = ("officer", "supervisor", "analyst", "admin")


@cache
def installation_country() -> str:
    """The country of the installation's own agencies: the one party to every sharing
    arrangement (read from ``arrangements.yaml``, never assumed). Callers that know the
    installation's settings pass ``Requester.home`` instead."""
    common: set[str] | None = None
    for arrangement in arrangements():
        common = set(arrangement.parties) if common is None else common & set(arrangement.parties)
    if not common or len(common) != 1:
        raise InputError([FieldError("installation", "the arrangements name no single installation country")])
    return next(iter(common))


def home_of(requester: Requester) -> str:
    """The installation's country for this requester's decision."""
    return requester.home or installation_country()


def roles_for_agency(agency_code: str, home: str | None = None) -> frozenset[Role]:
    """The roles a user of ``agency_code`` may hold at the installation of ``home``: an agency of
    the installation's own country holds the case-work roles (officer, supervisor, analyst,
    admin); any other agency is a partner (``partner``), unless an arrangement to which the
    installation's country is a party names it as a recipient with more roles."""
    agency = get_agency(agency_code)
    country = home or installation_country()
    if agency.country is not None and agency.country == country:
        return frozenset(HOME_ROLES)
    roles: set[Role] = {"partner"}
    for arrangement in arrangements():
        if agency.code in arrangement.recipients and country in arrangement.parties:
            roles.update(r for r in ROLE_PURPOSES if r in arrangement.roles)
    return frozenset(roles)


def purposes_for(role: Role, agency_code: str) -> frozenset[Purpose]:
    """The purposes a user of ``role`` in ``agency_code`` may invoke: the role's bound
    (:data:`ROLE_PURPOSES`) met with what the arrangements naming the agency and role serve."""
    served: set[Purpose] = set()
    for arrangement in arrangements():
        if agency_code in arrangement.recipients and role in arrangement.roles:
            served.update(arrangement.purposes)
    return ROLE_PURPOSES[role] & frozenset(served)


def default_purpose(role: Role) -> Purpose:
    """The purpose of a read by a user of ``role`` who states none."""
    return DEFAULT_PURPOSES[role]


def known_purpose(stated: str, *, where: str = "purpose") -> Purpose:
    """``stated`` as a purpose; InputError naming ``where`` when no arrangement names it."""
    known = purposes()
    for purpose in known:
        if purpose == stated:
            return purpose
    raise InputError([FieldError(where, f"expected one of: {', '.join(sorted(known))}; got '{stated}'")])


def read_purpose(
    role: Role, stated: str | None, *, where: str = "purpose", agency: str | None = None
) -> Purpose:
    """The purpose of a read: ``stated``, or the role's default; InputError naming ``where``
    when ``stated`` is not a purpose some arrangement names, or (``agency`` given) not one a
    user of ``role`` in ``agency`` may invoke (:func:`purposes_for`)."""
    purpose = default_purpose(role) if stated is None else known_purpose(stated, where=where)
    if agency is not None and stated is not None:
        allowed = purposes_for(role, agency)
        if purpose not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise InputError(
                [FieldError(where, f"a {role} of {agency} may not read for '{purpose}'; may: {listed}")]
            )
    return purpose


def _deny(reasons: list[str], citations: tuple[str, ...] = ()) -> AccessDecision:
    return AccessDecision(False, frozenset(), tuple(reasons), citations)


def _bases_for(record: RecordFacts, agency: Agency) -> tuple[DisclosureBasis, ...]:
    """The recorded consents and decisions naming this agency or its country."""
    names = {agency.code} | ({agency.country} if agency.country else set())
    found = tuple(b for b in record.disclosure_bases if b.recipient in names)
    if not found and record.disclosure_basis and record.aca_receiving_country in names:
        # legacy single-string basis: a recorded decision for the scheduled ACA transfer
        found = (DisclosureBasis(record.aca_receiving_country or "", "decision", record.disclosure_basis),)
    return found


def _refusal(
    arrangement: Arrangement, agency: Agency, role: Role, record: RecordFacts, purpose: Purpose, on: dt.date
) -> str | None:
    """Why this arrangement does not permit the access, or None when it does."""
    name = arrangement.id
    if role not in arrangement.roles:
        return f"{name}: role '{role}' is not among {sorted(arrangement.roles)}"
    if purpose not in arrangement.purposes:
        return f"{name}: purpose '{purpose}' is not among {sorted(arrangement.purposes)}"
    if record.kind not in arrangement.record_types:
        return f"{name}: record type '{record.kind}' is not among {sorted(arrangement.record_types)}"
    if not arrangement.in_force(on):
        return f"{name}: not in force on {on.isoformat()} (in force {arrangement.window()})"
    if record.asylum_related and not arrangement.asylum_information:
        return f"{name}: the record is asylum-related (8 CFR 208.6) and this arrangement carries no asylum information"
    if "aca_transfer_scheduled_to_recipient" in arrangement.requires:
        if record.aca_receiving_country != agency.country:
            return f"{name}: no ACA transfer to {agency.country} is scheduled for this person"
    bases = _bases_for(record, agency)
    if "recorded_disclosure_basis" in arrangement.requires and not bases:
        return (
            f"{name}: no recorded written consent or decision with its legal basis names {agency.code} "
            "(8 CFR 208.6(a))"
        )
    if "recorded_written_consent" in arrangement.requires and not any(b.kind == "consent" for b in bases):
        return f"{name}: no recorded written consent of the applicant names {agency.code} (8 CFR 208.6(a))"
    return None


def authorize(requester: Requester, record: RecordFacts, purpose: Purpose, on: dt.date) -> AccessDecision:
    """Whether ``requester`` may read ``record`` for ``purpose`` on ``on`` (the caller's "today",
    from its :data:`~amparo.access.clock.Clock`): permit with the fields allowed, or deny with
    reasons and citations (see the module doc). Every read and write goes through this."""
    try:
        agency = get_agency(requester.agency)
    except InputError:
        return _deny([f"unknown agency '{requester.agency}'"])
    if requester.country is not None and requester.country != agency.country:
        return _deny([f"agency {agency.code} is of {agency.country}, not {requester.country}"])
    home = home_of(requester)
    if record.asylum_related and agency.country is not None:
        # the installation's own government holds the record: its national is not barred from it
        if agency.country in record.nationalities and agency.country != home:
            return _deny(
                [
                    f"8 CFR 208.6: {agency.code} is an agency of {agency.country}, a country of the person's nationality"
                ],
                BAR_CITATIONS,
            )
        if agency.country in record.feared_countries:
            return _deny(
                [f"8 CFR 208.6: {agency.code} is an agency of {agency.country}, a country the person fears"],
                BAR_CITATIONS,
            )
        if not record.nationalities and agency.country != home:
            return _deny(
                [
                    "8 CFR 208.6: the person's nationality is not recorded, so disclosure to a foreign government "
                    "cannot be ruled out as disclosure to the country of nationality"
                ],
                BAR_CITATIONS,
            )
    if requester.role not in roles_for_agency(agency.code, home):
        return _deny([f"agency {agency.code} may not hold the role '{requester.role}'"])
    if purpose not in ROLE_PURPOSES[requester.role]:
        return _deny([f"the role '{requester.role}' may not invoke the purpose '{purpose}'"])
    refusals: list[str] = []
    permitting: list[Arrangement] = []
    for arrangement in arrangements():
        if agency.code not in arrangement.recipients:
            continue
        why = _refusal(arrangement, agency, requester.role, record, purpose, on)
        if why is None:
            permitting.append(arrangement)
        else:
            refusals.append(why)
    if not permitting:
        if not refusals:
            refusals.append(f"no sharing arrangement names {agency.code} as a recipient")
        return _deny(refusals)
    fields: frozenset[str] | None = frozenset()
    for arrangement in permitting:
        if arrangement.fields is None:
            fields = None
            break
        fields = (fields or frozenset()) | arrangement.fields
    reasons: list[str] = []
    citations: list[str] = []
    for arrangement in permitting:
        reasons.append(f"{arrangement.id}: {arrangement.legal_basis}")
        reasons.extend(f"{arrangement.id} (unknown): {flag}" for flag in arrangement.unknown)
        citations.extend(c for c in arrangement.citations if c not in citations)
    return AccessDecision(
        True, fields, tuple(reasons), tuple(citations), arrangements=tuple(a.id for a in permitting)
    )
