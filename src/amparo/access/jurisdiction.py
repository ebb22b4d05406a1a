"""Who the installation screens: never a national of its own country.

A national of the installation's country (a dual national, say ``["US", "HN"]`` at a US
installation) is not screened for protection pathways: no fear screening, no transfer under an
Asylum Cooperative Agreement. The document is refused as an input error naming
``/person/nationalities`` (HTTP 422, CLI exit 2) rather than stored and screened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from amparo.access.policy import installation_country
from amparo.errors import FieldError, InputError


def refuse_own_nationals(document: Mapping[str, Any], home: str | None = None) -> None:
    """InputError naming /person/nationalities when the document's person is a national of
    ``home`` (default: the installation country the arrangements name)."""
    country = home or installation_country()
    person = document.get("person") if isinstance(document, Mapping) else None
    nationalities = person.get("nationalities") if isinstance(person, Mapping) else None
    if isinstance(nationalities, list) and country in nationalities:
        raise InputError(
            [
                FieldError(
                    "/person/nationalities",
                    f"a national of {country} is not screened for protection pathways here "
                    f"(nationalities {nationalities})",
                )
            ]
        )
