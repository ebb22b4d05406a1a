"""Users and their API tokens: a token is shown once and stored only as its SHA-256 (tokens are
256-bit random, so no salt is needed).

A token expires (``token_expires_at``; the lifetime is the setting ``token_days``, default 90)
and a user can be revoked (``revoked_at``, ``active`` false); :func:`user_by_token` honours both
at once, on every worker (nothing caches a token past a revocation). Rotation replaces the token
(the old one stops working at once). Adding a user with its role and agency checked is
:func:`amparo.access.users.create_user`; this module stores what it is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.errors import Conflict, NotFound
from amparo.store.ids import new_id
from amparo.store.integrity import translated
from amparo.store.models import User, utcnow
from amparo.store.roles import Role

#: How long a token lives unless the settings say otherwise (``AMPARO_TOKEN_DAYS``).
DEFAULT_TOKEN_DAYS = 90


def token_sha256(token: str) -> str:
    """How an API token is stored: only its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(now: dt.datetime, days: int) -> tuple[str, str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    return token, token_sha256(token), now + dt.timedelta(days=days)


class UserExists(Conflict):
    """Raised when a user name is already taken."""

    def __init__(self, name: str) -> None:
        super().__init__("user", name)
        self.args = (
            f"user '{name}' already exists; choose another name ('amparo users list' shows them), or give "
            f"it a new token with 'amparo users rotate {name} --print-token'",
        )


def add_user(
    session: Session,
    *,
    name: str,
    role: Role,
    agency: str,
    token_days: int = DEFAULT_TOKEN_DAYS,
    now: dt.datetime | None = None,
) -> tuple[User, str]:
    """Store a user and return it with its new API token (Conflict when the name is taken)."""
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise UserExists(name)
    token, digest, expires = _new_token(now or utcnow(), token_days)
    user = User(
        id=new_id("U"), name=name, role=role, agency=agency, token_sha256=digest, token_expires_at=expires
    )
    with translated(session, "user", name):
        session.add(user)
    return user, token


def usable(user: User | None, now: dt.datetime | None = None) -> bool:
    """Whether ``user`` may act now: active, not revoked, its token not expired."""
    if user is None or not user.active or user.revoked_at is not None:
        return False
    return user.token_expires_at is None or user.token_expires_at > (now or utcnow())


def user_by_token(session: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The user holding this token while it may act (active, not revoked, not expired), or None."""
    user = session.scalar(select(User).where(User.token_sha256 == token_sha256(token)))
    return user if usable(user, now) else None


def user_by_name(session: Session, name: str) -> User:
    """The user called ``name``; NotFound otherwise."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound("user", name)
    return user


def all_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def revoke(session: Session, user: User, now: dt.datetime | None = None) -> None:
    """Revoke the user and its token, at once (the next request with it is refused)."""
    user.active = False
    user.revoked_at = now or utcnow()
    session.flush()


def rotate(
    session: Session, user: User, *, token_days: int = DEFAULT_TOKEN_DAYS, now: dt.datetime | None = None
) -> str:
    """A new token for ``user`` (the old one stops working at once); a revoked user stays revoked."""
    token, digest, expires = _new_token(now or utcnow(), token_days)
    user.token_sha256 = digest
    user.token_expires_at = expires
    session.flush()
    return token
