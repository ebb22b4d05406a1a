"""The case queue, the overdue list and the case page, with findings, steps and concurrence.

Every read goes through the same case services as the API, so the same access decision applies:
a view the policy refuses is left out of the page exactly as the API answers 404 for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor
from amparo.access.policy import read_purpose
from amparo.cases import decisions, lists, reads, steps
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, NotFound
from amparo.web.answers import SignedIn, in_transaction, message_page, not_done
from amparo.web.case_details import case_details
from amparo.web.render import page
from amparo.web.sessions import check_csrf

router = APIRouter(include_in_schema=False)
_run = in_transaction


def _reader(actor: Actor) -> Actor:
    return actor.reading(read_purpose(actor.user.role, None, where="purpose"))


@router.get("/cases", response_class=HTMLResponse)
async def queue(
    request: Request,
    actor: SignedIn,
    state: str | None = None,
    nationality: str | None = None,
    agency: str | None = None,
    overdue: bool = False,
    cursor: str | None = None,
) -> Response:
    reader = _reader(actor)
    filters = {
        "state": (state or "").strip()[:40] or None,
        "nationality": (nationality or "").strip().upper()[:2] or None,
        "agency": (agency or "").strip().upper()[:32] or None,
    }
    if overdue:
        deadlines = await run_in_threadpool(
            _run,
            request,
            lambda s, p: lists.list_deadlines(s, p, reader, overdue=True, cursor=cursor, limit=50),
        )
        return page(
            request, "overdue.html", actor=actor, section="cases", deadlines=deadlines, filters=filters
        )
    cases = await run_in_threadpool(
        _run, request, lambda s, p: lists.list_cases(s, p, reader, cursor=cursor, limit=50, **filters)
    )
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return page(
        request, "queue.html", actor=actor, section="cases", cases=cases, filters=filters, query=query
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, actor: SignedIn, case_id: str) -> Response:
    reader = _reader(actor)
    try:
        details = await run_in_threadpool(
            _run, request, lambda s, p: case_details(s, p, reader, case_id[:40])
        )
    except NotFound:
        return _not_found(request, actor)
    return page(request, "case.html", actor=actor, section="cases", **details)


def _not_found(request: Request, actor: Actor) -> Response:
    return message_page(
        request, actor, 404, "No such case", "There is no case with this id that you may see."
    )


def _refused(request: Request, actor: Actor, case_id: str, exc: AmparoError) -> Response:
    if isinstance(exc, NotFound):
        return _not_found(request, actor)
    return not_done(request, actor, exc, f"/cases/{case_id}")


async def _write(
    request: Request, actor: Actor, case_id: str, work: Callable[[Session, PackRegistry], object], anchor: str
) -> Response:
    """Run a write on the case; back to the case page, or the page saying why it was not done."""
    try:
        await run_in_threadpool(_run, request, work)
    except AmparoError as exc:
        return _refused(request, actor, case_id, exc)
    return RedirectResponse(f"/cases/{case_id}{anchor}", status_code=303)


def _parse_value(raw: str) -> Any:
    """A finding's value from the form: yes/no, a list of country codes, or text."""
    text = raw.strip()
    if text.lower() in {"true", "yes", "sí", "si"}:
        return True
    if text.lower() in {"false", "no"}:
        return False
    if "," in text or (len(text) == 2 and text.isalpha() and text.isupper()):
        return [part.strip().upper() for part in text.split(",") if part.strip()]
    return text


@router.post("/cases/{case_id}/findings")
async def post_finding(
    request: Request,
    actor: SignedIn,
    case_id: str,
    key: Annotated[str, Form(max_length=64)],
    value: Annotated[str, Form(max_length=500)],
    version: Annotated[int, Form()],
    interview: Annotated[str, Form(max_length=200)] = "",
    interviewed_on: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    try:
        on = dt.date.fromisoformat(interviewed_on) if interviewed_on else None
    except ValueError:
        on = None
    return await _write(
        request,
        actor,
        case_id,
        lambda s, p: decisions.add_findings(
            s,
            p,
            actor,
            case_id,
            findings={key.strip(): _parse_value(value)},
            interview=interview.strip() or None,
            interviewed_on=on,
            as_of=None,
            expected_version=version,
        ),
        "#decision",
    )


@router.post("/cases/{case_id}/transition")
async def post_transition(
    request: Request,
    actor: SignedIn,
    case_id: str,
    to: Annotated[str, Form(max_length=40)],
    version: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    return await _write(
        request,
        actor,
        case_id,
        lambda s, p: steps.transition(
            s, p, actor, case_id, to=to, reason=reason.strip() or None, expected_version=version
        ),
        "",
    )


@router.post("/cases/{case_id}/concurrence")
async def post_concurrence(
    request: Request,
    actor: SignedIn,
    case_id: str,
    decision: Annotated[str, Form(max_length=10)],
    version: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    return await _write(
        request,
        actor,
        case_id,
        lambda s, p: steps.concur(
            s,
            p,
            actor,
            case_id,
            concur=decision == "concur",
            reason=reason.strip() or None,
            expected_version=version,
        ),
        "",
    )


@router.post("/cases/{case_id}/notes")
async def post_note(
    request: Request,
    actor: SignedIn,
    case_id: str,
    text: Annotated[str, Form(min_length=1, max_length=5000)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    return await _write(
        request,
        actor,
        case_id,
        lambda s, p: steps.add_note(s, p, actor, case_id, text.strip()),
        "#notes",
    )


__all__ = ["reads", "router"]
