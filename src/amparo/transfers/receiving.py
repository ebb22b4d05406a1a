"""The receiving side: what happens to each transferred person after arrival, as events, and the
cohort statistics computed from them.

The receiving installation records events (``transferred``, ``claim_lodged``, ``abandoned``,
``granted``, ``refused``, ``departed``, ``assisted_return``); each is an audit entry. ``receipt``
gives the document that flows back to the sending installation through the signed exchange
(the exchange wiring itself is left to the exchange area). ``outcome_records`` turns the events
into :class:`~amparo.transfers.cohorts.OutcomeRecord` for :func:`~amparo.transfers.cohorts.cohort_table`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.errors import FieldError, InputError
from amparo.store.ids import new_id
from amparo.transfers.cohorts import OutcomeRecord
from amparo.transfers.tables import EVENTS, TransferOutcome

PURPOSE = "reception and asylum procedure"
_ENDINGS = ("granted", "refused", "abandoned", "departed", "assisted_return")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def record_event(
    session: Session, *, actor: str, case_id: str, receiving_country: str, event: str, event_on: dt.date
) -> dict[str, Any]:
    """Record one event after arrival; audited. Returns its receipt."""
    errors: list[FieldError] = []
    if not case_id:
        errors.append(FieldError("/case_id", "'case_id' is required"))
    if not _COUNTRY.match(receiving_country):
        errors.append(
            FieldError("/receiving_country", f"expected an ISO alpha-2 code; got {receiving_country!r}")
        )
    if event not in EVENTS:
        errors.append(FieldError("/event", f"expected one of {', '.join(EVENTS)}; got {event!r}"))
    if errors:
        raise InputError(errors)
    row = TransferOutcome(
        id=new_id("TO"),
        case_id=case_id,
        receiving_country=receiving_country,
        event=event,
        event_on=event_on,
        recorded_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="transfers.outcome.record",
        record_kind="transfer_outcome",
        record_id=row.id,
        purpose=PURPOSE,
        outcome="ok",
        detail={"case_id": case_id, "event": event, "event_on": event_on.isoformat()},
    )
    return receipt(row)


def receipt(row: TransferOutcome) -> dict[str, Any]:
    """What flows back to the sender: the case, the event and its date — nothing of the claim."""
    return {
        "kind": "transfer_outcome",
        "id": row.id,
        "case_id": row.case_id,
        "receiving_country": row.receiving_country,
        "event": row.event,
        "event_on": row.event_on.isoformat(),
    }


def outcome_records(session: Session, receiving_country: str | None = None) -> list[OutcomeRecord]:
    """One record per transferred case: arrival, first claim, and the last ending event."""
    query = select(TransferOutcome).order_by(TransferOutcome.event_on, TransferOutcome.recorded_at)
    if receiving_country is not None:
        query = query.where(TransferOutcome.receiving_country == receiving_country)
    events: dict[str, list[TransferOutcome]] = {}
    for row in session.scalars(query):
        events.setdefault(row.case_id, []).append(row)
    records: list[OutcomeRecord] = []
    for case_id, rows in events.items():
        arrived = next((r.event_on for r in rows if r.event == "transferred"), None)
        if arrived is None:
            continue
        lodged = next((r.event_on for r in rows if r.event == "claim_lodged"), None)
        endings = [r for r in rows if r.event in _ENDINGS]
        last = endings[-1] if endings else None
        records.append(
            OutcomeRecord(
                case_id, arrived, lodged, last.event if last else None, last.event_on if last else None
            )
        )
    return records
