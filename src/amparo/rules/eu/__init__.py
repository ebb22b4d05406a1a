"""The EU law pack: Dublin III (Reg. 604/2013) and the AMMR (Reg. 2024/1351) — which State is
responsible for an application for international protection, under which criterion, and by when
each Dublin step must happen. :data:`EU_PACK` plugs it into the engine (entry point ``eu`` of the
``amparo.law_packs`` group); the contract is shared/spec/eu/README.md."""

from __future__ import annotations

from amparo.rules.eu.book import PACK_ID, PACK_VERSION, law_book
from amparo.rules.eu.document import SCHEMA_ID, Application, ApplicationInvalid, parse_application
from amparo.rules.eu.lawpack import EU_PACK, EULawPack

__all__ = [
    "EU_PACK",
    "PACK_ID",
    "PACK_VERSION",
    "SCHEMA_ID",
    "Application",
    "ApplicationInvalid",
    "EULawPack",
    "law_book",
    "parse_application",
]
