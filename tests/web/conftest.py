"""Web tests run on SQLite and, when AMPARO_TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from web_support import USERS, Browser, TestClient

from amparo.access.clock import fixed_day
from amparo.api.app import create_app
from amparo.settings import Settings

WEB_DAY = dt.date(2025, 7, 1)


@pytest.fixture
def web(database_url: str, tmp_path: Path, make_users: Callable[..., dict[str, str]]) -> Iterator[Browser]:
    tokens = make_users(database_url, USERS)
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url), clock=fixed_day(WEB_DAY))
    with TestClient(app) as client:
        yield Browser(client, tokens)
