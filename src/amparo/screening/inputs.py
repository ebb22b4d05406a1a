"""Reading documents for screening: one JSON object, a JSON array, or JSON Lines — streamed.

An array is decoded one element at a time and each decision can be written as soon as it is made,
so memory stays flat whatever the number of documents. Every problem becomes an error item in
place of the document (never an exception that stops the other documents).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from amparo.errors import AmparoError, EncounterInvalid, FieldError, InputError, Phrase
from amparo.screening.json_array import array_of_text
from amparo.screening.json_values import (
    JSON_DECODER,
    TOO_DEEP,
    NotJsonValue,
    json_reason,
    loads_json,
    nesting,
    refuse_lone_surrogates,
    too_deep,
)

__all__ = [
    "Item",
    "NotJsonValue",
    "error_object",
    "loads_json",
    "read_before",
    "read_items",
    "wrapped_example",
]

Shape = Literal["object", "array", "lines"]


_WS = " \t\r\n"


@dataclass(frozen=True)
class Item:
    """One input: a decoded document, or the reason it could not be decoded."""

    document: Any
    error: InputError | None = None


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _bad(message: str, source: str) -> Item:
    return Item(None, EncounterInvalid([FieldError("", message)], source=source))


def read_items(text: str, *, source: str) -> tuple[Shape, Iterator[Item]]:
    """The input's shape (for the output to mirror it) and its items, decoded lazily."""
    start = _skip(text, 0)
    if start == len(text):
        return "lines", iter(
            [_bad(Phrase("the input is empty; expected a JSON object, a JSON array or JSON Lines"), source)]
        )
    if text[start] == "[":
        return "array", _array(text, source)
    if text[start] == "{":
        try:
            value, end = JSON_DECODER.raw_decode(text, start)
            if too_deep(text, start, end):
                raise RecursionError(TOO_DEEP)
            refuse_lone_surrogates(value, text, start, end)
        except json.JSONDecodeError:
            return "lines", _lines(text, source)
        except NotJsonValue as exc:
            # The shape as Python's decoder reads it: one object (refused whole), or JSON Lines
            # (each line judged alone).
            _, end = json.JSONDecoder(parse_int=str).raw_decode(text, start)  # its digits unread
            if _skip(text, end) == len(text):
                return "object", iter(
                    [_bad(Phrase("the input is not valid JSON ({reason})", reason=exc.reason), source)]
                )
            return "lines", _lines(text, source)
        except RecursionError:
            # JSON Lines whose first line is too deep (a whole value on its line, every bracket
            # closed there): each line judged alone, as for any other line, the rest screened.
            line_end = text.find("\n", start)
            first_line_whole = line_end != -1 and nesting(text, start, line_end)[1] == 0
            if first_line_whole and _skip(text, line_end) < len(text):
                return "lines", _lines(text, source)
            return "object", iter([_bad(TOO_DEEP, source)])
        if _skip(text, end) == len(text):
            return "object", iter([Item(value)])
        return "lines", _lines(text, source)
    return "lines", _lines(text, source)


def _array(text: str, source: str) -> Iterator[Item]:
    for document, error in array_of_text(text, source):
        yield Item(document, error)


def read_line(line: str, number: int, source: str) -> Item:
    """Line ``number`` of JSON Lines: its value, or the error saying why it is not JSON (the batch
    evaluator gives a line it cannot read the same words: :mod:`amparo.batch.json_lines`)."""
    try:
        return Item(loads_json(line))
    except json.JSONDecodeError as exc:
        message = Phrase(
            "line {number} is not valid JSON ({reason} at column {column})",
            number=number,
            reason=json_reason(exc),  # "Invalid control character at": "at" said once
            column=exc.colno,
        )
    except NotJsonValue as exc:
        message = Phrase("line {number} is not valid JSON ({reason})", number=number, reason=exc.reason)
    except RecursionError:
        message = Phrase("line {number}: {problem}", number=number, problem=Phrase(TOO_DEEP))
    return _bad(message, f"{source}:{number}")


def _lines(text: str, source: str) -> Iterator[Item]:
    """JSON Lines. Until one line decodes, bad lines are held back: when none does, the input is
    not JSON at all and one error says so (not one per line of garbage)."""
    held: list[Item] | None = []
    # Lines end at "\n" only (a line's "\r" before it is JSON's space): U+2028 and the other ends
    # Python's ``splitlines`` knows may stand inside a JSON string. A blank line holds JSON's spaces
    # only (one holding U+00A0 is not JSON), as the batch evaluator reads lines.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip(_WS):
            continue
        item = read_line(line, number, source)
        if held is None:
            yield item
        elif item.error is not None:
            held.append(item)
        else:
            yield from held
            held = None
            yield item
    if held:
        yield not_json_input(held[0], source)


def not_json_input(first: Item, source: str) -> Item:
    """The one error of an input none of whose lines is JSON, naming the first line's fault (the
    batch evaluator says it in the same words)."""
    fault = first.error.errors[0].message if first.error else ""
    return _bad(
        Phrase(
            "the input is not JSON: expected a JSON object, a JSON array or JSON Lines (one object a line); {fault}",
            fault=fault,
        ),
        source,
    )


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


def wrapped_example(document: Any) -> InputError | None:
    """The spec's example files wrap the document under ``/encounter`` beside its expected summary:
    say so instead of listing every missing field."""
    if isinstance(document, dict) and "id" not in document and isinstance(document.get("encounter"), dict):
        return InputError(
            [
                FieldError(
                    "/encounter",
                    Phrase(
                        "this file wraps the document under /encounter (the spec's example format); screen the "
                        "object at /encounter instead, e.g. the plain files in examples/"
                    ),
                )
            ]
        )
    return None


def read_before(document: Any, packs: Any, on: dt.date | None) -> InputError | None:
    """An InputError naming --as-of when it is before the day the document records (the law is read
    on or after it, as /adjudicated_on must be) and before the day its pack reads it on by default
    (an EU application registered before it was lodged is read on its registration day); None
    otherwise, or when the document is itself invalid (screening then says why). ``amparo screen
    --as-of`` and ``amparo screen --batch --as-of`` refuse such a document; ``impact`` reads any
    document on any date."""
    if on is None or not isinstance(document, dict):
        return None
    try:
        pack = packs.for_document(document)
        parsed = pack.parse(document)
        occurred = pack.read_dates(parsed, on).occurred_on
        if occurred is None:
            return None
        earliest = min(occurred, pack.read_dates(parsed, None).read_on)
    except AmparoError:
        return None
    if on >= earliest:
        return None
    return InputError(
        [
            FieldError(
                "--as-of",
                Phrase(
                    "{day} is before the day the document records ({recorded}); the law is read on or after it",
                    day=on.isoformat(),
                    recorded=earliest.isoformat(),
                ),
            )
        ]
    )
