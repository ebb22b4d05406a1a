"""Opaque pagination cursors: the sort key of the last item a list returned."""

from __future__ import annotations

import base64
import datetime as dt
import json

from amparo.errors import FieldError, InputError


def encode_cursor(*parts: str) -> str:
    """An opaque pagination cursor from the sort key of the last item returned."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[str]:
    """The sort key inside a cursor; InputError naming /cursor when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        parts = None
    if (
        not isinstance(parts, list)
        or len(parts) != width
        or not all(isinstance(p, str) and _storable(p) for p in parts)
    ):
        raise InputError([FieldError("/cursor", "is not a cursor returned by this list; start without one")])
    return parts


def _storable(part: str) -> bool:
    """A cursor part any database can compare: no NUL, no lone surrogate, and a timestamp (the
    lists' sort keys hold them) only with its UTC offset."""
    if "\x00" in part or any(0xD800 <= ord(c) <= 0xDFFF for c in part) or len(part) > 256:
        return False
    if len(part) >= 16 and part[4:5] == "-" and part[10:11] in ("T", " "):
        try:
            when = dt.datetime.fromisoformat(part)
        except ValueError:
            return True  # not a timestamp: the list compares it as text
        return when.tzinfo is not None
    return True
