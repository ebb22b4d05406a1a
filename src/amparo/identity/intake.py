"""Identity hook called at intake (stable interface).

:func:`resolve_person` is called by the intake service inside its transaction with the new
encounter document; it returns the id of the person already known that this encounter belongs
to, or ``None`` when the encounter is of a new person (the intake service then creates one).

How: the encounter's person is normalised (:mod:`amparo.identity.names`), candidate persons are
retrieved through blocking keys (``identity_keys``), and each candidate is scored by the shipped
Fellegi–Sunter model in real time (:mod:`amparo.identity.realtime`), without re-running a
batch; the model's batch prior is replaced by the intake prior (:data:`REPEAT_RATE` spread over
the known persons). At or above :data:`AUTO_LINK` the encounter joins the best candidate; between
:data:`REVIEW_FLOOR` and :data:`AUTO_LINK` it becomes a new person and the possible link goes to
the review queue; every outcome is recorded in ``identity_links`` with its explanation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.identity.names import normalise_record

#: Match probability at or above which an encounter joins a known person without review.
AUTO_LINK = 0.95
#: Below AUTO_LINK and at or above this, the possible link goes to the review queue.
REVIEW_FLOOR = 0.3
#: Prior probability that a new encounter is of someone already known (the USBP repeat
#: crossing rate, 27% in FY2021). Spread over the N known persons it gives the per-candidate
#: prior used at intake, in place of the batch prior the model was trained with.
REPEAT_RATE = 0.27
#: At most this many candidates (the ones sharing the most blocking keys) are scored.
MAX_CANDIDATES = 200


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
    if record.get("document_number"):
        keys.add(f"doc:{record['document_number']}")
    return keys


def query_keys(record: Mapping[str, Any]) -> set[str]:
    """The keys to look up for a new record: its own, and those of its likely variants."""
    keys = record_keys(record)
    year, month, day = (record.get(k) for k in ("dob_year", "dob_month", "dob_day"))
    if isinstance(year, int) and isinstance(month, int) and isinstance(day, int):
        variants = [(year, day, month), (year - 1, month, day), (year + 1, month, day)]
        for y, m, d in variants:
            try:
                keys.add(f"d:{dt.date(y, m, d).isoformat()}")
            except ValueError:
                continue
        for surname in (record.get("surname_1"), record.get("surname_2")):
            if surname:
                keys.update({f"sy:{surname}|{year - 1}", f"sy:{surname}|{year + 1}"})
    return keys


def person_record(person: Any) -> dict[str, Any]:
    """A store Person as a normalised record (record_id = person id)."""
    nationalities = list(person.nationalities or [])
    return normalise_record(
        {
            "record_id": person.id,
            "given_names": person.given_names,
            "surnames": person.surnames,
            "birth_date": person.birth_date,
            "nationality": nationalities[0] if nationalities else None,
        }
    )


def encounter_record(encounter: Mapping[str, Any]) -> dict[str, Any] | None:
    """The encounter's person as a normalised record, or None when it carries no name."""
    person = encounter.get("person") or {}
    if not (person.get("given_names") or person.get("surnames")):
        return None
    nationalities = person.get("nationalities") or []
    birth = person.get("birth_date")
    try:
        return normalise_record(
            {
                "record_id": encounter.get("id") or "new",
                "given_names": person.get("given_names"),
                "surnames": person.get("surnames"),
                "birth_date": birth if isinstance(birth, str) else None,
                "sex": person.get("sex"),
                "nationality": nationalities[0] if nationalities else None,
            }
        )
    except ValueError:
        return None


def index_pending_persons(session: Session) -> int:
    """Index the blocking keys of persons not yet indexed (those created since the last call)."""
    from amparo.identity.tables import IdentityIndexed
    from amparo.store.models import Person

    pending = session.scalars(
        select(Person).where(Person.id.not_in(select(IdentityIndexed.person_id))).limit(10_000)
    ).all()
    for person in pending:
        add_keys(session, person.id, record_keys(person_record(person)))
        session.add(IdentityIndexed(person_id=person.id))
    session.flush()
    return len(pending)


def watch_new_persons(session: Session) -> None:
    """Index every Person this session adds, when it flushes (once per session).

    The intake service creates the person after :func:`resolve_person` returns None, in the
    same transaction; this indexes it there, so the next encounter finds it without a scan.
    """
    if session.info.get("amparo_identity_watch"):
        return
    from sqlalchemy import event

    from amparo.identity.tables import IdentityIndexed
    from amparo.store.models import Person

    def before_flush(flushing: Session, _context: Any, _instances: Any) -> None:
        for obj in list(flushing.new):
            if isinstance(obj, Person) and obj.id:
                add_keys(flushing, obj.id, record_keys(person_record(obj)), check_existing=False)
                flushing.add(IdentityIndexed(person_id=obj.id))

    event.listen(session, "before_flush", before_flush)
    session.info["amparo_identity_watch"] = True


def add_keys(session: Session, person_id: str, keys: Iterable[str], *, check_existing: bool = True) -> None:
    """Index ``person_id`` under ``keys`` (those it has already are skipped)."""
    from amparo.identity.tables import IdentityKey

    wanted = set(keys)
    if not wanted:
        return
    have: set[str] = set()
    if check_existing:
        have = set(
            session.scalars(
                select(IdentityKey.key).where(IdentityKey.person_id == person_id, IdentityKey.key.in_(wanted))
            )
        )
    for key in sorted(wanted - have):
        session.add(IdentityKey(key=key, person_id=person_id))


def candidate_person_ids(session: Session, record: Mapping[str, Any]) -> list[str]:
    """Known persons sharing at least one blocking key with ``record``, most shared first."""
    from amparo.identity.tables import IdentityKey

    keys = sorted(query_keys(record))
    if not keys:
        return []
    hits = Counter(session.scalars(select(IdentityKey.person_id).where(IdentityKey.key.in_(keys))))
    return [pid for pid, _ in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]]


def resolve_person(session: Session, encounter: Mapping[str, Any]) -> str | None:
    """The known person this encounter belongs to, or None (a new person; see the module doc)."""
    if encounter_record(encounter) is None:
        return None
    from amparo.identity.resolution import resolve

    return resolve(session, encounter).person_id
