"""Request dependencies: the database, the authenticated user, and roles, enforced here only.

Every route names the one permission it needs (:data:`PERMISSIONS`); :func:`allowed` checks
the Bearer token and the role, and yields the :class:`amparo.access.actor.Actor`. Every write
(any permission but ``read``) also needs a user of an agency of the installation's own country
holding a role that agency may hold (:func:`amparo.access.policy.roles_for_agency`): a partner
agency's user never writes, whatever role a database writer gave it.

The token is looked up in the database on every request (one indexed read): a revoked user or
an expired or rotated token is refused at once, on every worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from amparo.access.actor import Actor
from amparo.access.agencies import get_agency
from amparo.access.policy import roles_for_agency
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
        user = await run_in_threadpool(_token_user, made, credentials.credentials)
        if user is None:
            raise AuthError("The token is not valid.")
        home: str = request.app.state.settings.installation
        if user.role not in roles or (permission != "read" and not may_write(user, home)):
            raise RoleForbidden(user.role, permission)
        return Actor(user, today=request.app.state.clock, home=home)

    return dependency


def may_write(user: User, home: str) -> bool:
    """Whether ``user`` may write at all: a user of an agency of the installation's country
    (``home``) holding a role that agency may hold."""
    try:
        agency = get_agency(user.agency)
    except InputError:
        return False
    return agency.country == home and user.role in roles_for_agency(agency.code, home)


def _token_user(made: sessionmaker[Session], token: str) -> User | None:
    """The token's user while it may act (read now: a revocation takes effect at once)."""
    if len(token) > 512:
        return None
    with made() as session:
        user = user_by_token(session, token)
        if user is not None:
            session.expunge(user)
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
