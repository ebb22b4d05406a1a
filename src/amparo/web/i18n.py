"""Languages of the web interface: English and Spanish, by gettext catalogues read with Babel.

The language is the one the user chose (a cookie set by the switch), else the best match of the
browser's ``Accept-Language``, else English. Catalogues are ``locales/<lang>/LC_MESSAGES/web.po``,
compiled in memory once per process (no build step). Dates and numbers are formatted for the
language's locale.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from babel import Locale, dates, numbers
from babel.support import NullTranslations

from amparo.i18n import compiled
from amparo.i18n import negotiate as negotiate_header

LANGUAGES: tuple[str, ...] = ("en", "es")
DEFAULT = "en"
LOCALES = Path(__file__).with_name("locales")
NAMES = {"en": "English", "es": "Español"}


def negotiate(accept_language: str | None, chosen: str | None = None) -> str:
    """The language to answer in: the user's choice, else the browser's best match."""
    if chosen in LANGUAGES:
        return str(chosen)
    return negotiate_header(accept_language)


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext catalogue of ``lang`` (English is the source language; its catalogue only
    gives readable words for codes such as case states)."""
    return compiled(LOCALES / lang / "LC_MESSAGES" / "web.po", lang, "web")


def format_date(value: dt.date | dt.datetime | str | None, lang: str) -> str:
    """A date in the language's medium format (``5 dic 2026``, ``Dec 5, 2026``)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        text = value
        try:
            value = dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, dt.datetime):
        return str(dates.format_datetime(value, "medium", locale=Locale.parse(lang)))
    return str(dates.format_date(value, "medium", locale=Locale.parse(lang)))


def format_number(value: int | float | None, lang: str) -> str:
    """A number with the language's separators (``1,234`` / ``1234`` or ``1.234``)."""
    if value is None:
        return "—"
    return str(numbers.format_decimal(value, locale=Locale.parse(lang)))
