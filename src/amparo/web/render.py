"""Rendering pages: one Jinja2 environment per language, with gettext, locale formats and the
things every page shows (the user, the language switch, the CSRF token)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from amparo.access.actor import Actor
from amparo.i18n import gettext_for, say
from amparo.web.i18n import LANGUAGES, NAMES, format_date, format_number, negotiate, translations
from amparo.web.sessions import csrf_token

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda value: format_date(value, lang)
    env.filters["number"] = lambda value: format_number(value, lang)
    law = gettext_for(lang)  # the law packs' texts (rule titles, summaries, flags) in this language
    env.filters["law"] = lambda value: law(str(value)) if value else value
    # A problem a document or a command was refused for (an errors.Phrase by its template).
    env.filters["said"] = lambda value: say(value, lang) if value else value
    env.globals["lang"] = lang
    return env


def language(request: Request) -> str:
    """The language of this request: the user's choice, else the browser's."""
    chosen = request.session.get("lang") if "session" in request.scope else None
    return negotiate(request.headers.get("accept-language"), chosen if isinstance(chosen, str) else None)


def page(
    request: Request, template: str, *, actor: Actor | None = None, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``template`` for this request in its language."""
    lang = language(request)
    env = environment(lang)
    html = env.get_template(template).render(
        request=request,
        user=actor.user if actor is not None else None,
        csrf=csrf_token(request) if "session" in request.scope else "",
        languages=[(code, NAMES[code]) for code in LANGUAGES],
        **context,
    )
    return HTMLResponse(
        html, status_code=status, headers={"Content-Language": lang, "Vary": "Accept-Language, Cookie"}
    )
