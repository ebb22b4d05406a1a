"""Partner capacity as dated data in the store: record a value (audited), read the value in force,
and assemble the planner's :class:`~amparo.transfers.model.Capacity` for a period.

A change never overwrites: it is a new row, and a row for the same country, measure and
``valid_from`` that it replaces gets ``superseded_by``. Every change is an audit entry (who, what,
the value before and after). The shipped figures (``data/partner_capacity.yaml``) are loaded with
:func:`load_shipped`, each with its source.
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
from amparo.transfers.model import Capacity, MonthlyCap, Shelter, Slot
from amparo.transfers.tables import MEASURES, CapacityValue, TransferSlot

PURPOSE = "transfer planning"
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def record_value(
    session: Session,
    *,
    actor: str,
    receiving_country: str,
    measure: str,
    value: int,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    source: str,
    certainty: str = "V",
) -> str:
    """Record one dated capacity value (superseding the one with the same start); audited."""
    errors: list[FieldError] = []
    if not _COUNTRY.match(receiving_country):
        errors.append(
            FieldError("/receiving_country", f"expected an ISO alpha-2 code; got {receiving_country!r}")
        )
    if measure not in MEASURES:
        errors.append(FieldError("/measure", f"expected one of {', '.join(MEASURES)}; got {measure!r}"))
    if not isinstance(value, int) or value < 0:
        errors.append(FieldError("/value", f"expected an integer ≥ 0; got {value!r}"))
    if valid_to is not None and valid_to <= valid_from:
        errors.append(FieldError("/valid_to", f"{valid_to} is not after valid_from {valid_from}"))
    if not source.strip():
        errors.append(FieldError("/source", "a source is required for every capacity figure"))
    if errors:
        raise InputError(errors)
    row_id = new_id("CAP")
    replaced = session.scalars(
        select(CapacityValue).where(
            CapacityValue.receiving_country == receiving_country,
            CapacityValue.measure == measure,
            CapacityValue.valid_from == valid_from,
            CapacityValue.superseded_by.is_(None),
        )
    ).all()
    for old in replaced:
        old.superseded_by = row_id
    session.add(
        CapacityValue(
            id=row_id,
            receiving_country=receiving_country,
            measure=measure,
            value=value,
            valid_from=valid_from,
            valid_to=valid_to,
            source=source,
            certainty=certainty,
            recorded_by=actor,
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="transfers.capacity.set",
        record_kind="transfer_capacity",
        record_id=row_id,
        purpose=PURPOSE,
        outcome="ok",
        detail={
            "receiving_country": receiving_country,
            "measure": measure,
            "value": value,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "replaces": [{"id": old.id, "value": old.value} for old in replaced],
        },
    )
    return row_id


def value_on(session: Session, receiving_country: str, measure: str, day: dt.date) -> int | None:
    """The value in force on ``day`` (the latest start on or before it, not superseded), or None."""
    row = session.scalars(
        select(CapacityValue)
        .where(
            CapacityValue.receiving_country == receiving_country,
            CapacityValue.measure == measure,
            CapacityValue.superseded_by.is_(None),
            CapacityValue.valid_from <= day,
        )
        .order_by(CapacityValue.valid_from.desc(), CapacityValue.recorded_at.desc())
    ).first()
    if row is None or (row.valid_to is not None and row.valid_to <= day):
        return None
    return row.value


def record_slot(session: Session, *, actor: str, slot: Slot) -> None:
    """Add or change a departure; audited."""
    existing = session.get(TransferSlot, slot.slot_id)
    before = None if existing is None else {"date": existing.date.isoformat(), "seats": existing.seats}
    if existing is None:
        session.add(
            TransferSlot(
                slot_id=slot.slot_id,
                receiving_country=slot.receiving_country,
                date=slot.date,
                seats=slot.seats,
                recorded_by=actor,
            )
        )
    else:
        existing.receiving_country, existing.date, existing.seats = (
            slot.receiving_country,
            slot.date,
            slot.seats,
        )
        existing.recorded_by = actor
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="transfers.slot.set",
        record_kind="transfer_slot",
        record_id=slot.slot_id,
        purpose=PURPOSE,
        outcome="ok",
        detail={"before": before, "after": {"date": slot.date.isoformat(), "seats": slot.seats}},
    )


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    firsts: list[dt.date] = []
    day = start.replace(day=1)
    while day <= end:
        firsts.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return firsts


def capacity_for(session: Session, start: dt.date, end: dt.date) -> Capacity:
    """The planner's capacity for departures dated ``start`` … ``end``.

    Monthly caps: the value in force on the first day of each month (or on ``start``). Shelter: the
    fewest places and the longest stay in force on any departure date of the period (a change of
    shelter within a period is planned for conservatively).
    """
    rows = session.scalars(
        select(TransferSlot)
        .where(TransferSlot.date >= start, TransferSlot.date <= end)
        .order_by(TransferSlot.date)
    ).all()
    slots = tuple(Slot(r.slot_id, r.date, r.receiving_country, r.seats) for r in rows)
    caps: list[MonthlyCap] = []
    shelters: list[Shelter] = []
    for country in sorted({s.receiving_country for s in slots}):
        for first in _months(start, end):
            cap = value_on(session, country, "monthly_cap_people", max(first, start))
            if cap is not None:
                caps.append(MonthlyCap(country, f"{first:%Y-%m}", cap))
        days = sorted({s.date for s in slots if s.receiving_country == country})
        places = [p for d in days if (p := value_on(session, country, "shelter_places", d)) is not None]
        stays = [v for d in days if (v := value_on(session, country, "shelter_stay_days", d)) is not None]
        if places:
            shelters.append(Shelter(country, min(places), max(stays) if stays else 1))
    return Capacity(slots, tuple(caps), tuple(shelters))


def load_shipped(session: Session, *, actor: str) -> list[str]:
    """Record the shipped partner figures (Guatemala facts, Honduras and El Salvador scenarios)."""
    from amparo.transfers.synthetic import partner_capacity

    data: dict[str, Any] = partner_capacity()["countries"]
    measures = {
        "asylum_officers": "adjudicators",
        "cases_decided_per_year_capacity_high": "decisions_per_year",
        "government_shelter_places": "shelter_places",
    }
    ids: list[str] = []
    for fact in data["GT"]["facts"]:
        if fact["measure"] in measures:
            ids.append(
                record_value(
                    session,
                    actor=actor,
                    receiving_country="GT",
                    measure=measures[fact["measure"]],
                    value=int(fact["value"]),
                    valid_from=fact["as_of"],
                    source=str(fact["source"]),
                    certainty=str(fact["certainty"]),
                )
            )
    for country, scenario, start in (
        ("GT", "as_implemented", dt.date(2019, 11, 1)),
        ("HN", "decision_throughput", dt.date(2019, 1, 1)),
        ("SV", "decision_throughput", dt.date(2019, 1, 1)),
    ):
        entry = data[country]["scenarios"][scenario]
        ids.append(
            record_value(
                session,
                actor=actor,
                receiving_country=country,
                measure="monthly_cap_people",
                value=int(entry["monthly_cap_people"]),
                valid_from=start,
                source=f"scenario {scenario}: {entry['derived']}",
                certainty="U",
            )
        )
    return ids
