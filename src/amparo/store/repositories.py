"""Repositories: the only place SQLAlchemy errors become domain errors.

``IntegrityError`` (a unique key taken, a foreign key missing) is translated into
:class:`amparo.errors.Conflict`; a missing row into :class:`amparo.errors.NotFound`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from amparo.errors import Conflict, FieldError, InputError
from amparo.store.models import User

ROLES: tuple[str, ...] = ("officer", "supervisor", "analyst", "admin", "partner")


def new_id(prefix: str) -> str:
    """A new random identifier such as ``C-3f2a…`` (prefix names the kind)."""
    return f"{prefix}-{os.urandom(16).hex()}"


def canonical_json(document: Mapping[str, Any]) -> str:
    """The canonical text of a JSON document: sorted keys, no spaces (for equality and hashing)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def document_sha256(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical text: two documents are the same iff their digests are."""
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def token_sha256(token: str) -> str:
    """How an API token is stored: only its SHA-256 (tokens are 256-bit random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@contextmanager
def translated(session: Session, kind: str, key: str) -> Iterator[None]:
    """Flush inside; an IntegrityError becomes Conflict(kind, key)."""
    try:
        yield
        session.flush()
    except IntegrityError as exc:
        raise Conflict(kind, key, "It was written concurrently or refers to a missing record.") from exc


def encode_cursor(*parts: str) -> str:
    """An opaque pagination cursor from the sort key of the last item returned."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[str]:
    """The sort key inside a cursor; InputError naming /cursor when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        parts = None
    if not isinstance(parts, list) or len(parts) != width or not all(isinstance(p, str) for p in parts):
        raise InputError([FieldError("/cursor", "is not a cursor returned by this list; start without one")])
    return parts


def create_user(session: Session, *, name: str, role: str, agency: str) -> tuple[User, str]:
    """Add a user and return it with its new API token (shown once, stored hashed)."""
    from amparo.access.agencies import get_agency

    if role not in ROLES:
        raise InputError([FieldError("/role", f"unknown role '{role}'; expected one of: {', '.join(ROLES)}")])
    get_agency(agency)
    token = secrets.token_urlsafe(32)
    user = User(id=new_id("U"), name=name, role=role, agency=agency, token_sha256=token_sha256(token))
    with translated(session, "user", name):
        session.add(user)
    return user, token


def user_by_token(session: Session, token: str) -> User | None:
    """The active user holding this token, or None."""
    user = session.scalar(select(User).where(User.token_sha256 == token_sha256(token)))
    return user if user is not None and user.active else None
