"""Shared pieces of the batch tests: the rules tests' encounter strategies, the engine's toy pack,
and synthetic encounters (a few thousand, generated once per session)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
for folder in ("rules", "engine"):  # rules_strategies.py, toy_pack.py (not packages)
    if str(TESTS / folder) not in sys.path:
        sys.path.insert(0, str(TESTS / folder))


@pytest.fixture(scope="session")
def synthetic() -> Any:
    """3,000 synthetic encounters (seed 14) as a frame in encounter v1's columnar form."""
    from amparo.batch.synth import generate
    from amparo.rules.us import US_PACK

    return next(generate(3000, 14, US_PACK))
