"""Pages for the work around the cases: the identity review queue, the transfers board and the
flows dashboard. Each is shown only to the roles whose work it is; anyone else gets the same
403 page, and identity pages answer a partner exactly as a page that does not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor
from amparo.errors import AmparoError, NotFound
from amparo.identity import decisions as identity
from amparo.web.answers import SignedIn, in_transaction, message_page, not_done
from amparo.web.render import language, page
from amparo.web.sessions import PageForbidden, check_csrf

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
TRANSFER_ROLES = frozenset({"supervisor", "admin", "analyst"})
FLOWS_ROLES = frozenset({"analyst", "supervisor", "admin"})


def _run(request: Request, work: Callable[[Session], T]) -> T:
    return in_transaction(request, lambda session, _packs: work(session))


def _missing(request: Request, actor: Actor) -> Response:
    return message_page(request, actor, 404, "Not found", "There is no such page.")


# --- identity review ------------------------------------------------------------------------


@router.get("/identity/review", response_class=HTMLResponse)
async def review_queue(request: Request, actor: SignedIn, status: str = "open") -> Response:
    if not identity.may_resolve_identity(actor.user):
        return _missing(request, actor)
    status = status if status in identity.REVIEW_STATUSES else "open"
    reviews = await run_in_threadpool(_run, request, lambda s: identity.queue(s, status=status, limit=100))
    return page(
        request,
        "review.html",
        actor=actor,
        section="identity",
        reviews=reviews,
        review_status=status,
        statuses=identity.REVIEW_STATUSES,
    )


@router.post("/identity/review/{review_id}")
async def review_decide(
    request: Request,
    actor: SignedIn,
    review_id: str,
    decision: Annotated[Literal["link", "distinct", "undo"], Form()],
    reason: Annotated[str, Form(min_length=1, max_length=400)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    if not identity.may_resolve_identity(actor.user):
        return _missing(request, actor)

    def work(session: Session) -> Any:
        if decision == "undo":
            return identity.undo(session, review_id[:40], by=actor.id, reason=reason.strip())
        return identity.decide(session, review_id[:40], decision, by=actor.id, reason=reason.strip())

    try:
        await run_in_threadpool(_run, request, work)
    except NotFound:
        return _missing(request, actor)
    except AmparoError as exc:
        return not_done(request, actor, exc, "/identity/review")
    return RedirectResponse("/identity/review", status_code=303)


# --- transfers board ------------------------------------------------------------------------


def _timeline(session: Session, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Each receiving country's recorded capacity (every measure, as dated values in force) over the period."""
    from amparo.transfers.tables import CapacityValue

    rows = session.scalars(
        select(CapacityValue)
        .where(CapacityValue.superseded_by.is_(None), CapacityValue.valid_from <= end)
        .order_by(CapacityValue.receiving_country, CapacityValue.measure, CapacityValue.valid_from)
    ).all()
    return [
        {
            "country": r.receiving_country,
            "measure": r.measure,
            "value": r.value,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
            "source": r.source,
        }
        for r in rows
        if r.valid_to is None or r.valid_to > start
    ]


def _board(session: Session, start: dt.date, end: dt.date) -> dict[str, Any]:
    from amparo.transfers import capacity_store, proposals
    from amparo.transfers.tables import TransferPlan

    capacity = capacity_store.capacity_for(session, start, end)
    plan_row = session.scalars(select(TransferPlan).order_by(TransferPlan.created_at.desc()).limit(1)).first()
    plan = proposals.plan_view(session, plan_row.plan_id) if plan_row is not None else None
    return {"capacity": capacity, "plan": plan, "timeline": _timeline(session, start, end)}


@router.get("/transfers", response_class=HTMLResponse)
async def transfers_board(
    request: Request, actor: SignedIn, start: str = "2019-11-01", end: str = "2020-03-31"
) -> Response:
    if actor.user.role not in TRANSFER_ROLES or not actor.requester.country == "US":
        raise PageForbidden(actor.user.role)
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        first, last = dt.date(2019, 11, 1), dt.date(2020, 3, 31)
    board = await run_in_threadpool(_run, request, lambda s: _board(s, first, last))
    return page(
        request,
        "transfers.html",
        actor=actor,
        section="transfers",
        start=first,
        end=last,
        may_decide=actor.user.role == "supervisor",
        **board,
    )


@router.post("/transfers/{plan_id}/{case_id}")
async def transfer_decide(
    request: Request,
    actor: SignedIn,
    plan_id: str,
    case_id: str,
    decision: Annotated[Literal["accepted", "edited", "rejected"], Form()],
    slot_id: Annotated[str, Form(max_length=80)] = "",
    note: Annotated[str, Form(max_length=400)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    if actor.user.role != "supervisor" or actor.requester.country != "US":
        raise PageForbidden(actor.user.role)
    from amparo.transfers import proposals

    try:
        await run_in_threadpool(
            _run,
            request,
            lambda s: proposals.decide(
                s,
                plan_id[:40],
                case_id[:40],
                actor=actor.id,
                decision=decision,
                slot_id=slot_id.strip() or None,
                note=note.strip() or None,
            ),
        )
    except AmparoError as exc:
        return not_done(request, actor, exc, "/transfers")
    return RedirectResponse("/transfers#plan", status_code=303)


# --- flows dashboard ------------------------------------------------------------------------


def _charts(folder: Path, lang: str) -> list[str]:
    """The dashboard's charts in ``lang``, drawn once into ``folder`` (SVG)."""
    from amparo.flows import charts

    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "year_on_year.svg").exists():
        charts.series_chart("citizenship", folder, language=lang)
        charts.series_chart("demographic", folder, language=lang)
        charts.year_on_year_chart(folder, language=lang)
        charts.pathway_chart(folder, language=lang)
    return sorted(p.stem for p in folder.glob("*.svg"))


def _claims() -> list[dict[str, Any]]:
    from amparo.flows import claims

    return [v.as_dict() for v in claims.check_file()]


@router.get("/flows", response_class=HTMLResponse)
async def flows_dashboard(request: Request, actor: SignedIn) -> Response:
    if actor.user.role not in FLOWS_ROLES:
        raise PageForbidden(actor.user.role)
    lang = language(request)
    folder = request.app.state.settings.data_dir / "web-charts" / lang
    try:
        names = await run_in_threadpool(_charts, folder, lang)
        verdicts = await run_in_threadpool(_claims)
    except AmparoError as exc:
        return page(request, "error.html", actor=actor, status=503, title=str(exc), message=str(exc))
    return page(request, "flows.html", actor=actor, section="flows", charts=names, verdicts=verdicts)


@router.get("/flows/chart/{name}.svg")
async def flows_chart(request: Request, actor: SignedIn, name: str) -> Response:
    if actor.user.role not in FLOWS_ROLES:
        raise PageForbidden(actor.user.role)
    folder = request.app.state.settings.data_dir / "web-charts" / language(request)
    path = folder / f"{name}.svg"
    if not name.replace("_", "").isalnum() or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, media_type="image/svg+xml")
