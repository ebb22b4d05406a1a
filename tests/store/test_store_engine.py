"""The engine factory: SQLite really runs in WAL mode with foreign keys on, a busy timeout and
immediate transactions; URLs are normalised to psycopg 3; a bad URL is a configuration error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from amparo.errors import ConfigError
from amparo.settings import Settings
from amparo.store.db import engine_from_settings, make_engine, normalise_url


def _pragma(url: str, name: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    assert str(_pragma(url, "journal_mode")).lower() == "wal"
    assert _pragma(url, "foreign_keys") == 1
    assert _pragma(url, "busy_timeout") == 30000
    assert _pragma(url, "synchronous") == 1  # NORMAL: durable across process crashes in WAL mode


def test_sqlite_transactions_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))  # a read only, yet BEGIN IMMEDIATE holds the write lock
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
    finally:
        engine.dispose()


def test_settings_place_the_embedded_database_under_the_data_dir(tmp_path: Path) -> None:
    engine = engine_from_settings(Settings(data_dir=tmp_path / "data"))
    try:
        with engine.connect() as conn:
            assert str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower() == "wal"
        assert engine.url.get_backend_name() == "sqlite"
        assert Path(str(engine.url.database)).resolve().is_relative_to((tmp_path / "data").resolve())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_a_url_that_is_not_one_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="AMPARO_DATABASE_URL"):
        make_engine("not a url at all")


def test_postgres_engines_use_psycopg_3_and_a_bounded_pool() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/none")  # never connected
    try:
        assert engine.dialect.driver == "psycopg"
        assert engine.pool.size() == 10  # type: ignore[attr-defined]
    finally:
        engine.dispose()
