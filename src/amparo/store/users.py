"""Users and their API tokens: a token is shown once and stored only as its SHA-256 (tokens are
256-bit random, so no salt is needed).

Adding a user with its role and agency checked is :func:`amparo.access.users.create_user`; this
module stores what it is given.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.store.ids import new_id
from amparo.store.integrity import translated
from amparo.store.models import User
from amparo.store.roles import Role


def token_sha256(token: str) -> str:
    """How an API token is stored: only its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(session: Session, *, name: str, role: Role, agency: str) -> tuple[User, str]:
    """Store a user and return it with its new API token (Conflict when the name is taken)."""
    token = secrets.token_urlsafe(32)
    user = User(id=new_id("U"), name=name, role=role, agency=agency, token_sha256=token_sha256(token))
    with translated(session, "user", name):
        session.add(user)
    return user, token


def user_by_token(session: Session, token: str) -> User | None:
    """The active user holding this token, or None."""
    user = session.scalar(select(User).where(User.token_sha256 == token_sha256(token)))
    return user if user is not None and user.active else None
