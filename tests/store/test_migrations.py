"""The migration chain: upgrade head on an empty database gives exactly the models' schema
(autogenerate finds nothing to add), and downgrade to base then upgrade again works.
SQLite always; PostgreSQL in a scratch database of its own when AMPARO_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import amparo.access.models
import amparo.audit.models
import amparo.exchange.models
import amparo.identity.tables
import amparo.store.models
import amparo.transfers.tables  # noqa: F401  (every area's tables on the one metadata)
from amparo.store.base import Base
from amparo.store.db import current_revision, make_engine, upgrade
from amparo.store.testing import postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'empty.db').as_posix()}"
        return
    url = postgres_url()
    if url is None:
        pytest.skip("AMPARO_TEST_POSTGRES_URL is not set")
    name = f"amparo_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _differences(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _head(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    from amparo.store.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models(empty_url: str) -> None:
    assert current_revision(empty_url) is None
    upgrade(empty_url)
    assert current_revision(empty_url) == _head(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)
    assert _differences(empty_url) == []


def test_downgrade_to_base_and_upgrade_again(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade_down(empty_url)
    assert _tables(empty_url) <= {"alembic_version"}
    assert current_revision(empty_url) is None
    upgrade(empty_url)
    assert current_revision(empty_url) == _head(empty_url)
    assert _differences(empty_url) == []


def test_the_comparison_sees_a_column_the_migrations_lack(empty_url: str) -> None:
    from sqlalchemy import Column, MetaData, String

    upgrade(empty_url)
    extended = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(extended)
    extended.tables["persons"].append_column(Column("nickname", String(40)))
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            found = compare_metadata(context, extended)
    finally:
        engine.dispose()
    assert [(d[0], d[2], d[3].name) for d in found] == [("add_column", "persons", "nickname")]


def test_upgrade_is_idempotent(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)
    assert current_revision(empty_url) == _head(empty_url)


def upgrade_down(url: str) -> None:
    """``alembic downgrade base`` through the package's own configuration."""
    from alembic import command

    from amparo.store.db import alembic_config

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "base")
    finally:
        engine.dispose()
