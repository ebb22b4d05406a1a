"""Groups of countries the US rules name (by nationality, ISO 3166-1 alpha-2)."""

from __future__ import annotations

SPANISH_SPEAKING_OR_BRAZIL = frozenset(
    "AR BO BR CL CO CR CU DO EC SV GT HN MX NI PA PY PE UY VE ES GQ".split()
)
WESTERN_HEMISPHERE = frozenset(
    "AG AR BS BB BZ BO BR CA CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN LC VC SR TT US "
    "UY VE".split()
)
#: Spanish-speaking Latin American countries (the 2025 Honduras agreement's reported population, §2.7).
SPANISH_SPEAKING_LATIN_AMERICA = SPANISH_SPEAKING_OR_BRAZIL - {"BR", "ES", "GQ"}
CENTRAL_AMERICA = frozenset("BZ CR SV GT HN NI PA".split())
#: Contiguous countries whose unaccompanied children may be returned at the border (8 USC 1232(a)(2)).
CONTIGUOUS = frozenset({"MX", "CA"})
