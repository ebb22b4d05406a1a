"""Users of an agency: adding one (name, role and agency checked), listing, revoking and
rotating tokens. Every change is audited by the caller's command in the same transaction.

* A user name is 1 to 120 characters, none of them a control character (C0, DEL, C1) or a
  lone surrogate, with no leading or trailing space.
* The role must be one the agency may hold (:func:`amparo.access.policy.roles_for_agency`): a
  partner agency ``partner`` (unless an arrangement says more); only an agency of the
  installation's own country may hold case-work and administration roles.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlalchemy.orm import Session

from amparo.access.agencies import get_agency
from amparo.access.policy import roles_for_agency
from amparo.errors import FieldError, InputError
from amparo.store.models import User
from amparo.store.roles import ROLES, Role, is_role
from amparo.store.users import DEFAULT_TOKEN_DAYS, add_user

MAX_NAME = 120


def check_name(name: str, *, where: str = "/name") -> str:
    """``name`` when it is a valid user name (see the module docstring); InputError naming ``where``."""
    problem: str | None = None
    if not name or not name.strip():
        problem = "must not be empty"
    elif len(name) > MAX_NAME:
        problem = f"must be at most {MAX_NAME} characters (got {len(name)})"
    elif name != name.strip():
        problem = "must not start or end with a space"
    elif any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        problem = "must not contain control characters or lone surrogates"
    if problem is not None:
        raise InputError([FieldError(where, f"user name {problem}")])
    return name


def check_role_for_agency(role: str, agency: str, *, home: str | None = None) -> Role:
    """InputError naming /role when ``role`` is unknown or not one ``agency`` may hold."""
    if not is_role(role):
        raise InputError([FieldError("/role", f"unknown role '{role}'; expected one of: {', '.join(ROLES)}")])
    get_agency(agency)
    allowed = roles_for_agency(agency, home)
    if role not in allowed:
        listed = ", ".join(r for r in ROLES if r in allowed) or "none"
        raise InputError(
            [FieldError("/role", f"a user of {agency} may not hold the role '{role}'; may: {listed}")]
        )
    return role


def create_user(
    session: Session,
    *,
    name: str,
    role: str,
    agency: str,
    home: str | None = None,
    token_days: int = DEFAULT_TOKEN_DAYS,
    now: dt.datetime | None = None,
) -> tuple[User, str]:
    """Add a user and return it with its new API token (shown once, stored hashed, expiring after
    ``token_days``); InputError naming /name, /role or /agency when one is not acceptable."""
    check_name(name)
    get_agency(agency)
    checked = check_role_for_agency(role, agency, home=home)
    return add_user(session, name=name, role=checked, agency=agency, token_days=token_days, now=now)
