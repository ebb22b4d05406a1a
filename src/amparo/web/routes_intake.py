"""Intake in the browser: a form that validates as the user types (against the pack's document
rules, the same ones the API applies), family members and route steps added in place, a review
step that shows the decision the law gives before anything is stored, then the case."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor
from amparo.cases.intake import run_intake
from amparo.errors import AmparoError, FieldError, InputError, Phrase
from amparo.i18n import error_text
from amparo.screening import screen
from amparo.screening.json_values import json_reason
from amparo.web.i18n import translations
from amparo.web.intake_form import MAX_ROWS, document_from_form, field_id
from amparo.web.render import language, page
from amparo.web.sessions import PageForbidden, check_csrf, signed_in

router = APIRouter(include_in_schema=False)
INTAKE_ROLES = frozenset({"officer", "supervisor", "admin"})


def _intaker(actor: Annotated[Actor, Depends(signed_in)]) -> Actor:
    if actor.user.role not in INTAKE_ROLES:
        raise PageForbidden(actor.user.role)
    return actor


Intaker = Annotated[Actor, Depends(_intaker)]


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _problems(request: Request, document: dict[str, Any]) -> list[FieldError]:
    packs = request.app.state.packs
    try:
        packs.for_document(document).parse(document)
    except InputError as exc:
        return list(exc.errors)
    return []


@router.get("/intake", response_class=HTMLResponse)
async def intake_form(request: Request, actor: Intaker, members: int = 1, steps: int = 2) -> Response:
    return page(
        request,
        "intake.html",
        actor=actor,
        section="intake",
        members=range(max(0, min(members, MAX_ROWS))),
        steps=range(max(0, min(steps, MAX_ROWS))),
        values={},
    )


@router.get("/intake/row/{kind}", response_class=HTMLResponse)
async def intake_row(request: Request, actor: Intaker, kind: str, index: int) -> Response:
    """One more family member or route step, added in place (HTMX)."""
    if kind not in {"member", "step"} or not 0 <= index < MAX_ROWS:
        return Response(status_code=404)
    return page(request, "intake_row.html", actor=actor, kind=kind, index=index, values={})


@router.post("/intake/check", response_class=HTMLResponse)
async def intake_check(request: Request, actor: Intaker) -> Response:
    """The problems of the form as it stands (HTMX, as the user types)."""
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    document = document_from_form(form)
    problems = _problems(request, document) if document else []
    return page(request, "intake_problems.html", actor=actor, problems=_placed(problems))


def _placed(problems: list[FieldError]) -> list[dict[str, str]]:
    return [{"path": p.path or "/", "message": p.message, "field": field_id(p.path)} for p in problems]


@router.post("/intake/review", response_class=HTMLResponse)
async def intake_review(request: Request, actor: Intaker) -> Response:
    """The document and the decision it would get, before anything is stored."""
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    document = document_from_form(form)
    problems = _problems(request, document)
    if problems:
        return page(
            request,
            "intake.html",
            actor=actor,
            section="intake",
            status=422,
            members=range(_rows(form, "family_members")),
            steps=range(_rows(form, "route")),
            values=form,
            problems=_placed(problems),
        )
    return _review(request, actor, document)


def _review(request: Request, actor: Actor, document: dict[str, Any]) -> Response:
    """The review page: the document and the decision the law gives it, nothing stored yet."""
    decision = screen(document, request.app.state.packs)
    return page(
        request,
        "intake_review.html",
        actor=actor,
        section="intake",
        document=document,
        document_json=json.dumps(document, ensure_ascii=False),
        decision=decision.to_dict(),
    )


def _rows(form: dict[str, str], prefix: str) -> int:
    indices = [int(k.split(".")[1]) for k in form if k.startswith(prefix + ".") and k.split(".")[1].isdigit()]
    return min(MAX_ROWS, max(indices, default=0) + 1)


@router.get("/intake/document", response_class=HTMLResponse)
async def document_form(request: Request, actor: Intaker) -> Response:
    """Intake of any installed pack's document (e.g. an EU application) written as JSON."""
    schemas = [p.schema_id for p in request.app.state.packs]
    return page(request, "intake_document.html", actor=actor, section="intake", schemas=schemas, text="")


@router.post("/intake/document", response_class=HTMLResponse)
async def document_review(
    request: Request,
    actor: Intaker,
    text: Annotated[str, Form(max_length=1_000_000)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    schemas = [p.schema_id for p in request.app.state.packs]
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        where = Phrase("line {line}, column {column}", line=exc.lineno, column=exc.colno)
        problems = [
            FieldError(
                "", Phrase("not valid JSON: {reason} at {where}", reason=json_reason(exc), where=where)
            )
        ]
        document = None
    else:
        problems = (
            _problems(request, document)
            if isinstance(document, dict)
            else [FieldError("", Phrase("expected a JSON object (one document)"))]
        )
    if problems or not isinstance(document, dict):
        return page(
            request,
            "intake_document.html",
            actor=actor,
            section="intake",
            status=422,
            schemas=schemas,
            text=text,
            problems=_placed(problems),
        )
    return _review(request, actor, document)


@router.post("/intake/submit")
async def intake_submit(
    request: Request,
    actor: Intaker,
    document: Annotated[str, Form(max_length=1_000_000)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    lang = language(request)
    _ = translations(lang).gettext
    try:
        parsed = json.loads(document)
        if not isinstance(parsed, dict):
            raise InputError([FieldError("/", "expected a JSON object")])
        result = await run_in_threadpool(
            run_intake,
            request.app.state.session_factory,
            request.app.state.packs,
            actor,
            str(parsed.get("id", "")),
            parsed,
        )
    except (AmparoError, json.JSONDecodeError) as exc:
        return page(
            request,
            "error.html",
            actor=actor,
            status=422,
            title=_("The encounter was not stored"),
            message=error_text(exc, lang),
            errors=getattr(exc, "errors", None),
            back="/intake",
        )
    case_id = result.body.encounter.case_id
    return RedirectResponse(f"/cases/{case_id}#decision", status_code=303)
