"""Option values every command reads alike."""

from __future__ import annotations

import datetime as dt

from amparo.errors import FieldError, InputError


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or InputError naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.date.fromisoformat("x")
    except ValueError:
        raise InputError([FieldError(option, f"expected a date written YYYY-MM-DD, got '{value}'")]) from None
