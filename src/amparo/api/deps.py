"""Request dependencies: the database, the authenticated user, and roles, enforced here only.

Every route names the one permission it needs (:data:`PERMISSIONS`); :func:`allowed` checks
the Bearer token and the role, and yields the :class:`amparo.access.actor.Actor`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor
from amparo.api.problems import RoleForbidden, VersionRequired
from amparo.engine.registry import PackRegistry
from amparo.errors import AuthError, FieldError, InputError
from amparo.store.models import User
from amparo.store.users import user_by_token

# permission -> the roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"officer", "supervisor", "analyst", "admin", "partner"}),
    "intake": frozenset({"officer", "supervisor", "admin"}),
    "casework": frozenset({"officer", "supervisor"}),
    "concur": frozenset({"supervisor"}),
}

bearer = HTTPBearer(auto_error=False, description="An API token from `amparo users add --print-token`.")


# The dependencies are coroutines: they do no blocking work on the common path (a token found
# in the cache), and FastAPI would otherwise send each one to the thread pool and back.


async def factory(request: Request) -> sessionmaker[Session]:
    """The session factory the app's lifespan created."""
    made: sessionmaker[Session] = request.app.state.session_factory
    return made


Factory = Annotated[sessionmaker[Session], Depends(factory)]


async def packs(request: Request) -> PackRegistry:
    """The law packs the app was created with."""
    registry: PackRegistry = request.app.state.packs
    return registry


Packs = Annotated[PackRegistry, Depends(packs)]


def allowed(permission: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency: the authenticated user, who must hold ``permission``."""
    roles = PERMISSIONS[permission]

    async def dependency(
        request: Request,
        made: Factory,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Actor:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise AuthError("Send 'Authorization: Bearer <token>'.")
        found, user = _remembered(request, credentials.credentials)
        if not found:  # not in the cache: read it from the database, off the event loop
            user = await run_in_threadpool(_cached_user, request, made, credentials.credentials)
        if user is None:
            raise AuthError("The token is not valid.")
        if user.role not in roles:
            raise RoleForbidden(user.role, permission)
        return Actor(user, today=request.app.state.clock)

    return dependency


TOKEN_CACHE_SECONDS = 5.0


def _remembered(request: Request, token: str) -> tuple[bool, User | None]:
    """(whether the cache has a live entry for ``token``, its user)."""
    cache: dict[str, tuple[float, User | None]] = request.app.state.token_cache
    hit = cache.get(token)
    if hit is not None and hit[0] > time.monotonic():
        return True, hit[1]
    return False, None


def _cached_user(request: Request, made: sessionmaker[Session], token: str) -> User | None:
    """The token's user, remembered for a few seconds (a deactivated user is refused within
    TOKEN_CACHE_SECONDS) so a request does not open a transaction just to authenticate."""
    cache: dict[str, tuple[float, User | None]] = request.app.state.token_cache
    now = time.monotonic()
    hit = cache.get(token)
    if hit is not None and hit[0] > now:
        return hit[1]
    with made() as session:
        user = user_by_token(session, token)
    if len(cache) > 10_000:
        cache.clear()
    if user is not None:
        cache[token] = (now + TOKEN_CACHE_SECONDS, user)
    return user


Reader = Annotated[Actor, Depends(allowed("read"))]
Intaker = Annotated[Actor, Depends(allowed("intake"))]
CaseWorker = Annotated[Actor, Depends(allowed("casework"))]
Supervisor = Annotated[Actor, Depends(allowed("concur"))]


def _parse_version(value: str) -> int:
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit() or len(text) > 18:
        raise InputError([FieldError("header:if-match", 'expected the ETag of the case, such as "3"')])
    return int(text)


async def required_version(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int:
    """The case version an update was made on (If-Match is required)."""
    if if_match is None:
        raise VersionRequired()
    return _parse_version(if_match)


async def optional_version(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
    """The case version, when the client sent one."""
    return None if if_match is None else _parse_version(if_match)


RequiredVersion = Annotated[int, Depends(required_version)]
OptionalVersion = Annotated[int | None, Depends(optional_version)]
