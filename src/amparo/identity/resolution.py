"""Resolving one encounter to a person from biographic and (when given) biometric evidence.

:func:`resolve` decides and writes nothing: it returns a :class:`Resolution` whose
:meth:`Resolution.rows` are the identity rows to insert with the encounter (its blocking keys,
its ``identity_links`` row, an ``identity_reviews`` row when uncertain), so intake writes them
in its own statement (:mod:`amparo.identity.intake`); :func:`record` inserts them for other
callers. With a probe template it also searches the enrolled templates 1:N, so an alias
(another name, the same face) becomes a candidate too, and every candidate's biographic
weight is fused with its biometric score (:func:`amparo.identity.fusion.fuse`).

The per-candidate prior is :data:`REPEAT_RATE` spread over the known persons, whose number is
counted once per database and process and kept up to date by the persons intake creates
(:class:`KnownPersons`), so an intake runs no ``COUNT(*)``.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, func, select
from sqlalchemy.orm import Session

from amparo.errors import LinkageError, MissingExtra
from amparo.identity import blocking, outcomes
from amparo.identity.fusion import DEFAULT_FACE_SCORES, FusedLink, ScoreModel, fuse
from amparo.identity.outcomes import Outcome
from amparo.identity.person_records import encounter_record, person_record
from amparo.identity.tables import IdentityLink, IdentityReview

if TYPE_CHECKING:
    import numpy as np

#: The candidates whose person rows score best are then judged on how their latest encounters
#: recorded them (at most ENCOUNTER_RECORDS each, the best-matching one counting): a returning
#: person is compared with every way they were written down, sex included.
RECORDS_FOR_LEADERS = 10
ENCOUNTER_RECORDS = 5
#: Gallery hits scored as candidates when a probe is given.
BIOMETRIC_CANDIDATES = 5
#: Prior probability that a new encounter is of someone already known (the USBP repeat
#: crossing rate, 27% in FY2021). Spread over the N known persons it gives the per-candidate
#: prior used at intake, in place of the batch prior the model was trained with.
REPEAT_RATE = 0.27
LINKS: Table = IdentityLink.__table__  # type: ignore[assignment]
REVIEWS: Table = IdentityReview.__table__  # type: ignore[assignment]


class KnownPersons:
    """The number of known persons per database, counted once and then kept by intake.

    Re-counted when older than :attr:`max_age_s` (persons made by other processes) or while
    small (below :attr:`recount_below`, where one person more changes the prior and a count
    costs nothing).
    """

    max_age_s = 60.0
    recount_below = 5_000

    def __init__(self) -> None:
        self._counts: weakref.WeakKeyDictionary[Engine, tuple[int, float]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, session: Session) -> int:
        from amparo.store.models import Person

        engine = session.get_bind()
        cached = None
        if isinstance(engine, Engine):
            with self._lock:
                cached = self._counts.get(engine)
        now = time.monotonic()
        if cached is not None and cached[0] >= self.recount_below and now - cached[1] < self.max_age_s:
            return cached[0]
        count = int(session.scalar(select(func.count()).select_from(Person)) or 0)
        if isinstance(engine, Engine):
            with self._lock:
                self._counts[engine] = (count, now)
        return count

    def added(self, session: Session) -> None:
        """One person more (intake created one)."""
        engine = session.get_bind()
        with self._lock:
            cached = self._counts.get(engine) if isinstance(engine, Engine) else None
            if cached is not None and isinstance(engine, Engine):
                self._counts[engine] = (cached[0] + 1, cached[1])


KNOWN_PERSONS = KnownPersons()


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` decided: the known person (None unless ``link``) and why."""

    encounter_id: str
    person_id: str | None
    outcome: Outcome
    probability: float | None
    biometric_score: float | None
    explanation: dict[str, Any]
    candidate_person_id: str | None = None
    keys: frozenset[str] = field(default_factory=frozenset)
    #: The keys :attr:`person_id` is already indexed under (not written again).
    held_keys: frozenset[str] = field(default_factory=frozenset)

    def rows(self, person_id: str, now: dt.datetime) -> list[tuple[Table, dict[str, Any]]]:
        """The rows to insert with the encounter, ``person_id`` being the person it is stored
        under (the linked person, or the new one): the record's keys the person lacks, the
        ``identity_links`` row and, for ``review``, the ``identity_reviews`` row."""
        from amparo.store.ids import new_id

        held = self.held_keys if person_id == self.person_id else frozenset()
        rows = blocking.key_rows(person_id, self.keys - held)
        rows.append(
            (
                LINKS,
                {
                    "id": new_id("IL"),
                    "encounter_id": self.encounter_id,
                    "person_id": person_id,
                    "outcome": self.outcome,
                    "match_probability": self.probability,
                    "biometric_score": self.biometric_score,
                    "explanation": self.explanation,
                    "created_at": now,
                },
            )
        )
        if self.outcome == "review" and self.candidate_person_id is not None:
            rows.append(
                (
                    REVIEWS,
                    {
                        "id": new_id("IR"),
                        "encounter_id": self.encounter_id,
                        "candidate_person_id": self.candidate_person_id,
                        "match_probability": self.probability,
                        "explanation": self.explanation,
                        "status": "open",
                        "created_at": now,
                    },
                )
            )
        return rows


def _log2_odds(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


def scorer() -> Any:
    """The shipped model's real-time scorer (MissingExtra without the linkage extra)."""
    try:
        from amparo.identity.realtime import default_scorer

        return default_scorer()
    except ImportError as exc:
        raise MissingExtra(exc.name or "splink", "linkage") from exc


def resolve(
    session: Session,
    encounter: Mapping[str, Any],
    *,
    probe: np.ndarray | None = None,
    key: bytes | None = None,
    score_model: ScoreModel = DEFAULT_FACE_SCORES,
    modality: str = "face",
) -> Resolution:
    """Resolve ``encounter`` against the known persons (see the module docstring); writes nothing."""
    from amparo.store.models import Person

    encounter_id = str(encounter.get("id") or "")
    record = encounter_record(encounter)
    keys = frozenset(blocking.record_keys(record)) if record is not None else frozenset()
    if record is None and probe is None:
        return Resolution(encounter_id, None, "distinct", None, None, {"reason": "no name and no template"})
    known = KNOWN_PERSONS.get(session)
    prior = min(0.5, REPEAT_RATE / max(known, 1))
    found = blocking.candidates(session, record)
    biometric = _biometric_scores(session, probe, key, modality) if probe is not None else {}
    top_faces = sorted(biometric, key=lambda p: -biometric[p])[:BIOMETRIC_CANDIDATES]
    ids = sorted(set(found.person_ids) | set(top_faces))
    columns = (Person.id, Person.given_names, Person.surnames, Person.birth_date, Person.nationalities)
    persons = session.execute(select(*columns).where(Person.id.in_(ids))).all() if ids else []
    fields: dict[str, dict[str, float]] = {p.id: {} for p in persons}
    evidence: dict[str, list[Any]] = {p.id: [] for p in persons}
    if record is not None and persons:
        first = scorer().score(record, [person_record(p) for p in persons])  # best first
        leaders = [s.record_id for s in first[:RECORDS_FOR_LEADERS]]
        recorded = scorer().score(record, _encounter_records(session, leaders))
        # A leader is judged on its encounters as recorded (with sex, which its person row lacks:
        # a missing field weighs nothing where a disagreeing one weighs against), the best of them.
        judged = {s.record_id for s in recorded}
        best_weight: dict[str, float] = {}
        for scored in [s for s in first if s.record_id not in judged] + recorded:
            if scored.match_weight <= best_weight.get(scored.record_id, -math.inf):
                continue  # the person's best-matching record speaks for them
            best_weight[scored.record_id] = scored.match_weight
            fields[scored.record_id] = {e.comparison: e.match_weight for e in scored.evidence}
            evidence[scored.record_id] = scored.evidence
    fused: dict[str, FusedLink] = {
        pid: fuse(
            prior_log2_odds=_log2_odds(prior),
            field_weights=fields[pid],
            biometric_score=biometric.get(pid),
            score_model=score_model,
        )
        for pid in fields
    }
    best_id = max(fused, key=lambda pid: (fused[pid].probability, pid)) if fused else None
    explanation: dict[str, Any] = {
        "candidates_scored": len(fused),
        "known_persons": known,
        "prior_per_candidate": prior,
        "auto_link": outcomes.AUTO_LINK,
        "review_floor": outcomes.REVIEW_FLOOR,
        "biometric_searched": probe is not None,
    }
    if best_id is None:
        return Resolution(encounter_id, None, "distinct", None, None, explanation, keys=keys)
    best = fused[best_id]
    explanation |= {k: v for k, v in best.explanation.items() if k != "fields"}
    explanation |= {
        "best_candidate": best_id,
        "fields": [e.as_dict() for e in evidence[best_id]],
        "match_weight": best.explanation["total_weight"],
    }
    outcome = outcomes.outcome_for(best.probability)
    return Resolution(
        encounter_id,
        best_id if outcome == "link" else None,
        outcome,
        best.probability,
        biometric.get(best_id),
        explanation,
        candidate_person_id=best_id,
        keys=keys,
        held_keys=found.keys_of.get(best_id, frozenset()),
    )


def _encounter_records(session: Session, person_ids: list[str]) -> list[dict[str, Any]]:
    """The person as each of their latest encounters recorded them (sex included), as records
    of the person: a returning person is compared with every way they were written down."""
    from amparo.store.models import Encounter

    rows = session.execute(
        select(Encounter.person_id, Encounter.document["person"])
        .where(Encounter.person_id.in_(person_ids))
        .order_by(Encounter.person_id, Encounter.encountered_on.desc())
    ).all()
    taken: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for person_id, person in rows:
        if taken.get(person_id, 0) >= ENCOUNTER_RECORDS or not isinstance(person, dict):
            continue
        made = encounter_record({"id": person_id, "person": person})
        if made is not None:
            taken[person_id] = taken.get(person_id, 0) + 1
            out.append(made)
    return out


def record(session: Session, resolution: Resolution, person_id: str) -> None:
    """Insert the resolution's rows (for callers other than intake, which writes them itself)."""
    from amparo.store.models import utcnow
    from amparo.store.multi_insert import insert_rows

    insert_rows(session, resolution.rows(person_id, utcnow()))


def _biometric_scores(
    session: Session, probe: np.ndarray, key: bytes | None, modality: str
) -> dict[str, float]:
    """Best cosine score of the probe against each enrolled person's templates (exact 1:N)."""
    try:
        from amparo.identity.biometrics import load_templates, normalise
    except ImportError as exc:
        raise MissingExtra(exc.name or "numpy", "linkage") from exc
    if key is None:
        raise LinkageError("a probe template needs the installation's template key")
    person_ids, vectors = load_templates(session, key, modality)
    if not person_ids:
        return {}
    scores = normalise(vectors) @ normalise(probe.reshape(1, -1))[0]
    best: dict[str, float] = {}
    for pid, score in zip(person_ids, scores.tolist(), strict=True):
        best[pid] = max(best.get(pid, -1.0), float(score))
    return best
