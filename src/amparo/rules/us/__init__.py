"""The US law pack of the legal brief, sections 1–6: instruments, rules, contested points, and
:data:`US_PACK`, the :class:`~amparo.engine.pack.LawPack` that plugs them into the engine
(installed through the ``amparo.law_packs`` entry point ``us``)."""

from __future__ import annotations

from amparo.rules.us.book import PACK_ID, PACK_VERSION, law_book
from amparo.rules.us.lawpack import US_PACK, USLawPack

__all__ = ["PACK_ID", "PACK_VERSION", "US_PACK", "USLawPack", "law_book"]
