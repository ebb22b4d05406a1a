"""The web interface for officers, supervisors, partner authorities and analysts, in English and
Spanish: server-rendered pages (Jinja2, HTMX for partial updates, no build step) over the same
services and the same access decision as the HTTP API.

:func:`install` adds the pages, the static files and the session cookie to the app that
:func:`amparo.api.create_app` builds; the API's bearer tokens are unchanged.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from amparo.settings import Settings
from amparo.web import routes_auth, routes_cases, routes_docs, routes_intake, routes_law, routes_work
from amparo.web.answers import message_page
from amparo.web.sessions import CsrfRefused, NotSignedIn, PageForbidden, session_options

STATIC = Path(__file__).with_name("static")


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the web interface from ``app``."""
    app.add_middleware(SessionMiddleware, **session_options(settings.data_dir))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (routes_auth, routes_cases, routes_docs, routes_intake, routes_law, routes_work):
        app.include_router(module.router)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/signin"})
        return RedirectResponse(f"/signin?next={exc.next_url}", status_code=303)

    @app.exception_handler(PageForbidden)
    async def forbidden(request: Request, _exc: PageForbidden) -> Response:
        return message_page(request, None, 403, "Not for your role", "Your role may not use this page.")

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: CsrfRefused) -> Response:
        return message_page(
            request, None, 403, "The form has expired", "Reload the page and send the form again."
        )
