"""Every API test runs on SQLite and, when AMPARO_TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, TestClient, add_users

from amparo.api.app import create_app
from amparo.settings import Settings


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    tokens = add_users(database_url)
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url))
    with TestClient(app) as client:
        yield Api(client, tokens, database_url)
