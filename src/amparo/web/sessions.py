"""Web sessions: a signed session cookie, CSRF tokens, and the signed-in user of a request.

The cookie (Starlette's SessionMiddleware, signed with a key kept in the installation's data
directory, HttpOnly, SameSite=Lax) holds only the user id, the CSRF token and the chosen
language. Every state-changing request carries the CSRF token (a hidden form field, or the
``X-CSRF-Token`` header HTMX sends), compared in constant time. A user deactivated in the store
is signed out at their next request.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor
from amparo.access.signin import active_user
from amparo.errors import AuthError
from amparo.store.models import User

SESSION_COOKIE = "amparo_session"
SESSION_SECONDS = 8 * 3600
KEY_FILE = "web-session.key"


def session_key(data_dir: Path) -> str:
    """The key that signs session cookies, made once per installation (mode 0600)."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


class CsrfRefused(Exception):
    """A state-changing request without this session's CSRF token."""


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a write whose token is missing or not this session's."""
    expected = request.session.get("csrf")
    header = request.headers.get("x-csrf-token")
    given = sent or header or ""
    if not isinstance(expected, str) or not secrets.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused()


class NotSignedIn(AuthError):
    """A page needs a signed-in user; the web edge answers it with the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url
        super().__init__("Sign in first.")


class PageForbidden(AuthError):
    """The signed-in user's role may not use this page (answered 403)."""

    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(f"The role '{role}' may not use this page.")


def _load_user(made: sessionmaker[Session], user_id: str) -> User | None:
    with made() as session:
        user = active_user(session, user_id)
        if user is not None:
            session.expunge(user)
        return user


async def signed_in(request: Request) -> Actor:
    """The signed-in user of this request (NotSignedIn otherwise)."""
    user_id = request.session.get("user_id")
    user = None
    if isinstance(user_id, str):
        user = await run_in_threadpool(_load_user, request.app.state.session_factory, user_id)
    if user is None:
        request.session.pop("user_id", None)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NotSignedIn(target)
    return Actor(user, today=request.app.state.clock)


def start_session(request: Request, user: User) -> None:
    """Sign ``user`` in: a new CSRF token (no fixation of one from before sign-in)."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update({"user_id": user.id, "csrf": secrets.token_urlsafe(32)})
    if lang:
        request.session["lang"] = lang


def end_session(request: Request) -> None:
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang


def session_options(data_dir: Path, *, https_only: bool = False) -> dict[str, Any]:
    """Keyword arguments of Starlette's SessionMiddleware for this installation."""
    return {
        "secret_key": session_key(data_dir),
        "session_cookie": SESSION_COOKIE,
        "max_age": SESSION_SECONDS,
        "same_site": "lax",
        "https_only": https_only,
    }
