"""Option values every command reads alike."""

from __future__ import annotations

import datetime as dt
import re

from amparo.errors import FieldError, InputError

_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or InputError naming the option."""
    if value is None:
        return None
    if not _YYYY_MM_DD.fullmatch(value):  # fromisoformat also takes 20240101 and 2024-W01-1
        raise InputError([FieldError(option, f"expected a date written YYYY-MM-DD, got '{value}'")])
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30: written right, no such day (as a document's date is told)
        raise InputError(
            [FieldError(option, f"expected a real calendar date written YYYY-MM-DD, got '{value}'")]
        ) from None
