"""Helpers of the identity tests: ground-truth pairs, precision/recall/F1, CSV writing."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any


def true_pairs(encounters: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Every pair of records of the same person (sorted ids)."""
    by_person: dict[str, list[str]] = defaultdict(list)
    for e in encounters:
        by_person[e["person_id"]].append(e["record_id"])
    return {pair for ids in by_person.values() for pair in itertools.combinations(sorted(ids), 2)}


def f1(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted pairs against the truth."""
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if tp else 0.0)


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    """Write rows to a CSV with these columns."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


REVIEW_EVIDENCE: dict[str, Any] = {
    "fields": [{"comparison": "given_names", "level": "exact", "match_weight": 4.2}],
    "agreed": ["given_names"],
    "biometric_score": 0.71,
    "biometric_weight": 9.5,
    "best_candidate": "P-A",
}


def seed_review(factory: Any) -> None:
    """Officer U-1 (US-CBP), persons P-A (encounter E-1) and P-B (E-3), open review IR-1: E-3 may be P-A."""
    import datetime as dt

    from amparo.identity.tables import IdentityReview
    from amparo.store.db import transaction
    from amparo.store.models import Encounter, Person, User

    with transaction(factory) as session:
        session.add(User(id="U-1", name="officer", role="officer", agency="US-CBP", token_sha256="x" * 64))
        for pid, given in (("P-A", "Ana Lucía"), ("P-B", "Ana")):
            session.add(
                Person(id=pid, given_names=given, surnames="Paz Zelaya", birth_date=dt.date(1990, 1, 1),
                       nationalities=["HN"])
            )  # fmt: skip
        session.flush()
        for eid, pid, nationality, feared in (("E-1", "P-A", "HN", "HN"), ("E-3", "P-B", "GT", "SV")):
            session.add(
                Encounter(
                    id=eid, person_id=pid, document_sha256="0" * 64, encountered_on=dt.date(2020, 1, 1),
                    document={"person": {"nationalities": [nationality]}, "fear_claims": [{"country": feared}]},
                    nationality=nationality, border="southwest_land", manner="between_ports", agency="US-CBP",
                    received_by="U-1",
                )
            )  # fmt: skip
        session.add(
            IdentityReview(id="IR-1", encounter_id="E-3", candidate_person_id="P-A", match_probability=0.8,
                           explanation=REVIEW_EVIDENCE, status="open")
        )  # fmt: skip
