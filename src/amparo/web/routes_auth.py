"""Signing in and out, and choosing the language."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from amparo.access.signin import Signin, sign_in
from amparo.store.db import transaction
from amparo.web.i18n import LANGUAGES, translations
from amparo.web.render import language, page
from amparo.web.sessions import check_csrf, end_session, start_session

router = APIRouter(include_in_schema=False)


def local_path(target: str | None, default: str = "/cases") -> str:
    """``target`` when it is a path on this site (never another host: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    return RedirectResponse("/cases" if request.session.get("user_id") else "/signin", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
async def signin_form(request: Request, next: str | None = None) -> Response:
    return page(request, "signin.html", next_url=local_path(next))


def _sign_in(made: sessionmaker[Session], name: str, token: str) -> Signin:
    with transaction(made) as session:
        result = sign_in(session, name=name, token=token, now=dt.datetime.now(dt.UTC))
        if result.user is not None:
            session.expunge(result.user)
        return result


@router.post("/signin", response_class=HTMLResponse)
async def signin(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    token: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/cases",
) -> Response:
    check_csrf(request, csrf)
    _ = translations(language(request)).gettext
    result = await run_in_threadpool(_sign_in, request.app.state.session_factory, name.strip(), token.strip())
    if result.user is None:
        message = _("The user name or the access token is not right.")
        if result.locked_until is not None:
            message = _("Too many failed attempts: this user name is locked for 15 minutes.")
        return page(request, "signin.html", status=401, error=message, name=name, next_url=local_path(next))
    start_session(request, result.user)
    return RedirectResponse(local_path(next), status_code=303)


@router.post("/signout")
async def signout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, csrf)
    end_session(request)
    return RedirectResponse("/signin", status_code=303)


@router.post("/lang")
async def choose_language(
    request: Request,
    lang: Annotated[str, Form(max_length=8)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    check_csrf(request, csrf)
    if lang in LANGUAGES:
        request.session["lang"] = lang
    return RedirectResponse(local_path(next, "/"), status_code=303)
