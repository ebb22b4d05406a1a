"""Reading encounters for screening: one JSON object, a JSON array, or JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from amparo.errors import EncounterInvalid, FieldError, InputError

Shape = Literal["object", "array", "lines"]


@dataclass(frozen=True)
class Item:
    """One input: a decoded document, or the reason it could not be decoded."""

    document: Any
    error: EncounterInvalid | None = None


def read_items(text: str, *, source: str) -> tuple[Shape, list[Item]]:
    """Split the input into items and say which shape it had (for the output to mirror it)."""
    stripped = text.strip()
    if not stripped:
        return "lines", [Item(None, EncounterInvalid([FieldError("", "the input is empty")], source=source))]
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError:
        return "lines", list(_lines(text, source))
    if isinstance(value, list):
        return "array", [Item(v) for v in value]
    return "object", [Item(value)]


def _lines(text: str, source: str) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield Item(json.loads(line))
        except json.JSONDecodeError as exc:
            message = f"line {number} is not valid JSON ({exc.msg} at column {exc.colno})"
            yield Item(None, EncounterInvalid([FieldError("", message)], source=f"{source}:{number}"))


def error_object(error: InputError, document: Any = None) -> dict[str, Any]:
    """The object printed in place of an invalid input (shared/spec/README.md)."""
    document_id = error.encounter_id if isinstance(error, EncounterInvalid) else None
    if (
        not isinstance(error, EncounterInvalid)
        and isinstance(document, dict)
        and isinstance(document.get("id"), str)
    ):
        document_id = document["id"]
    return {
        "encounter_id": document_id,
        "error": {
            "type": error.type_uri,
            "title": error.title,
            "errors": [e.as_dict() for e in error.errors],
        },
    }
