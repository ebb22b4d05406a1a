"""Option values every command reads alike."""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar

from amparo.errors import FieldError, InputError, Phrase

_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: The language the command line says its errors in: English, or the --lang a command was given.
_ERRORS_IN: ContextVar[str] = ContextVar("amparo_errors_in", default="en")


def checked_language(lang: str) -> str:
    """A command's ``--lang``, checked (InputError naming it otherwise); the command line's errors
    are said in it from here on (:func:`errors_language`)."""
    from amparo.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise InputError(
            [
                FieldError(
                    "--lang",
                    Phrase("expected one of {known}, got '{value}'", known=", ".join(LANGUAGES), value=lang),
                )
            ]
        )
    _ERRORS_IN.set(lang)
    return lang


def errors_language() -> str:
    """The language the command line's errors are said in (:func:`checked_language`)."""
    return _ERRORS_IN.get()


def errors_in_english() -> None:
    """Errors said in English again (each command line starts so)."""
    _ERRORS_IN.set("en")


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or InputError naming the option."""
    if value is None:
        return None
    if not _YYYY_MM_DD.fullmatch(value):  # fromisoformat also takes 20240101 and 2024-W01-1
        raise InputError(
            [FieldError(option, Phrase("expected a date written YYYY-MM-DD, got '{value}'", value=value))]
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30: written right, no such day (as a document's date is told)
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase("expected a real calendar date written YYYY-MM-DD, got '{value}'", value=value),
                )
            ]
        ) from None
