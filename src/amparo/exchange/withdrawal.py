"""Re-evaluating what was sealed for a person when more becomes known about them.

8 CFR 208.6 is decided on everything known about the PERSON (:mod:`amparo.access.facts`). When
a new encounter or an identity link adds a nationality or a feared country, an envelope already
sealed for one of the person's cases, but not yet acknowledged by its recipient (not yet
delivered), may now go to a barred government: :func:`withdraw_unsent` marks each such envelope
withdrawn (``withdrawn_at``) and audits the withdrawal with its reason. A withdrawn envelope is
never to be delivered; its receipt, if one still arrives, is recorded but the withdrawal stays.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.access.facts import person_countries
from amparo.engine.registry import PackRegistry
from amparo.exchange.models import ExchangeEnvelope
from amparo.store.models import Case


def withdraw_unsent(session: Session, person_id: str, *, packs: PackRegistry, actor: str) -> list[str]:
    """Withdraw every unacknowledged envelope sent for a case of ``person_id`` to an
    installation of a country the person is a national of or fears; the ids withdrawn."""
    barred = person_countries(session, packs, [person_id])[person_id].barred()
    case_ids = list(session.scalars(select(Case.id).where(Case.person_id == person_id)))
    if not case_ids or not barred:
        return []
    rows = session.scalars(
        select(ExchangeEnvelope).where(
            ExchangeEnvelope.direction == "out",
            ExchangeEnvelope.record_id.in_(case_ids),
            ExchangeEnvelope.acknowledged_at.is_(None),
            ExchangeEnvelope.withdrawn_at.is_(None),
        )
    ).all()
    withdrawn: list[str] = []
    now = dt.datetime.now(dt.UTC).isoformat()
    for row in rows:
        if row.peer not in barred:
            continue
        row.withdrawn_at = now
        withdrawn.append(row.envelope_id)
        audit.record(
            session,
            actor=actor,
            action="disclosure_withdrawn",
            record_kind="envelope",
            record_id=row.envelope_id,
            purpose=row.purpose,
            outcome="refused",
            detail={
                "case": row.record_id,
                "to": row.peer,
                "reasons": [
                    f"8 CFR 208.6: {row.peer} is now a country of the person's nationality or one they fear"
                ],
            },
        )
    return withdrawn
