"""TEMPORARY re-exports (issue 10) for modules not yet moved to the split store modules:
ids (:mod:`amparo.store.ids`), conflicts (:mod:`amparo.store.integrity`), cursors
(:mod:`amparo.store.cursors`), canonical JSON (:mod:`amparo.store.canonical_json`), roles
(:mod:`amparo.store.roles`), users and tokens (:mod:`amparo.store.users`; adding a user with its
role and agency checked: :func:`amparo.access.users.create_user`). Import from those; delete this
module once ``grep -rn store.repositories src tests benchmarks`` is empty."""

from __future__ import annotations

from typing import TYPE_CHECKING

from amparo.store.canonical_json import canonical_json, document_sha256
from amparo.store.cursors import decode_cursor, encode_cursor
from amparo.store.ids import new_id
from amparo.store.integrity import translated
from amparo.store.roles import ROLES
from amparo.store.users import token_sha256, user_by_token

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from amparo.store.models import User

__all__ = [
    "ROLES",
    "canonical_json",
    "create_user",
    "decode_cursor",
    "document_sha256",
    "encode_cursor",
    "new_id",
    "token_sha256",
    "translated",
    "user_by_token",
]


def create_user(session: Session, *, name: str, role: str, agency: str) -> tuple[User, str]:
    """TEMPORARY: :func:`amparo.access.users.create_user`."""
    from amparo.access.users import create_user as create

    return create(session, name=name, role=role, agency=agency)
