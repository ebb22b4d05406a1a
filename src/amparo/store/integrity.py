"""Where SQLAlchemy's integrity errors become domain errors: ``IntegrityError`` (a unique key
taken, a foreign key missing) is translated into :class:`amparo.errors.Conflict`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from amparo.errors import Conflict


@contextmanager
def translated(session: Session, kind: str, key: str) -> Iterator[None]:
    """Flush inside; an IntegrityError becomes Conflict(kind, key)."""
    try:
        yield
        session.flush()
    except IntegrityError as exc:
        raise Conflict(kind, key, "It was written concurrently or refers to a missing record.") from exc
