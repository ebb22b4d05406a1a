"""Fixtures of the audit tests: a migrated SQLite database whose session factory signs checkpoints
with the installation key of the ``keys`` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.exchange.keys import InstallationKeys, installation_keys
from amparo.store.db import make_engine, session_factory
from amparo.store.testing import fresh_sqlite


@pytest.fixture
def factory(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "template")
    engine = make_engine(url)
    # the same key folder as the ``keys`` fixture: checkpoints are signed with this installation's key
    yield audit.bind_signer(session_factory(engine), installation_keys(tmp_path / "amparo-data"))
    engine.dispose()


@pytest.fixture
def keys(tmp_path: Path) -> InstallationKeys:
    return installation_keys(tmp_path / "amparo-data")
