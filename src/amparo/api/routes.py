"""Routes of /api/v1: encounters, cases, decisions, findings, transitions, concurrence, notes,
deadlines. Each route names its permission (amparo.api.deps), runs one service call in one
transaction, and leaves every error to the handler in amparo.api.problems.

Every GET takes an optional ``purpose`` (default: the user's role's,
:func:`amparo.access.policy.default_purpose`; one no arrangement names is a 422 naming
``query:purpose``). The access policy decides each read for that purpose and the audit entry
names it; what a permit withholds is redacted, and a view needing a withheld field answers 404
like a missing record and is absent from lists (the rule is in :mod:`amparo.access.actor`).
Writes are always for case management."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Path, Query, Response
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor, permit_for
from amparo.access.facts import case_context, person_facts, record_facts
from amparo.access.jurisdiction import refuse_own_nationals
from amparo.access.policy import read_purpose
from amparo.api.deps import (
    CaseWorker,
    Factory,
    Intaker,
    OptionalVersion,
    Packs,
    Reader,
    RequiredVersion,
    Supervisor,
)
from amparo.api.schemas import (
    CaseOut,
    CasePage,
    ConcurrenceIn,
    DeadlineOut,
    DeadlinePage,
    DecisionOut,
    EncounterOut,
    EncounterPage,
    FindingOut,
    FindingsIn,
    IntakeOut,
    NoteIn,
    NoteOut,
    RedecideIn,
    TransitionIn,
    TransitionOut,
)
from amparo.cases import decisions, lists, reads, steps
from amparo.cases.intake import run_intake
from amparo.store.cursors import encode_cursor
from amparo.store.db import transaction

router = APIRouter(prefix="/api/v1")

EncounterId = Annotated[str, Path(min_length=1, max_length=128)]
CaseId = Annotated[str, Path(min_length=1, max_length=40)]
Limit = Annotated[int, Query(ge=1, le=lists.MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=400)]
Country = Annotated[str | None, Query(pattern="^[A-Z]{2}$")]


def reading(
    actor: Reader,
    purpose: Annotated[
        str | None,
        Query(
            max_length=64,
            description="Why the record is read (a purpose of the sharing arrangements); default: "
            "case_management for officers, supervisors and admins, statistics for analysts, "
            "aca_transfer for partner agencies.",
        ),
    ] = None,
) -> Actor:
    """The reader, reading for the stated purpose or their role's default."""
    return actor.reading(
        read_purpose(actor.user.role, purpose, where="query:purpose", agency=actor.user.agency)
    )


#: A reader and the purpose of the read (every GET route).
ReadFor = Annotated[Actor, Depends(reading)]


def _etag(response: Response, case: CaseOut) -> None:
    response.headers["ETag"] = f'"{case.version}"'


@router.put(
    "/encounters/{encounter_id}",
    response_model=IntakeOut,
    status_code=201,
    tags=["encounters"],
    responses={
        200: {"model": IntakeOut, "description": "An identical replay: the stored result, unchanged."}
    },
)
async def put_encounter(
    encounter_id: EncounterId,
    document: Annotated[
        dict[str, Any], Body(description="An encounter v1 document; its id must equal the path's.")
    ],
    actor: Intaker,
    made: Factory,
    packs: Packs,
) -> Response:
    """Intake (idempotent): 201 the first time, 200 with the same body on an identical replay,
    409 for a different document under the same id. A national of the installation's own
    country is not screened for protection pathways: 422 naming /person/nationalities."""
    refuse_own_nationals(document, actor.home)
    result = await run_in_threadpool(run_intake, made, packs, actor, encounter_id, document)
    person_id = result.body.encounter.person_id
    if result.created and person_id:  # what this encounter adds about the person bars at once
        await run_in_threadpool(_reevaluate_person, made, packs, actor, person_id)
    # The body is built from the stored values as an IntakeOut (the API tests check it
    # against the schema), so it is sent as is, encoded by orjson: validating
    # it again through the response model, or encoding its ~10 KB trace with the json module,
    # cost more than the rest of the response on this hot path. The transaction has committed
    # when run_intake returns, before any byte of the answer is sent.
    return Response(
        orjson.dumps(result.body.document_first()),
        status_code=201 if result.created else 200,
        media_type="application/json",
    )


def _reevaluate_person(made: Any, packs: Any, actor: Actor, person_id: str) -> None:
    """Withdraw the envelopes sealed for the person, not yet acknowledged, that the person's
    countries now bar (8 CFR 208.6 over the whole person; one indexed query when there are none)."""
    from sqlalchemy import select

    from amparo.exchange.models import ExchangeEnvelope
    from amparo.exchange.withdrawal import withdraw_unsent
    from amparo.store.models import Case

    query = (
        select(ExchangeEnvelope.envelope_id)
        .join(Case, Case.id == ExchangeEnvelope.record_id)
        .where(
            Case.person_id == person_id,
            ExchangeEnvelope.direction == "out",
            ExchangeEnvelope.acknowledged_at.is_(None),
            ExchangeEnvelope.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    with made() as session:  # a read: no write lock unless there is something to withdraw
        pending = session.scalar(query)
    if pending is not None:
        with transaction(made) as session:
            withdraw_unsent(session, person_id, packs=packs, actor=actor.id)


@router.get("/encounters/{encounter_id}", response_model=EncounterOut, tags=["encounters"])
def get_encounter(encounter_id: EncounterId, actor: ReadFor, made: Factory, packs: Packs) -> EncounterOut:
    with transaction(made) as session:
        return reads.get_encounter(session, packs, actor, encounter_id)


@router.get("/encounters", response_model=EncounterPage, tags=["encounters"])
def list_encounters(
    actor: ReadFor,
    made: Factory,
    packs: Packs,
    nationality: Country = None,
    border: Annotated[str | None, Query(max_length=32)] = None,
    agency: Annotated[str | None, Query(max_length=32)] = None,
    encountered_from: dt.date | None = None,
    encountered_to: dt.date | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> EncounterPage:
    """Encounters by id, filtered; records the access policy refuses are absent. A page holds at
    most ``limit`` encounters and about :data:`MAX_PAGE_BYTES` of JSON (at least one encounter):
    follow ``next_cursor`` for the rest."""
    with transaction(made) as session:
        page = lists.list_encounters(
            session,
            packs,
            actor,
            nationality=nationality,
            border=border,
            agency=agency,
            encountered_from=encountered_from,
            encountered_to=encountered_to,
            cursor=cursor,
            limit=limit,
        )
    return _bounded_page(page)


#: About how many bytes of JSON one page of encounters may hold (documents are up to 1 MiB each).
MAX_PAGE_BYTES = 4 * 1024 * 1024


def _bounded_page(page: EncounterPage) -> EncounterPage:
    """The page cut after the encounter that brings it past :data:`MAX_PAGE_BYTES` (at least one
    kept), its cursor then the last one kept (lists of encounters are ordered by id)."""
    size = 0
    for index, item in enumerate(page.items):
        size += len(orjson.dumps(item.model_dump(mode="json")))
        if size > MAX_PAGE_BYTES and index + 1 < len(page.items):
            kept = page.items[: index + 1]
            return EncounterPage(items=kept, next_cursor=encode_cursor(kept[-1].id))
    return page


@router.get("/cases", response_model=CasePage, tags=["cases"])
def list_cases(
    actor: ReadFor,
    made: Factory,
    packs: Packs,
    state: Annotated[str | None, Query(max_length=40)] = None,
    person_id: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> CasePage:
    with transaction(made) as session:
        return lists.list_cases(
            session, packs, actor, state=state, person_id=person_id, cursor=cursor, limit=limit
        )


@router.get("/cases/{case_id}", response_model=CaseOut, tags=["cases"])
def get_case(case_id: CaseId, actor: ReadFor, made: Factory, packs: Packs, response: Response) -> CaseOut:
    """The case with its version as ETag (send it back in If-Match to update)."""
    with transaction(made) as session:
        case = reads.get_case(session, packs, actor, case_id)
    _etag(response, case)
    return case


@router.get("/cases/{case_id}/decisions", response_model=list[DecisionOut], tags=["decisions"])
def case_decisions(case_id: CaseId, actor: ReadFor, made: Factory, packs: Packs) -> list[DecisionOut]:
    """Every decision of the case, oldest first (decisions are never changed or removed)."""
    with transaction(made) as session:
        return reads.case_decisions(session, packs, actor, case_id)


@router.post("/cases/{case_id}/decisions", response_model=DecisionOut, status_code=201, tags=["decisions"])
def redecide(
    case_id: CaseId,
    body: RedecideIn,
    actor: CaseWorker,
    made: Factory,
    packs: Packs,
    version: OptionalVersion,
    response: Response,
) -> DecisionOut:
    """A new decision reading the law on another date; the earlier ones stay."""
    with transaction(made) as session:
        decision, case = decisions.redecide(
            session, packs, actor, case_id, as_of=body.as_of, expected_version=version
        )
    _etag(response, case)
    return decision


@router.get("/decisions/{decision_id}", response_model=DecisionOut, tags=["decisions"])
def get_decision(decision_id: CaseId, actor: ReadFor, made: Factory, packs: Packs) -> DecisionOut:
    with transaction(made) as session:
        return reads.get_decision(session, packs, actor, decision_id)


@router.get("/cases/{case_id}/findings", response_model=list[FindingOut], tags=["findings"])
def case_findings(case_id: CaseId, actor: ReadFor, made: Factory, packs: Packs) -> list[FindingOut]:
    with transaction(made) as session:
        return reads.case_findings(session, packs, actor, case_id)


@router.post("/cases/{case_id}/findings", response_model=DecisionOut, status_code=201, tags=["findings"])
def add_findings(
    case_id: CaseId,
    body: FindingsIn,
    actor: CaseWorker,
    made: Factory,
    packs: Packs,
    version: OptionalVersion,
    response: Response,
) -> DecisionOut:
    """Record findings from an interview; the case is re-screened and the new decision returned."""
    with transaction(made) as session:
        decision, case = decisions.add_findings(
            session,
            packs,
            actor,
            case_id,
            findings=body.findings,
            interview=body.interview,
            interviewed_on=body.interviewed_on,
            as_of=body.as_of,
            expected_version=version,
        )
    _etag(response, case)
    return decision


@router.get("/cases/{case_id}/transitions", response_model=list[TransitionOut], tags=["workflow"])
def case_transitions(case_id: CaseId, actor: ReadFor, made: Factory, packs: Packs) -> list[TransitionOut]:
    """The steps of the case; each ``reason`` (free text) is withheld (null) from a reader whose
    view excludes notes."""
    with transaction(made) as session:
        rows = reads.case_transitions(session, packs, actor, case_id)
        if rows and not _free_text_shown(session, packs, actor, case_id):
            rows = [row.model_copy(update={"reason": None}) for row in rows]
        return rows


def _free_text_shown(session: Any, packs: Any, actor: Actor, case_id: str) -> bool:
    """Whether the actor's permit on the case shows free text (it allows ``notes``)."""
    from amparo.store.models import Case, Encounter

    case = session.get(Case, case_id)
    encounter = session.get(Encounter, case.encounter_id) if case is not None else None
    if case is None or encounter is None:
        return False
    facts = record_facts(
        "case", case_id, person_facts(packs, encounter.document), case_context(session, case, packs)
    )
    permit = permit_for(actor, facts)
    return permit.permitted and (permit.fields is None or "notes" in permit.fields)


@router.post("/cases/{case_id}/transitions", response_model=CaseOut, tags=["workflow"])
def transition(
    case_id: CaseId,
    body: TransitionIn,
    actor: CaseWorker,
    made: Factory,
    packs: Packs,
    version: RequiredVersion,
    response: Response,
) -> CaseOut:
    """Request the next workflow step (If-Match required). A removal (transfer_scheduled, mpp)
    enters supervisor_concurrence and takes effect on a different supervisor's concurrence."""
    with transaction(made) as session:
        case = steps.transition(
            session, packs, actor, case_id, to=body.to, reason=body.reason, expected_version=version
        )
    _etag(response, case)
    return case


@router.post("/cases/{case_id}/concurrence", response_model=CaseOut, tags=["workflow"])
def concurrence(
    case_id: CaseId,
    body: ConcurrenceIn,
    actor: Supervisor,
    made: Factory,
    packs: Packs,
    version: RequiredVersion,
    response: Response,
) -> CaseOut:
    """A supervisor other than the proposer concurs with the removal (or refuses it)."""
    with transaction(made) as session:
        case = steps.concur(
            session, packs, actor, case_id, concur=body.concur, reason=body.reason, expected_version=version
        )
    _etag(response, case)
    return case


@router.get("/cases/{case_id}/notes", response_model=list[NoteOut], tags=["cases"])
def case_notes(case_id: CaseId, actor: ReadFor, made: Factory, packs: Packs) -> list[NoteOut]:
    with transaction(made) as session:
        return reads.case_notes(session, packs, actor, case_id)


@router.post("/cases/{case_id}/notes", response_model=NoteOut, status_code=201, tags=["cases"])
def add_note(case_id: CaseId, body: NoteIn, actor: CaseWorker, made: Factory, packs: Packs) -> NoteOut:
    with transaction(made) as session:
        return steps.add_note(session, packs, actor, case_id, body.text)


@router.get("/cases/{case_id}/deadlines", response_model=list[DeadlineOut], tags=["workflow"])
def case_deadlines(case_id: CaseId, actor: ReadFor, made: Factory, packs: Packs) -> list[DeadlineOut]:
    with transaction(made) as session:
        return reads.case_deadlines(session, packs, actor, case_id)


@router.get("/deadlines", response_model=DeadlinePage, tags=["workflow"])
def list_deadlines(
    actor: ReadFor,
    made: Factory,
    packs: Packs,
    overdue: bool = False,
    case_id: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DeadlinePage:
    """Deadlines by due time; ``overdue=true`` lists the open steps already late."""
    with transaction(made) as session:
        return lists.list_deadlines(
            session, packs, actor, overdue=overdue, case_id=case_id, cursor=cursor, limit=limit
        )
