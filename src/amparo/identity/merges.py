"""Merges and splits of persons, recorded and reversible (officers' decisions on the review
queue, with audit and explanation, are in :mod:`amparo.identity.decisions`).

A merge moves every encounter (and its case) of one person to another; a split moves the
named encounters of a person to a new person. Each is an ``identity_changes`` row listing the
encounters it moved, so :func:`reverse` can move exactly those back and mark both rows.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from amparo.errors import FieldError, InputError, NotFound
from amparo.identity.blocking import index_person
from amparo.identity.tables import IdentityChange
from amparo.store.ids import new_id
from amparo.store.models import Case, Encounter, Person, utcnow


def _move(session: Session, encounter_ids: list[str], to_person_id: str) -> None:
    session.execute(update(Encounter).where(Encounter.id.in_(encounter_ids)).values(person_id=to_person_id))
    session.execute(update(Case).where(Case.encounter_id.in_(encounter_ids)).values(person_id=to_person_id))


def _person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person", person_id)
    return person


def merge(session: Session, *, keep: str, absorb: str, reason: str, by: str) -> IdentityChange:
    """Move every encounter of ``absorb`` to ``keep``; returns the recorded change."""
    if keep == absorb:
        raise InputError([FieldError("/absorb", "a person cannot be merged into itself")])
    _person(session, keep)
    _person(session, absorb)
    moved = list(
        session.scalars(select(Encounter.id).where(Encounter.person_id == absorb).order_by(Encounter.id))
    )
    _move(session, moved, keep)
    change = IdentityChange(
        id=new_id("IC"),
        kind="merge",
        from_person_id=absorb,
        to_person_id=keep,
        encounter_ids=moved,
        reason=reason,
        by_user=by,
        at=utcnow(),
    )
    session.add(change)
    session.flush()
    return change


def split(
    session: Session, *, person_id: str, encounter_ids: list[str], reason: str, by: str
) -> IdentityChange:
    """Move ``encounter_ids`` of ``person_id`` to a new person (a copy of its identity fields)."""
    source = _person(session, person_id)
    owned = set(session.scalars(select(Encounter.id).where(Encounter.person_id == person_id)))
    stray = sorted(set(encounter_ids) - owned)
    if stray or not encounter_ids:
        raise InputError(
            [
                FieldError(
                    "/encounter_ids", f"not encounters of {person_id}: {', '.join(stray) or 'none given'}"
                )
            ]
        )
    new_person = Person(
        id=new_id("P"),
        given_names=source.given_names,
        surnames=source.surnames,
        birth_date=source.birth_date,
        nationalities=list(source.nationalities or []),
    )
    session.add(new_person)
    session.flush()
    index_person(session, new_person)
    _move(session, sorted(encounter_ids), new_person.id)
    change = IdentityChange(
        id=new_id("IC"),
        kind="split",
        from_person_id=person_id,
        to_person_id=new_person.id,
        encounter_ids=sorted(encounter_ids),
        created_person=True,
        reason=reason,
        by_user=by,
        at=utcnow(),
    )
    session.add(change)
    session.flush()
    return change


def reverse(session: Session, change_id: str, *, reason: str, by: str) -> IdentityChange:
    """Undo a merge or split: move its encounters back; both rows record the reversal."""
    change = session.get(IdentityChange, change_id)
    if change is None:
        raise NotFound("identity change", change_id)
    if change.reversed_by is not None or change.kind == "reversal":
        raise InputError(
            [FieldError("/change_id", f"{change_id} is already reversed or is itself a reversal")]
        )
    _move(session, list(change.encounter_ids), change.from_person_id)
    back = IdentityChange(
        id=new_id("IC"),
        kind="reversal",
        from_person_id=change.to_person_id,
        to_person_id=change.from_person_id,
        encounter_ids=list(change.encounter_ids),
        reason=reason,
        by_user=by,
        at=utcnow(),
        reverses=change.id,
    )
    change.reversed_by = back.id
    session.add(back)
    session.flush()
    return back
