"""The law book of the US pack: its instruments, rule families and contested points, built once."""

from __future__ import annotations

from functools import cache

from amparo.rules.rules_api import LawBook
from amparo.rules.us import aca, bars_2023_2024, children, mpp, screening_standards, title42, transit
from amparo.rules.us.flags import FLAGS
from amparo.rules.us.instruments import INSTRUMENTS

PACK_ID = "us"
PACK_VERSION = "2026.11.0"


@cache
def law_book() -> LawBook:
    """The US law pack, built and checked once per process."""
    return LawBook.build(
        id=PACK_ID,
        version=PACK_VERSION,
        instruments=INSTRUMENTS,
        rules=(
            *children.RULES,
            *title42.RULES,
            *aca.RULES,
            *transit.RULES,
            *bars_2023_2024.RULES,
            *mpp.RULES,
            *screening_standards.RULES,
        ),
        flags=FLAGS,
    )
