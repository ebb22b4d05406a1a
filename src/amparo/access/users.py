"""Adding a user of an agency: the role and the agency are checked here, then stored
(:func:`amparo.store.users.add_user`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from amparo.access.agencies import get_agency
from amparo.errors import FieldError, InputError
from amparo.store.models import User
from amparo.store.roles import ROLES, is_role
from amparo.store.users import add_user


def create_user(session: Session, *, name: str, role: str, agency: str) -> tuple[User, str]:
    """Add a user and return it with its new API token (shown once, stored hashed); InputError
    naming /role or /agency when either is unknown."""
    if not is_role(role):
        raise InputError([FieldError("/role", f"unknown role '{role}'; expected one of: {', '.join(ROLES)}")])
    get_agency(agency)
    return add_user(session, name=name, role=role, agency=agency)
