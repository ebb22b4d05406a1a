"""ISO 3166-1 alpha-2 country codes, from the maintained ``pycountry`` data (never a hand-typed set).

User-assigned codes (``XX``, ``QQ``, ``ZZ`` ...) are not countries and are refused wherever a
country is expected.
"""

from __future__ import annotations

from functools import cache

from amparo.errors import Phrase


@cache
def iso_alpha2() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code (upper case)."""
    return code in iso_alpha2()


def country_name(code: str) -> str:
    """The English short name of a country (the code itself when unknown)."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found is not None else code


COUNTRY_HINT = "expected a two-letter upper-case ISO 3166-1 country code such as GT or HN"


def checked_country(code: str) -> str:
    """``code`` when it is a country; ValueError naming what was expected otherwise (for validators)."""
    if not is_country(code):
        raise ValueError(
            Phrase("'{code}' is not an ISO 3166-1 country code; {hint}", code=code, hint=Phrase(COUNTRY_HINT))
        )
    return code
