"""The law book of the EU pack: its instruments, the hierarchy of criteria, the clocks and the
contested points, built once."""

from __future__ import annotations

from functools import cache

from amparo.rules.eu import criteria, deadlines, responsibility
from amparo.rules.eu.flags import FLAGS
from amparo.rules.eu.instruments import INSTRUMENTS
from amparo.rules.rules_api import LawBook

PACK_ID = "eu"
PACK_VERSION = "2026.12.0"


@cache
def law_book() -> LawBook:
    """The EU law pack, built and checked once per process."""
    return LawBook.build(
        id=PACK_ID,
        version=PACK_VERSION,
        instruments=INSTRUMENTS,
        rules=(*criteria.RULES, *responsibility.RULES, *deadlines.RULES),
        flags=FLAGS,
    )
