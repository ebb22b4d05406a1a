"""Fixtures for the whole suite: every test runs with a clean amparo environment; ``database_url``
gives a fresh database at the latest schema, SQLite always and PostgreSQL when
AMPARO_TEST_POSTGRES_URL is set (the persistence tests run the same code on both)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from amparo.store.testing import fresh_postgres, fresh_sqlite, postgres_url

REPO = Path(__file__).resolve().parents[1]
# Helpers shared by several test folders (e.g. the toy law pack): importable from any of them.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def clean_amparo_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No AMPARO_* variable leaks in from the shell (the test PostgreSQL URL excepted); data under tmp."""
    for name in list(os.environ):
        if name.startswith("AMPARO_") and name != "AMPARO_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path / "amparo-data"))
    yield


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if request.param == "sqlite":
        return fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "template")
    url = postgres_url()
    if url is None:
        pytest.skip("AMPARO_TEST_POSTGRES_URL is not set")
    return fresh_postgres(url)


@pytest.fixture
def make_users() -> Callable[[str, Mapping[str, tuple[str, str]]], dict[str, str]]:
    """A function adding users (name -> (role, agency)) to a database; it returns their tokens."""

    def add(database_url: str, users: Mapping[str, tuple[str, str]]) -> dict[str, str]:
        from amparo.access.users import create_user
        from amparo.store.db import make_engine, session_factory, transaction

        engine = make_engine(database_url)
        tokens = {}
        with transaction(session_factory(engine)) as session:
            for name, (role, agency) in users.items():
                tokens[name] = create_user(session, name=name, role=role, agency=agency)[1]  # type: ignore[arg-type]
        engine.dispose()
        return tokens

    return add
