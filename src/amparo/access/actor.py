"""Who acts and why, and the access check of one view of one record.

An :class:`Actor` is a user acting for a purpose (writes are always for case management). Every
read of a record goes through :func:`permit_for` (the one access decision,
:func:`amparo.access.policy.authorize`, for the actor's purpose), on the facts
:mod:`amparo.access.facts` builds from the store; a record the policy refuses is reported exactly
like a missing one (:class:`DeniedRead`, a NotFound carrying what the audit trail keeps of the
refusal; the caller audits it once its own transaction has rolled back).

Field-level redaction. A permit names the fields allowed (``None``: all of them; vocabulary in
:mod:`amparo.access.fields`). A view that shows a withheld field is refused as not found and is
absent from lists; :data:`NEEDS` says which field each view needs: a case, its transitions and
deadlines need ``claim_fact`` (they reveal that a claim was screened), decisions need
``screening_decision``, findings ``findings``, notes ``notes``. An encounter needs none: it is
shown with whatever is allowed (:mod:`amparo.cases.views`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from amparo.access.agencies import get_agency
from amparo.access.clock import Clock, system_today
from amparo.access.model import AccessDecision, Purpose, RecordFacts, Requester
from amparo.access.policy import authorize
from amparo.errors import NotFound
from amparo.store.models import User

#: The purpose of writes, and of reads by an actor built without one.
PURPOSE: Purpose = "case_management"

#: The field a view needs (see the module docstring); an encounter needs none.
NEEDS: Mapping[str, str] = {
    "case": "claim_fact",
    "transitions": "claim_fact",
    "deadlines": "claim_fact",
    "decision": "screening_decision",
    "decisions": "screening_decision",
    "findings": "findings",
    "notes": "notes",
}


@dataclass(frozen=True)
class Actor:
    """The user acting, the purpose of the access, and the clock whose day its access decisions
    are made on (the edge's: ``create_app(..., clock=...)``; tests pass a fixed day)."""

    user: User
    purpose: Purpose = PURPOSE
    today: Clock = system_today
    #: The installation's country (its settings' ``installation``); None: the arrangements'.
    home: str | None = None

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def requester(self) -> Requester:
        return Requester(
            self.user.id, self.user.role, self.user.agency, get_agency(self.user.agency).country, self.home
        )

    def reading(self, purpose: Purpose) -> Actor:
        """The same user, reading for ``purpose``."""
        return replace(self, purpose=purpose)


class DeniedRead(NotFound):
    """A read the access policy refused: answered exactly like a missing record (404).

    Plain data: ``kind`` and ``record_id`` make the message, the same as a missing record's;
    ``record_kind`` (what was read), ``actor_id``, ``purpose`` and ``reasons`` are what the audit
    trail keeps of the refusal, written by the caller once its transaction has rolled back.
    """

    def __init__(
        self,
        actor_id: str,
        kind: str,
        record_id: str,
        *,
        purpose: str = PURPOSE,
        record_kind: str | None = None,
        reasons: tuple[str, ...] = (),
    ) -> None:
        super().__init__(kind, record_id)
        self.actor_id = actor_id
        self.record_kind = record_kind or kind
        self.record_id = record_id
        self.purpose = purpose
        self.reasons = tuple(reasons)


def permit_for(actor: Actor, facts: RecordFacts, on: dt.date | None = None) -> AccessDecision:
    """The access decision for one record, for the actor's purpose, on ``on`` (default: the
    actor's clock's day)."""
    return authorize(actor.requester, facts, actor.purpose, on or actor.today())


def shows(decision: AccessDecision, view: str) -> bool:
    """Whether a permit lets ``view`` be shown (it allows the field the view needs)."""
    if not decision.permitted:
        return False
    needed = NEEDS.get(view)
    return needed is None or decision.fields is None or needed in decision.fields


def refusal(decision: AccessDecision, view: str) -> tuple[str, ...]:
    """Why ``view`` is not shown (for the audit trail)."""
    if not decision.permitted:
        return tuple(decision.reasons[:6])
    return (f"the view '{view}' needs the field '{NEEDS.get(view)}', which is withheld",)


def require_visible(
    actor: Actor, facts: RecordFacts, view: str | None = None, *, kind: str | None = None
) -> AccessDecision:
    """The permit for ``view`` (default: the record's kind) of the record; :class:`DeniedRead`
    (a NotFound named ``kind``, default the record's) when refused."""
    decision = permit_for(actor, facts)
    view = view or facts.kind
    if not shows(decision, view):
        raise DeniedRead(
            actor.id,
            kind or facts.kind,
            facts.record_id,
            purpose=actor.purpose,
            record_kind=view,
            reasons=refusal(decision, view),
        )
    return decision
