"""Resolving one encounter to a person from biographic and (when given) biometric evidence.

:func:`resolve` is what :func:`amparo.identity.intake.resolve_person` runs (without a probe).
With a probe template it also searches the enrolled templates 1:N, so an alias (another name,
the same face) becomes a candidate too, and every candidate's biographic weight is fused with
its biometric score (:func:`amparo.identity.fusion.fuse`). The outcome, the candidate and the
whole explanation are recorded in ``identity_links``; uncertain links go to ``identity_reviews``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from amparo.identity import intake
from amparo.identity.fusion import DEFAULT_FACE_SCORES, FusedLink, ScoreModel, fuse

#: Gallery hits scored as candidates when a probe is given.
BIOMETRIC_CANDIDATES = 5


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` decided: the person (None for a new one) and why."""

    person_id: str | None
    outcome: str  # linked | review | new
    probability: float | None
    biometric_score: float | None
    explanation: dict[str, Any]


def _log2_odds(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


def resolve(
    session: Session,
    encounter: Mapping[str, Any],
    *,
    probe: np.ndarray | None = None,
    key: bytes | None = None,
    score_model: ScoreModel = DEFAULT_FACE_SCORES,
    modality: str = "face",
) -> Resolution:
    """Resolve ``encounter`` against the known persons (see the module docstring)."""
    from amparo.identity.realtime import default_scorer
    from amparo.identity.tables import IdentityIndexed, IdentityLink, IdentityReview
    from amparo.store.models import Person
    from amparo.store.repositories import new_id

    record = intake.encounter_record(encounter)
    if record is None and probe is None:
        return Resolution(None, "new", None, None, {"reason": "no name and no template"})
    intake.watch_new_persons(session)
    known = session.scalar(select(func.count()).select_from(IdentityIndexed)) or 0
    if known != (session.scalar(select(func.count()).select_from(Person)) or 0):
        intake.index_pending_persons(session)  # persons made outside intake (imports, splits)
        known = session.scalar(select(func.count()).select_from(IdentityIndexed)) or 0
    prior = min(0.5, intake.REPEAT_RATE / max(known, 1))
    ids = intake.candidate_person_ids(session, record) if record is not None else []
    biometric = _biometric_scores(session, probe, key, modality) if probe is not None else {}
    ids = sorted(set(ids) | set(sorted(biometric, key=lambda p: -biometric[p])[:BIOMETRIC_CANDIDATES]))
    persons = session.scalars(select(Person).where(Person.id.in_(ids))).all() if ids else []
    fields: dict[str, dict[str, float]] = {p.id: {} for p in persons}
    levels: dict[str, list[dict[str, Any]]] = {p.id: [] for p in persons}
    if record is not None and persons:
        for scored in default_scorer().score(record, [intake.person_record(p) for p in persons]):
            fields[scored.record_id] = {e.comparison: e.match_weight for e in scored.evidence}
            levels[scored.record_id] = [e.as_dict() for e in scored.evidence]
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
        "auto_link": intake.AUTO_LINK,
        "review_floor": intake.REVIEW_FLOOR,
        "biometric_searched": probe is not None,
    }
    best = fused[best_id] if best_id is not None else None
    if best is not None and best_id is not None:
        explanation |= {k: v for k, v in best.explanation.items() if k != "fields"}
        explanation |= {
            "best_candidate": best_id,
            "fields": levels[best_id],
            "match_weight": best.explanation["total_weight"],
        }
    encounter_id = str(encounter.get("id") or "")
    person_id: str | None = None
    outcome = "new"
    if best is not None and best_id is not None and best.probability >= intake.AUTO_LINK:
        outcome, person_id = "linked", best_id
        if record is not None:
            intake.add_keys(session, best_id, intake.record_keys(record))
    elif best is not None and best_id is not None and best.probability >= intake.REVIEW_FLOOR:
        outcome = "review"
        session.add(
            IdentityReview(
                id=new_id("IR"),
                encounter_id=encounter_id,
                candidate_person_id=best_id,
                match_probability=best.probability,
                explanation=explanation,
                status="open",
            )
        )
    score = biometric.get(best_id) if best_id is not None else None
    session.add(
        IdentityLink(
            id=new_id("IL"),
            encounter_id=encounter_id,
            person_id=person_id,
            outcome=outcome,
            match_probability=best.probability if best else None,
            biometric_score=score,
            explanation=explanation,
        )
    )
    return Resolution(person_id, outcome, best.probability if best else None, score, explanation)


def _biometric_scores(
    session: Session, probe: np.ndarray, key: bytes | None, modality: str
) -> dict[str, float]:
    """Best cosine score of the probe against each enrolled person's templates (exact 1:N)."""
    from amparo.errors import LinkageError
    from amparo.identity.biometrics import load_templates, normalise

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
