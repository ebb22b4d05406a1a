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
