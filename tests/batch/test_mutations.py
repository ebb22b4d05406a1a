"""Mutated documents through ``screen --batch``'s own path: synthetic encounters and the packs'
examples with values swapped for wrong types, edge dates, empty texts, near-miss codes or removed
fields, written as JSON Lines, screened by the batch, each row compared with what the single
evaluator says of the same document (its summary and flags, or its error with every JSON path).
This is how an empty route claim read as ``none`` and a year-9999 encounter that crashed both
evaluators were found."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from agreement import as_json, single_row
from json_paths import json_paths

from amparo.batch.columns import documents_of
from amparo.batch.files import screen_file
from amparo.engine.registry import PackRegistry, installed_packs

SHARED = Path(__file__).resolve().parents[3] / "shared"

#: Values put in place of a field's own: wrong types, empty and near-miss texts, edge dates and
#: instants (the rules' boundaries, the calendar's ends, offsets that cross a day or a year).
VALUES: list[Any] = [
    None, "", 0, -1, 1.5, True, False, "x", [], {}, 10**20, [None], ["GT"], ["MX", "MX"],
    "MX", "GT", "gt", " GT", "XX", "ZZZ", "none", "None", "pending ", "granted", "denied_final",
    "port_of_entry", "Port_of_entry", "coastal", "southwest_land", "F", "f", "X", 17, 18, 130, 131, "12",
    "El Paso", "San Ysidro Port of Entry", "TX", "tx",
    "2020-02-30", "2020-2-3", "2020-W01-1", "0001-01-01", "9998-12-31", "9999-12-31", "2019-01-25",
    "2019-06-07", "2019-07-16", "2019-11-01", "2020-03-21", "2023-05-11", "2023-05-12", "2024-06-04",
    "2024-06-05", "2025-01-20", "2020-01-01T00:00:00Z", "2020-01-01T05:00:00+05:00",
    "2020-01-01T05:00:00", "2020-01-01 05:00:00Z", "2021-03-14T07:30:00.123456789Z",
    "2023-05-11T23:59:59-04:00", "2023-05-12T03:59:00Z", "2024-06-05T03:59:59Z", "2024-06-05T04:00:00Z",
    "2024-03-10T07:00:00Z", "2024-11-03T06:30:00Z", "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
]  # fmt: skip


def _mutated(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for _ in range(rng.choice([1, 1, 2, 3])):
        *parents, last = rng.choice([path for path in json_paths(document) if path])
        target: Any = document
        for key in parents:
            target = target[key]
        draw = rng.random()
        if draw < 0.15 and isinstance(target, dict):
            del target[last]
        elif draw < 0.2 and isinstance(target, dict):
            target["unknown_field"] = copy.deepcopy(rng.choice(VALUES))
        else:
            target[last] = copy.deepcopy(rng.choice(VALUES))
    return document


def _examples(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text())["encounter"] for path in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_documents_get_the_single_evaluators_answer(
    synthetic: Any, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    us = _examples(SHARED / "spec" / "examples") + as_json(documents_of(synthetic.head(400)))
    eu = _examples(SHARED / "spec" / "eu" / "examples")
    documents: list[Any] = []
    for i in range(1500):
        pool = eu if rng.random() < 0.1 else us
        document = copy.deepcopy(rng.choice(pool))
        document = _mutated(document, rng) if rng.random() < 0.7 else document
        if isinstance(document.get("id"), str):
            document["id"] += f"-{i}"  # each row told apart
        documents.append(document)
    source, out = tmp_path / "mutated.jsonl", tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    packs = PackRegistry(
        installed_packs(), default="us"
    )  # as the command line reads a document without `schema`
    for as_of in (None, dt.date(2024, 6, 5)):
        report = screen_file(source, out, packs, as_of=as_of, progress=False)
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        found = []
        for document, row in zip(documents, rows, strict=True):
            said = single_row(document, packs, **({"as_of": as_of} if as_of else {}))
            expected = json.loads(json.dumps(said, default=str))  # as the JSON Lines output writes it
            if {key: row.get(key) for key in expected} != expected:
                found.append((document, expected, row))
        assert len(rows) == len(documents) and found == [], found[:3]
        assert not [w for w in report.warnings if "disagreed" in w], report.warnings
        invalid = sum(r.get("error") is not None for r in rows)
        assert 0.2 * len(rows) < invalid < 0.8 * len(rows)  # both outcomes exercised
