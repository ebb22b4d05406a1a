"""Fixtures for the whole suite: every test runs with a clean amparo environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def clean_amparo_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No AMPARO_* variable leaks in from the shell (the test PostgreSQL URL excepted); data under tmp."""
    for name in list(os.environ):
        if name.startswith("AMPARO_") and name != "AMPARO_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path / "amparo-data"))
    yield
