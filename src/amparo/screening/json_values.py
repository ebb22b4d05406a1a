"""What a JSON text may hold to be read as a document: the standard library's decoder, refusing
what JSON (RFC 8259) has no value for, as the batch's decoder (orjson) refuses it."""

from __future__ import annotations

import json
import re
from typing import Any


class NotJsonValue(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``, or half a UTF-16 surrogate pair (``\\ud800``).
    Python's decoder takes them; JSON has no such value (a surrogate alone is no character, and no
    UTF-8 text can hold it), and orjson refuses them: refused here too, so that a document holding
    one is "not valid JSON" whichever command reads it."""


def _refuse_constant(name: str) -> Any:
    raise NotJsonValue(f"{name} is not a JSON value")


JSON_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
TOO_DEEP = "the JSON is nested too deeply to be a document (more than about 1,000 levels)"

#: An escape of a UTF-16 surrogate. A pair is decoded into one character; one alone stays a
#: surrogate in the string, which no UTF-8 output can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def loads_json(text: str | bytes) -> Any:
    """One JSON text, decoded as the standard library does but refusing ``NaN``, ``Infinity`` and
    a lone surrogate (:class:`NotJsonValue`, a ``ValueError`` as ``json.JSONDecodeError`` is).
    Bytes must be UTF-8 (a ``UnicodeDecodeError``, also a ``ValueError``, where not): the standard
    library would read a surrogate written in bytes, or skip a byte order mark, where ``amparo
    screen`` reading the file refuses both."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    value = json.loads(text, parse_constant=_refuse_constant)
    refuse_lone_surrogates(value, text, 0, len(text))
    return value


def refuse_lone_surrogates(value: Any, text: str, start: int, end: int) -> None:
    """Raise :class:`NotJsonValue` when ``value``, decoded from ``text[start:end]``, holds half a
    surrogate pair (only looked for where the text escapes one)."""
    if _SURROGATE_ESCAPE.search(text, start, end) is None:
        return
    lone = _lone_surrogate(value)
    if lone is not None:
        raise NotJsonValue(f"\\u{ord(lone):04x} is half of a UTF-16 surrogate pair, not a character")


def _lone_surrogate(value: Any) -> str | None:
    if isinstance(value, str):
        return next((c for c in value if "\ud800" <= c <= "\udfff"), None)
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        lone = _lone_surrogate(item)
        if lone is not None:
            return lone
    return None
