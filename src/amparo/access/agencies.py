"""The agencies amparo knows: a short upper-case code ``CC-ACRONYM`` and the ISO country.

Codes are a contract (shared/spec/contracts.md): add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass

from amparo.errors import FieldError, InputError


@dataclass(frozen=True)
class Agency:
    """One agency: its code, name, ISO 3166-1 alpha-2 country (None for UNHCR) and kind."""

    code: str
    name: str
    country: str | None
    kind: str


AGENCIES: tuple[Agency, ...] = (
    Agency("US-CBP", "U.S. Customs and Border Protection", "US", "border"),
    Agency("US-USCIS", "U.S. Citizenship and Immigration Services", "US", "asylum"),
    Agency("US-ICE", "U.S. Immigration and Customs Enforcement", "US", "enforcement"),
    Agency("US-EOIR", "Executive Office for Immigration Review", "US", "court"),
    Agency("GT-IGM", "Instituto Guatemalteco de Migración", "GT", "migration"),
    Agency("SV-DGME", "Dirección General de Migración y Extranjería (El Salvador)", "SV", "migration"),
    Agency("HN-INM", "Instituto Nacional de Migración (Honduras)", "HN", "migration"),
    Agency("MX-INM", "Instituto Nacional de Migración (México)", "MX", "migration"),
    Agency("UNHCR", "Office of the United Nations High Commissioner for Refugees", None, "international"),
)

_BY_CODE = {agency.code: agency for agency in AGENCIES}


def get_agency(code: str) -> Agency:
    """The agency with this code; InputError naming the known codes otherwise."""
    try:
        return _BY_CODE[code]
    except KeyError:
        known = ", ".join(sorted(_BY_CODE))
        raise InputError(
            [FieldError("/agency", f"unknown agency '{code}'; expected one of: {known}")]
        ) from None
