"""Every store test runs on SQLite and, when AMPARO_TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from amparo.store.db import make_engine, session_factory
from amparo.store.testing import fresh_postgres, fresh_sqlite, postgres_url


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
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()
