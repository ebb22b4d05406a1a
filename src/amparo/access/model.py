"""The access model: who asks (:class:`Requester`), what about a record the policy needs
(:class:`RecordFacts`, :class:`DisclosureBasis`) and what it answers (:class:`AccessDecision`).

Plain data only; the decision is :func:`amparo.access.policy.authorize`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from amparo.store.roles import Role

#: A recorded disclosure basis: the applicant's written consent, or a decision with its legal basis.
BasisKind = Literal["consent", "decision"]
#: The purposes a record may be read or disclosed for (the sharing arrangements name them;
#: a purpose no arrangement serves is refused by every arrangement).
Purpose = Literal[
    "aca_transfer",
    "adjudication",
    "anti_smuggling",
    "anti_trafficking",
    "case_management",
    "fear_screening",
    "investigation",
    "law_enforcement",
    "litigation_defense",
    "protection_support",
    "statistics",
]
PURPOSES: tuple[Purpose, ...] = get_args(Purpose)
#: The kinds of record the policy decides on.
RecordKind = Literal["encounter", "case", "decision", "case_package"]


@dataclass(frozen=True)
class Requester:
    """Who asks: a user of an agency (agency code like 'US-CBP', ISO country of the agency),
    at the installation of ``home`` (its ISO country; None: the country party to every
    arrangement, :func:`amparo.access.policy.installation_country`)."""

    user_id: str
    role: Role
    agency: str
    country: str | None
    home: str | None = None


@dataclass(frozen=True)
class DisclosureBasis:
    """A recorded written consent of the applicant, or a recorded decision with its legal basis,
    to disclose to ``recipient`` (an ISO country code or an agency code)."""

    recipient: str
    kind: BasisKind
    legal_basis: str


@dataclass(frozen=True)
class RecordFacts:
    """What the policy needs to know about a record, without its contents.

    ``asylum_related``: the record contains or reveals a protection claim or a fear screening
    (8 CFR 208.6(a)-(b)); every screening decision is. ``feared_countries``: countries of
    feared persecution from the fear claims. ``aca_receiving_country``: set when a transfer
    under an Asylum Cooperative Agreement to that country is scheduled. ``disclosure_basis``:
    the recorded written consent or decision with its legal basis, when there is one (a
    decision for the ACA receiving country); ``disclosure_bases``: every recorded consent or
    decision, each naming its recipient.
    """

    kind: str
    record_id: str
    nationalities: tuple[str, ...] = ()
    feared_countries: tuple[str, ...] = ()
    asylum_related: bool = True
    aca_receiving_country: str | None = None
    disclosure_basis: str | None = None
    disclosure_bases: tuple[DisclosureBasis, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AccessDecision:
    """Permit (with the fields allowed; ``None`` means every field) or deny with reasons."""

    permitted: bool
    fields: frozenset[str] | None
    reasons: tuple[str, ...]
    citations: tuple[str, ...] = ()
    arrangements: tuple[str, ...] = ()
