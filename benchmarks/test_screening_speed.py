"""pytest-benchmark cases for in-process screening (run by benchmarks/bench_screening.py)."""

from __future__ import annotations

import itertools
from typing import Any

from amparo.rules.us import US_PACK
from amparo.screening import screen
from benchmarks.encounter_factory import encounters

DOCS = encounters(2000, seed=7)


def test_screen_one_encounter(benchmark: Any) -> None:
    cycle = itertools.cycle(DOCS)
    screen(next(cycle), US_PACK)  # build the law book before timing
    benchmark.pedantic(lambda: screen(next(cycle), US_PACK), rounds=20000, iterations=1, warmup_rounds=500)
