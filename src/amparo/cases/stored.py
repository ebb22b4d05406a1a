"""A stored case as the services work on it: loaded through the access check, with the law pack
that made its decisions (and so its workflow), its current decision, and the versioned update.

The pack of a stored case is the one its current decision was read under (the decision's
ruleset id is its pack id, :meth:`amparo.engine.registry.PackRegistry.get`); a case without one
falls back to the pack that reads its encounter document. The registry comes from the caller.

Updates carry the case version they were made on (:func:`require_version`, the one stale-version
check); the write is a conditional UPDATE on that version (:func:`bump`), so of two concurrent
updates exactly one wins and the other gets StaleVersion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from amparo.access.actor import Actor
from amparo.access.facts import CaseContext, case_context, person_facts, record_facts
from amparo.access.model import AccessDecision
from amparo.cases.auditing import permit_or_refusal
from amparo.cases.models import CaseOut
from amparo.cases.views import case_view
from amparo.engine.pack import LawPack, PersonFacts
from amparo.engine.registry import PackRegistry
from amparo.engine.workflow import Workflow
from amparo.errors import NotFound, StaleVersion
from amparo.store.models import Case, Decision, Encounter, utcnow


def pack_of(packs: PackRegistry, ruleset_id: str | None, document: Mapping[str, Any]) -> LawPack:
    """The pack a case's current decision was read under, else the one reading its document."""
    return packs.get(ruleset_id) if ruleset_id else packs.for_document(document)


@dataclass(frozen=True)
class StoredCase:
    """A case loaded through the access check: its encounter, who that is about, its context,
    permit and pack."""

    case: Case
    encounter: Encounter
    person: PersonFacts
    context: CaseContext
    permit: AccessDecision
    pack: LawPack

    @property
    def workflow(self) -> Workflow:
        return self.pack.workflow

    def shown(self, summary: Mapping[str, Any] | None = None) -> CaseOut:
        """The case as the permit shows it, its next steps read on ``summary`` (default: the
        current decision's summary when the case was loaded)."""
        read_on = self.context.summary if summary is None else summary
        steps = self.workflow.next_steps(self.case.state, read_on or {})
        return case_view(self.case, steps, fields=self.permit.fields)


def load_case(
    session: Session, packs: PackRegistry, actor: Actor, case_id: str, view: str = "case"
) -> StoredCase:
    """The case if ``actor`` may see ``view`` of it (amparo.access.actor.NEEDS); else not found."""
    row = session.execute(
        select(Case, Encounter).join(Encounter, Encounter.id == Case.encounter_id).where(Case.id == case_id)
    ).first()
    if row is None:
        raise NotFound("case", case_id)
    case, encounter = row
    context = case_context(session, case, packs)
    person = person_facts(packs, encounter.document)
    permit = permit_or_refusal(
        session, actor, record_facts("case", case.id, person, context), view, kind="case"
    )
    return StoredCase(
        case, encounter, person, context, permit, pack_of(packs, context.ruleset_id, encounter.document)
    )


def current_decision(session: Session, case: Case) -> Decision | None:
    return session.get(Decision, case.current_decision_id) if case.current_decision_id else None


def require_version(case: Case, expected: int | None) -> int:
    """The version an update is made on (``expected``, or the current one when not given);
    StaleVersion when the case has moved on since."""
    given = case.version if expected is None else expected
    if given != case.version:
        raise StaleVersion("case", case.id, given=str(given), current=str(case.version))
    return given


def bump(session: Session, case: Case, expected: int | None, **values: Any) -> None:
    """Conditional UPDATE on the version: StaleVersion when another update got there first."""
    given = require_version(case, expected)
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == given)
        .values(version=given + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(Case.version).where(Case.id == case.id))
        raise StaleVersion("case", case.id, given=str(given), current=str(current))
    session.refresh(case)
