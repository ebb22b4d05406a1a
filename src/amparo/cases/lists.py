"""Lists of encounters, cases and deadlines, in pages (keyset pagination), through the access
policy: a record the policy refuses is absent, not counted, not hinted at. The case contexts of
a batch are loaded in two queries; each list is audited with the ids it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from amparo.access.actor import Actor, permit_for, shows
from amparo.access.facts import CaseContext, case_contexts, person_facts, record_facts
from amparo.access.model import AccessDecision
from amparo.cases.auditing import audited
from amparo.cases.models import CaseOut, CasePage, DeadlineOut, DeadlinePage, EncounterOut, EncounterPage
from amparo.cases.stored import pack_of
from amparo.cases.views import case_view, deadline_view, encounter_view
from amparo.engine.pack import PersonFacts
from amparo.engine.registry import PackRegistry
from amparo.store.cursors import decode_cursor, encode_cursor
from amparo.store.models import Case, Deadline, Encounter, utcnow

MAX_LIMIT = 200

Item = TypeVar("Item", bound=BaseModel)


def _paged(
    session: Session,
    query: Select[*tuple[Any, ...]],
    key: Callable[[Any], tuple[str, ...]],
    shown: Callable[[Sequence[Any]], list[Item | None]],
    limit: int,
) -> tuple[list[Item], str | None]:
    """A page of ``query`` (already ordered by ``key`` and past the cursor) keeping only what
    ``shown`` lets the actor see (None for a row it may not), and the cursor of the next page."""
    limit = max(1, min(limit, MAX_LIMIT))
    items: list[tuple[Any, Item]] = []
    offset = 0
    batch = limit + 1
    while len(items) <= limit:
        rows = list(session.execute(query.offset(offset).limit(batch)).all())
        items.extend((r, v) for r, v in zip(rows, shown(rows), strict=True) if v is not None)
        if len(rows) < batch:
            break
        offset += batch
    page = items[:limit]
    more = len(items) > limit
    return [v for _, v in page], encode_cursor(*key(page[-1][0])) if more and page else None


@dataclass(frozen=True)
class _Access:
    """One case of a batch: its context, who its document is about, the actor's permit."""

    context: CaseContext
    person: PersonFacts
    permit: AccessDecision


def _permits(
    session: Session, packs: PackRegistry, actor: Actor, kind: str, pairs: Iterable[tuple[Case, Encounter]]
) -> dict[str, _Access]:
    """The access to each case's ``kind`` record (by case id), the contexts of the whole batch
    loaded in two queries."""
    unique = {case.id: (case, encounter) for case, encounter in pairs}
    contexts = case_contexts(session, [case for case, _ in unique.values()], packs)
    permits: dict[str, _Access] = {}
    for case_id, (_, encounter) in unique.items():
        record_id = encounter.id if kind == "encounter" else case_id
        person = person_facts(packs, encounter.document)
        facts = record_facts(kind, record_id, person, contexts[case_id])
        permits[case_id] = _Access(contexts[case_id], person, permit_for(actor, facts))
    return permits


def _audit_list(session: Session, actor: Actor, kind: str, ids: list[str], **detail: Any) -> None:
    audited(session, actor, "list", kind, "*", returned=ids, **detail)


def _equal(query: Select[*tuple[Any, ...]], filters: Mapping[Any, str | None]) -> Select[*tuple[Any, ...]]:
    """``query`` kept to the rows where each column equals its given value (a filter left empty
    keeps every row)."""
    for column, value in filters.items():
        if value:
            query = query.where(column == value)
    return query


def list_encounters(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    *,
    nationality: str | None = None,
    border: str | None = None,
    agency: str | None = None,
    encountered_from: dt.date | None = None,
    encountered_to: dt.date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> EncounterPage:
    query = _equal(
        select(Encounter, Case).join(Case, Case.encounter_id == Encounter.id).order_by(Encounter.id),
        {Encounter.nationality: nationality, Encounter.border: border, Encounter.agency: agency},
    )
    if encountered_from:
        query = query.where(Encounter.encountered_on >= encountered_from)
    if encountered_to:
        query = query.where(Encounter.encountered_on <= encountered_to)
    if cursor:
        query = query.where(Encounter.id > decode_cursor(cursor, 1)[0])

    def shown(rows: Sequence[Any]) -> list[EncounterOut | None]:
        permits = _permits(session, packs, actor, "encounter", ((c, e) for e, c in rows))
        return [
            encounter_view(e, c.id, fields=permits[c.id].permit.fields, person=permits[c.id].person)
            if shows(permits[c.id].permit, "encounter")
            else None
            for e, c in rows
        ]

    items, next_cursor = _paged(session, query, lambda r: (r[0].id,), shown, limit)
    _audit_list(session, actor, "encounter", [item.id for item in items])
    return EncounterPage.model_construct(items=items, next_cursor=next_cursor)


def list_cases(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    *,
    state: str | None = None,
    person_id: str | None = None,
    nationality: str | None = None,
    agency: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> CasePage:
    query = _equal(
        select(Case, Encounter).join(Encounter, Encounter.id == Case.encounter_id).order_by(Case.id),
        {
            Case.state: state,
            Case.person_id: person_id,
            Encounter.nationality: nationality,
            Encounter.agency: agency,
        },
    )
    if cursor:
        query = query.where(Case.id > decode_cursor(cursor, 1)[0])

    def shown(rows: Sequence[Any]) -> list[CaseOut | None]:
        permits = _permits(session, packs, actor, "case", rows)
        out: list[CaseOut | None] = []
        for c, e in rows:
            context, permit = permits[c.id].context, permits[c.id].permit
            if not shows(permit, "case"):
                out.append(None)
                continue
            workflow = pack_of(packs, context.ruleset_id, e.document).workflow
            out.append(
                case_view(c, workflow.next_steps(c.state, context.summary or {}), fields=permit.fields)
            )
        return out

    items, next_cursor = _paged(session, query, lambda r: (r[0].id,), shown, limit)
    _audit_list(session, actor, "case", [item.id for item in items])
    return CasePage.model_construct(items=items, next_cursor=next_cursor)


def list_deadlines(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    *,
    overdue: bool = False,
    case_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> DeadlinePage:
    """Deadlines by due time; ``overdue`` keeps the open ones already past."""
    now = utcnow()
    query = (
        select(Deadline, Case, Encounter)
        .join(Case, Case.id == Deadline.case_id)
        .join(Encounter, Encounter.id == Case.encounter_id)
        .order_by(Deadline.due_at, Deadline.id)
    )
    if overdue:
        query = query.where(Deadline.met_at.is_(None), Deadline.due_at < now)
    if case_id:
        query = query.where(Deadline.case_id == case_id)
    if cursor:
        due, last = decode_cursor(cursor, 2)
        try:
            due_at = dt.datetime.fromisoformat(due)
        except ValueError:
            due_at = now
        query = query.where((Deadline.due_at > due_at) | ((Deadline.due_at == due_at) & (Deadline.id > last)))

    def shown(rows: Sequence[Any]) -> list[DeadlineOut | None]:
        permits = _permits(session, packs, actor, "case", ((c, e) for _, c, e in rows))
        return [
            deadline_view(d, now) if shows(permits[c.id].permit, "deadlines") else None for d, c, _ in rows
        ]

    items, next_cursor = _paged(session, query, lambda r: (r[0].due_at.isoformat(), r[0].id), shown, limit)
    _audit_list(session, actor, "deadline", [item.id for item in items], overdue=overdue)
    return DeadlinePage.model_construct(items=items, next_cursor=next_cursor)
