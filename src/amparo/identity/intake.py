"""Identity hook called at intake (stable interface; the identity issue implements the matching).

:func:`resolve_person` is called by the intake service inside its transaction with the new
encounter document; it returns the id of the person already known that this encounter belongs
to, or ``None`` when the encounter is of a new person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session


def resolve_person(session: Session, encounter: Mapping[str, Any]) -> str | None:
    """The known person this encounter belongs to, or None (every encounter a new person for now)."""
    del session, encounter
    return None
