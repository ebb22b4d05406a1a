"""Identity hook called at intake (stable interface).

:func:`resolve_at_intake` is called by the intake service inside its transaction with the new
encounter document, before it writes anything. It returns an :class:`IntakeIdentity`: the id
of the person already known that this encounter belongs to (``person_id``; ``None`` for a new
person, whom the intake service then creates) and, through :meth:`IntakeIdentity.rows`, the
identity rows to insert in the intake's own statement: the person's blocking keys (so the
next encounter finds a new person without any catch-up), the ``identity_links`` row that
records and explains the outcome, and, when uncertain, the ``identity_reviews`` row.

How: :func:`amparo.identity.resolution.resolve` (blocking look-up, real-time scoring by the
shipped model, prior spread over the known persons); outcomes and bands are those of
:mod:`amparo.identity.outcomes`. Without the ``linkage`` extra, intake still works: every
encounter is a new person, indexed, and its link row says why it was not compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from amparo.errors import MissingExtra
from amparo.identity import blocking
from amparo.identity.person_records import encounter_record
from amparo.identity.resolution import KNOWN_PERSONS, Resolution, resolve


@dataclass(frozen=True)
class IntakeIdentity:
    """The identity side of one intake: the known person, and the rows to write with it."""

    session: Session
    resolution: Resolution

    @property
    def person_id(self) -> str | None:
        """The known person the encounter joins, or None (a new person)."""
        return self.resolution.person_id

    def rows(self, person_id: str, now: dt.datetime) -> list[tuple[Table, dict[str, Any]]]:
        """The identity rows for the intake statement; ``person_id`` is the person the encounter
        is stored under (the known one, or the new one the intake service creates)."""
        if person_id != self.resolution.person_id:
            KNOWN_PERSONS.added(self.session)
        return self.resolution.rows(person_id, now)


def resolve_at_intake(session: Session, encounter: Mapping[str, Any]) -> IntakeIdentity:
    """Resolve ``encounter`` for intake (see the module docstring); writes nothing."""
    try:
        resolution = resolve(session, encounter)
    except MissingExtra as missing:
        record = encounter_record(encounter)
        resolution = Resolution(
            str(encounter.get("id") or ""),
            None,
            "distinct",
            None,
            None,
            {"reason": f"not compared: {missing}"},
            keys=frozenset(blocking.record_keys(record)) if record is not None else frozenset(),
        )
    return IntakeIdentity(session, resolution)
