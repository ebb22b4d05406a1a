"""The roles a user holds, listed once: every check, model and message uses :data:`Role`."""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

Role = Literal["officer", "supervisor", "analyst", "admin", "partner"]
#: Every role, in the order messages list them.
ROLES: tuple[Role, ...] = get_args(Role)


def is_role(value: str) -> TypeGuard[Role]:
    """Whether ``value`` names a role."""
    return value in ROLES
