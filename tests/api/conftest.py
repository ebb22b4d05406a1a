"""Every API test runs on SQLite and, when AMPARO_TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, TestClient, add_users

from amparo.api.app import create_app
from amparo.settings import Settings
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
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    tokens = add_users(database_url)
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url))
    with TestClient(app) as client:
        yield Api(client, tokens, database_url)
