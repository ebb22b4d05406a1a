"""Shared fixtures of the identity tests: a small synthetic population with ground truth."""

from __future__ import annotations

import pytest

from amparo.identity import synth


@pytest.fixture(scope="session")
def population() -> synth.Population:
    """2,000 encounter records (seed 7) with their true person ids."""
    return synth.generate(2000, 7)
