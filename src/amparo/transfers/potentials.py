"""Capacity prices ("potentials") from the relaxation's duals, and placing a case that arrives
between two plans.

The dual of a capacity row is what one more person of that capacity would add to the people the
plan can place (0 for a row with room to spare). A slot's price per person is the sum of the duals
of its rows (its seats, its month's cap, the shelter days it occupies). A case arriving between
plans is placed on the eligible slot with room whose price is lowest, unless that price is above
its own value (one per person: the capacity it would take is worth more people elsewhere): the idea behind dynamic placement with potentials
(Annie MOORE; Ahani, Gölz, Procaccia, Teytelboym and Trapp), where a greedy placement that ignores
prices uses up capacity the next plan would have used better.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from amparo.transfers.instance import Instance
from amparo.transfers.model import Case, Slot

_ROUND = 6


def potentials(instance: Instance, duals: Sequence[float]) -> dict[str, object]:
    """The ``potentials`` key of PLAN.json: each row's price, and each slot's price per person."""
    rows = [
        {"kind": row.kind, "receiving_country": row.country, "key": row.label, "price": round(price, _ROUND)}
        for row, price in zip(instance.rows, duals, strict=True)
        if price > 1e-9
    ]
    slot_price = {
        slot.slot_id: round(sum(duals[r] for r in instance.rows_of_slot[i]), _ROUND)
        for i, slot in enumerate(instance.slots)
    }
    return {
        "unit": "people placed per person of capacity (LP duals of the capacity rows)",
        "rows": rows,
        "slot_price": slot_price,
    }


def choose_slot(
    case: Case,
    slots: Sequence[Slot],
    slot_price: Mapping[str, float],
    room: Mapping[str, int],
    *,
    today: dt.date | None = None,
) -> Slot | None:
    """The slot for a case arriving between plans, or None (wait for the next plan).

    ``room`` is the people each slot can still take within every capacity row (the caller computes
    it from the accepted plan). The hard rules of the plan apply: a vulnerable case, a country of
    nationality or of feared harm, or a slot outside the window is never chosen.
    """
    if case.vulnerable or case.receiving_country in case.nationalities:
        return None
    if case.receiving_country in case.excluded_countries:
        return None
    best: tuple[float, dt.date, str] | None = None
    chosen: Slot | None = None
    for slot in slots:
        if slot.receiving_country != case.receiving_country:
            continue
        if not case.earliest <= slot.date <= case.deadline or (today is not None and slot.date < today):
            continue
        if room.get(slot.slot_id, 0) < case.people:
            continue
        price = slot_price.get(slot.slot_id, 0.0)
        if price > 1.0 + 1e-9:
            continue
        key = (price, slot.date, slot.slot_id)
        if best is None or key < best:
            best, chosen = key, slot
    return chosen
