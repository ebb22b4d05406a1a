"""Intake linkage as it happens: encounters arrive in date order and are resolved one by one.

The store is seeded with the persons first seen before a cut-off day (each under its first
record, indexed); the next ``probes`` encounters are then taken in date order through the
intake hook (:func:`amparo.identity.intake.resolve_at_intake`) and written as intake writes
them (a new person when not linked, the identity rows), so a person returning twice meets the
record of the first return too. New people are in the stream as well as returning ones, so a
wrong auto-link of a new person counts.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: FY2019 Southwest border encounters a day (the synthetic population's calibration, CBP).
FY2019_ENCOUNTERS_A_DAY = 977_509 / 365


@dataclass
class IntakeLinkage:
    """What the simulation measured."""

    known_persons: int
    probes: int
    returning: int
    linked_right: int
    linked_wrong: int
    review_right: int
    review: int
    distinct_returning: int
    milliseconds: list[float]
    #: (best candidate's probability, whether it is the right person) for every probe with one.
    scored: list[tuple[float, bool]]
    #: (probability, arriving record, candidate's true person id) of wrong best candidates >= 0.3.
    wrong_cases: list[tuple[float, dict[str, Any], str | None]] = field(default_factory=list)
    #: (probability or None, arriving record) of returning people not auto-linked to themselves.
    missed_cases: list[tuple[float | None, dict[str, Any]]] = field(default_factory=list)

    @property
    def link_rate(self) -> float:
        return self.linked_right / max(1, self.returning)

    @property
    def reviews_a_day(self) -> float:
        return self.review / max(1, self.probes) * FY2019_ENCOUNTERS_A_DAY


def _doc(e: dict[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = {
        "given_names": e["given_names"],
        "surnames": e["surnames"],
        "nationalities": [e["nationality"]],
    }
    if e.get("birth_date"):
        person["birth_date"] = e["birth_date"]
    if e.get("sex"):
        person["sex"] = e["sex"]
    return {"id": e["record_id"], "person": person}


def simulate(n_records: int, probes: int, seed: int = 77) -> IntakeLinkage:
    """Seed with the persons of the first ``n_records`` (by date), then resolve ``probes`` more."""
    from amparo.identity import synth
    from amparo.identity.blocking import index_unindexed_persons
    from amparo.identity.intake import resolve_at_intake
    from amparo.store.db import make_engine, session_factory, transaction, upgrade
    from amparo.store.models import Encounter, Person, User, utcnow
    from amparo.store.multi_insert import insert_rows

    # A quarter more than needed, the latest dropped: the end of a generated timeline holds only
    # returns (visits run up to 900 days past the last first visit), the middle a natural mix.
    population = synth.generate((n_records + probes) * 5 // 4, seed)
    stream = sorted(population.encounters, key=lambda e: (e["encountered_on"], e["record_id"]))
    seeded, arriving = stream[:n_records], stream[n_records : n_records + probes]
    first_seen: dict[str, dict[str, Any]] = {}
    for e in seeded:
        first_seen.setdefault(e["person_id"], e)
    stored_as: dict[str, str] = {pid: pid for pid in first_seen}  # true person -> a store person
    true_of: dict[str, str] = {pid: pid for pid in first_seen}  # store person -> who it was made for
    counts: Counter[str] = Counter()
    times: list[float] = []
    scored: list[tuple[float, bool]] = []
    wrong_cases: list[tuple[float, dict[str, Any], str | None]] = []
    missed_cases: list[tuple[float | None, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'amparo.db'}"
        upgrade(url)
        engine = make_engine(url)
        factory = session_factory(engine)
        with transaction(factory) as session:
            session.add(User(id="U-sim", name="sim", role="officer", agency="US-CBP", token_sha256="0" * 64))
            for pid, e in first_seen.items():
                session.add(_person(Person, pid, e))
            session.flush()
            for pid, e in first_seen.items():
                session.add(_encounter(Encounter, pid, e))
        with transaction(factory) as session:
            index_unindexed_persons(session)
        for number, e in enumerate(arriving):
            returning = e["person_id"] in stored_as
            with transaction(factory) as session:
                started = time.perf_counter()
                identity = resolve_at_intake(session, _doc(e))
                times.append(1000 * (time.perf_counter() - started))
                person_id = identity.person_id or f"PN{number:07d}"
                if identity.person_id is None:
                    session.add(_person(Person, person_id, e))
                    session.flush()
                session.add(_encounter(Encounter, person_id, e))
                insert_rows(session, identity.rows(person_id, utcnow()))
            outcome = identity.resolution.outcome
            candidate = identity.resolution.candidate_person_id
            right = returning and candidate is not None and true_of.get(candidate) == e["person_id"]
            if identity.resolution.probability is not None:
                scored.append((identity.resolution.probability, right))
                if not right and identity.resolution.probability >= 0.3 and candidate is not None:
                    wrong_cases.append((identity.resolution.probability, e, true_of.get(candidate)))
            if returning and not (outcome == "link" and right):
                missed_cases.append((identity.resolution.probability if right else None, e))
            counts["returning"] += returning
            counts["linked_right"] += outcome == "link" and right
            counts["linked_wrong"] += outcome == "link" and not right
            counts["review"] += outcome == "review"
            counts["review_right"] += outcome == "review" and right
            counts["distinct_returning"] += outcome == "distinct" and returning
            stored_as.setdefault(e["person_id"], person_id)
            true_of.setdefault(person_id, e["person_id"])
        engine.dispose()
    return IntakeLinkage(
        len(first_seen),
        len(arriving),
        counts["returning"],
        counts["linked_right"],
        counts["linked_wrong"],
        counts["review_right"],
        counts["review"],
        counts["distinct_returning"],
        times,
        scored,
        wrong_cases,
        missed_cases,
    )


def _person(model: Any, pid: str, e: dict[str, Any]) -> Any:
    return model(
        id=pid,
        given_names=e["given_names"],
        surnames=e["surnames"],
        birth_date=dt.date.fromisoformat(e["birth_date"]) if e["birth_date"] else None,
        nationalities=[e["nationality"]],
    )


def _encounter(model: Any, person_id: str, e: dict[str, Any]) -> Any:
    """What the resolution reads of a stored encounter: its person, under the person it joined."""
    return model(
        id=e["record_id"],
        person_id=person_id,
        document=_doc(e),
        document_sha256="0" * 64,
        encountered_on=dt.date.fromisoformat(e["encountered_on"]),
        nationality=e["nationality"][:2],
        border="southwest_land",
        manner="between_ports",
        agency="US-CBP",
        received_by="U-sim",
    )
