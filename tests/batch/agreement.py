"""What the single evaluator says of a document, in the batch evaluator's row terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from amparo.batch.runner import error_of
from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError
from amparo.screening import screen


def single_row(document: Any, packs: LawPack | PackRegistry, **kwargs: Any) -> dict[str, Any]:
    """``encounter_id``, ``as_of``, every summary key and the flag ids; or the error object."""
    try:
        decision = screen(document, packs, **kwargs)
    except AmparoError as exc:
        return error_of(exc, document)
    return {
        "encounter_id": decision.encounter_id,
        "as_of": decision.as_of,
        **decision.summary,
        "flags": [f["id"] for f in decision.flags],
    }


def batch_row(row: Mapping[str, Any], expected: Mapping[str, Any]) -> dict[str, Any]:
    """The batch row's values of the keys ``expected`` has."""
    return {k: row[k] for k in expected}


def disagreements(documents: list[Any], rows: list[dict[str, Any]], packs: Any, **kwargs: Any) -> list[Any]:
    out = []
    assert len(documents) == len(rows)
    for document, row in zip(documents, rows, strict=True):
        expected = single_row(document, packs, **kwargs)
        got = batch_row(row, expected)
        if got != expected:
            out.append((expected, got))
    return out


def as_json(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents as they travel in JSON (dates ISO 8601, instants RFC 3339)."""
    import orjson

    decoded: list[dict[str, Any]] = orjson.loads(orjson.dumps(documents))
    return decoded
