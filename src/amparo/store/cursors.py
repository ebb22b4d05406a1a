"""Opaque pagination cursors: the sort key of the last item a list returned."""

from __future__ import annotations

import base64
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
    if not isinstance(parts, list) or len(parts) != width or not all(isinstance(p, str) for p in parts):
        raise InputError([FieldError("/cursor", "is not a cursor returned by this list; start without one")])
    return parts
