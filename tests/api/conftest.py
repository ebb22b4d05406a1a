"""Every API test runs on SQLite and, when AMPARO_TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import Api, TestClient, add_users

from amparo.access.clock import fixed_day
from amparo.api.app import create_app
from amparo.settings import Settings

#: The day the API tests' access decisions are made on: gt_arrangement_2025 (arrangements.yaml,
#: in force from 2025-06-27 with no known end) is in force, the 2019 Guatemala ACA is not.
API_DAY = dt.date(2025, 7, 1)


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    tokens = add_users(database_url)
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url), clock=fixed_day(API_DAY))
    with TestClient(app) as client:
        yield Api(client, tokens, database_url)
