"""What a JSON text may hold to be read as a document: the standard library's decoder, refusing
what JSON (RFC 8259) has no value for, as the batch's decoder (orjson) refuses it."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from amparo.errors import Count, Phrase, fixed_phrase


class NotJsonValue(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``, or half a UTF-16 surrogate pair (``\\ud800``).
    Python's decoder takes them; JSON has no such value (a surrogate alone is no character, and no
    UTF-8 text can hold it), and orjson refuses them: refused here too, so that a document holding
    one is "not valid JSON" whichever command reads it."""

    @property
    def reason(self) -> Phrase:
        """Why, as a phrase (said in the user's language where the catalogue has it)."""
        given = self.args[0] if self.args else ""
        return given if isinstance(given, Phrase) else fixed_phrase(str(given))


#: What the standard library's decoder says is wrong (``JSONDecodeError.msg``, less the ``at`` it
#: ends some with: the messages go on with where), put in the catalogue to be said in Spanish.
JSON_REASONS = (
    "Expecting value",
    "Expecting ',' delimiter",
    "Expecting ':' delimiter",
    "Expecting property name enclosed in double quotes",
    "Unterminated string starting",
    "Invalid control character",
    "Invalid \\escape",
    "Invalid \\uXXXX escape",
    "Extra data",
)


def json_reason(exc: json.JSONDecodeError) -> Phrase:
    """The decoder's reason as a phrase, without the ``at`` some end with (``Unterminated string
    starting at``): the caller says where, in its own words."""
    return fixed_phrase(exc.msg.removesuffix(" at"))


def _refuse_constant(name: str) -> Any:
    raise NotJsonValue(Phrase("{name} is not a JSON value", name=name))


#: The most digits a whole number may be written with: Python's own limit for reading one
#: (``sys.get_int_max_str_digits``, against numbers whose reading takes quadratic time).
MAX_INTEGER_DIGITS = sys.get_int_max_str_digits() or 4300


def _read_integer(digits: str) -> int:
    """A JSON integer; one written with more digits than Python reads is refused as a value JSON
    text may hold but no document field does (it stopped every command with an internal error)."""
    length = len(digits) - digits.startswith("-")
    if length > MAX_INTEGER_DIGITS:
        raise NotJsonValue(
            Phrase(
                "a number written with {digits} digits, more than any value of a document holds ({most} at most)",
                digits=Count(length),
                most=Count(MAX_INTEGER_DIGITS),
            )
        )
    return int(digits)


JSON_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_read_integer)

#: The deepest a document may be nested, counting its arrays and objects (the document itself is
#: the first level). Every reader refuses past it in the same words (:func:`too_deep`): the
#: standard library's decoder stopped where the interpreter's recursion limit fell, which moved
#: with the caller's own depth (``amparo screen`` refused 979 levels), and orjson stops past 1,024
#: (``screen --batch`` read 1,022).
MAX_DEPTH = 1000
TOO_DEEP = "the JSON is nested too deeply to be a document (more than 1,000 levels)"

# The standard library's decoder recurses once a level: room for MAX_DEPTH levels whatever the
# depth of the code that calls it (the interpreter's default limit is 1,000 frames in all).
if sys.getrecursionlimit() < 3 * MAX_DEPTH:
    sys.setrecursionlimit(3 * MAX_DEPTH)

#: A JSON string (skipped: its brackets are text) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_BYTE_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def nesting(text: str | bytes, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """The deepest nesting of arrays and objects in ``text[start:end]`` and the depth at its end
    (0 when every bracket opened there is closed), brackets inside strings not counted."""
    end = len(text) if end is None else end
    tokens = (
        _TOKENS.finditer(text, start, end)
        if isinstance(text, str)
        else _BYTE_TOKENS.finditer(text, start, end)
    )
    depth = deepest = 0
    for token in tokens:
        first = token.group()[:1]
        if first in ("[", "{", b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif first in ("]", "}", b"]", b"}"):
            depth -= 1
    return deepest, depth


def too_deep(text: str | bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` is nested more than :data:`MAX_DEPTH` levels (its brackets
    counted first: a text holding fewer cannot be, and most hold a few dozen)."""
    end = len(text) if end is None else end
    if isinstance(text, str):
        openings = text.count("[", start, end) + text.count("{", start, end)
    else:
        openings = text.count(b"[", start, end) + text.count(b"{", start, end)
    return openings > MAX_DEPTH and nesting(text, start, end)[0] > MAX_DEPTH


#: An escape of a UTF-16 surrogate. A pair is decoded into one character; one alone stays a
#: surrogate in the string, which no UTF-8 output can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def loads_json(text: str | bytes) -> Any:
    """One JSON text, decoded as the standard library does but refusing ``NaN``, ``Infinity`` and
    a lone surrogate (:class:`NotJsonValue`, a ``ValueError`` as ``json.JSONDecodeError`` is).
    Bytes must be UTF-8 (a ``UnicodeDecodeError``, also a ``ValueError``, where not): the standard
    library would read a surrogate written in bytes, or skip a byte order mark, where ``amparo
    screen`` reading the file refuses both. A text nested past :data:`MAX_DEPTH` raises
    ``RecursionError`` (:data:`TOO_DEEP`), as one past the decoder's own depth does."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if too_deep(text):  # before decoding it: a depth its decoder may not reach
        raise RecursionError(TOO_DEEP)
    value = JSON_DECODER.decode(text)
    refuse_lone_surrogates(value, text, 0, len(text))
    return value


def refuse_lone_surrogates(value: Any, text: str, start: int, end: int) -> None:
    """Raise :class:`NotJsonValue` when ``value``, decoded from ``text[start:end]``, holds half a
    surrogate pair (only looked for where the text escapes one)."""
    if _SURROGATE_ESCAPE.search(text, start, end) is None:
        return
    lone = _lone_surrogate(value)
    if lone is not None:
        raise NotJsonValue(
            Phrase("{escape} is half of a UTF-16 surrogate pair, not a character", escape=_escape(lone))
        )


def _escape(character: str) -> str:
    """A character as JSON escapes it: ``\\ud800``."""
    return "\\u" + format(ord(character), "04x")


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
