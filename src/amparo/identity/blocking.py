"""Blocking at intake: the keys a known person is indexed under, and candidate retrieval.

Every known person has rows in ``identity_keys`` (``d:1990-05-03``, ``gs:JOSE|PEREZ``,
``sy:PEREZ|1990``, ``ss:LOPEZ|PEREZ``, ``doc:...``). They are written in the same statement as
the person, by intake (:meth:`amparo.identity.resolution.Resolution.rows`), or by
:func:`index_person` for persons made elsewhere (a split); :func:`index_unindexed_persons` is the
explicit catch-up for persons stored before the index existed (``amparo identity index``), never
run per intake, and :func:`index_missing_keys` adds the keys of a kind added later (``ss:``) to
persons indexed before it.

The surname pair (``ss:``, the two surnames in alphabetical order, so either order finds it)
finds a returning person whose given name carries a typo or was written in the other order and
whose birth date is missing on one side: none of the other keys holds such a pair.

Candidates are ranked by how specific the keys they share are (each key counts one over the
number of known persons under it), not by how many: a person sharing only the exact birth date
outranks hundreds sharing a common surname and year of birth.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, exists, select
from sqlalchemy.orm import Session

from amparo.identity.person_records import person_record
from amparo.identity.tables import IdentityKey

#: At most this many candidates (the ones sharing the most blocking keys) are scored.
MAX_CANDIDATES = 200
KEYS: Table = IdentityKey.__table__  # type: ignore[assignment]


def record_keys(record: Mapping[str, Any]) -> set[str]:
    """The blocking keys a known person is indexed under."""
    keys: set[str] = set()
    g1, s1, s2, dob, year = (record.get(k) for k in ("given_1", "surname_1", "surname_2", "dob", "dob_year"))
    if dob:
        keys.add(f"d:{dob}")
    for surname in (s1, s2):
        if g1 and surname:
            keys.add(f"gs:{g1}|{surname}")
        if surname and year:
            keys.add(f"sy:{surname}|{year}")
    if s1 and s2:
        keys.add(f"ss:{'|'.join(sorted((s1, s2)))}")
    if record.get("document_number"):
        keys.add(f"doc:{record['document_number']}")
    return keys


def query_keys(record: Mapping[str, Any]) -> set[str]:
    """The keys to look up for a new record: its own, and those of its likely variants
    (day and month swapped, year off by one, surnames with the year off by one)."""
    keys = record_keys(record)
    year, month, day = (record.get(k) for k in ("dob_year", "dob_month", "dob_day"))
    if isinstance(year, int) and isinstance(month, int) and isinstance(day, int):
        for y, m, d in ((year, day, month), (year - 1, month, day), (year + 1, month, day)):
            try:
                keys.add(f"d:{dt.date(y, m, d).isoformat()}")
            except ValueError:
                continue
        for surname in (record.get("surname_1"), record.get("surname_2")):
            if surname:
                keys.update({f"sy:{surname}|{year - 1}", f"sy:{surname}|{year + 1}"})
    return keys


@dataclass(frozen=True)
class Candidates:
    """Known persons sharing a key with the record, most shared first, and the keys each has."""

    person_ids: list[str]
    keys_of: dict[str, frozenset[str]]


def candidates(session: Session, record: Mapping[str, Any] | None) -> Candidates:
    """The candidates of ``record`` (one indexed look-up; at most :data:`MAX_CANDIDATES`, the
    ones whose shared keys are the most specific: the sum of one over each key's block size)."""
    keys = sorted(query_keys(record)) if record is not None else []
    if not keys:
        return Candidates([], {})
    rows = session.execute(select(KEYS.c.key, KEYS.c.person_id).where(KEYS.c.key.in_(keys))).all()
    held: dict[str, set[str]] = defaultdict(set)
    for key, person_id in rows:
        held[person_id].add(key)
    size = Counter(key for key, _ in rows)
    specificity = {pid: sum(1.0 / size[k] for k in ks) for pid, ks in held.items()}
    ranked = [pid for pid, _ in sorted(specificity.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]]
    return Candidates(ranked, {pid: frozenset(held[pid]) for pid in ranked})


def key_rows(person_id: str, keys: Iterable[str]) -> list[tuple[Table, dict[str, Any]]]:
    """``identity_keys`` rows for :func:`amparo.store.multi_insert.insert_rows`."""
    return [(KEYS, {"key": key, "person_id": person_id}) for key in sorted(set(keys))]


def index_person(session: Session, person: Any, *, known: Iterable[str] = ()) -> int:
    """Index a person made outside intake (a split) under its keys, but those in ``known``."""
    from amparo.store.multi_insert import insert_rows

    rows = key_rows(person.id, record_keys(person_record(person)) - set(known))
    insert_rows(session, rows)
    return len(rows)


def index_unindexed_persons(session: Session, *, batch: int = 10_000) -> int:
    """Index every stored person without any key (an explicit catch-up, not run at intake)."""
    from amparo.store.models import Person

    done, after = 0, ""
    while True:
        pending = session.scalars(
            select(Person)
            .where(Person.id > after, ~exists().where(KEYS.c.person_id == Person.id))
            .order_by(Person.id)
            .limit(batch)
        ).all()
        for person in pending:
            index_person(session, person)
        done += len(pending)
        if len(pending) < batch:
            return done
        after = pending[-1].id


def index_missing_keys(session: Session, *, batch: int = 10_000) -> int:
    """Add to every stored person the keys of its person row it lacks (a key kind added after
    it was indexed); returns the number of keys added. An explicit catch-up, like
    :func:`index_unindexed_persons`."""
    from amparo.store.models import Person
    from amparo.store.multi_insert import insert_rows

    added, after = 0, ""
    while True:
        persons = session.scalars(
            select(Person).where(Person.id > after).order_by(Person.id).limit(batch)
        ).all()
        if not persons:
            return added
        held: dict[str, set[str]] = defaultdict(set)
        ids = [p.id for p in persons]
        for key, person_id in session.execute(
            select(KEYS.c.key, KEYS.c.person_id).where(KEYS.c.person_id.in_(ids))
        ):
            held[person_id].add(key)
        for person in persons:
            rows = key_rows(person.id, record_keys(person_record(person)) - held[person.id])
            insert_rows(session, rows)
            added += len(rows)
        if len(persons) < batch:
            return added
        after = persons[-1].id
