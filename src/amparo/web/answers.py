"""What every page handler shares: running work in one transaction, and the pages that say a
request was not done, was refused or found nothing — in the request's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from amparo.access.actor import Actor
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, FieldError
from amparo.store.db import transaction
from amparo.web.i18n import translations
from amparo.web.render import language, page
from amparo.web.sessions import signed_in

T = TypeVar("T")
SignedIn = Annotated[Actor, Depends(signed_in)]


def in_transaction(request: Request, work: Callable[[Session, PackRegistry], T]) -> T:
    """``work(session, packs)`` in one transaction of the app's store (run it in a thread)."""
    with transaction(request.app.state.session_factory) as session:
        return work(session, request.app.state.packs)


def message_page(
    request: Request,
    actor: Actor | None,
    status: int,
    title: str,
    message: str = "",
    *,
    errors: Sequence[FieldError] | None = None,
    back: str | None = None,
) -> Response:
    """An error page: ``title`` and ``message`` are English msgids, shown in the request's language."""
    _ = translations(language(request)).gettext
    return page(
        request,
        "error.html",
        actor=actor,
        status=status,
        title=_(title),
        message=_(message) if message else "",
        errors=errors,
        back=back,
    )


def not_done(request: Request, actor: Actor, exc: AmparoError, back: str) -> Response:
    """A write the domain refused (422), with each field it names."""
    errors = getattr(exc, "errors", None)
    return message_page(request, actor, 422, "Not done", "" if errors else str(exc), errors=errors, back=back)
