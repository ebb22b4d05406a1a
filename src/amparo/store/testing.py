"""Fresh databases for tests, the same on SQLite and PostgreSQL (used by tests/store and tests/api).

SQLite: the schema is migrated once into a template file, and every test gets its own copy.
PostgreSQL (``AMPARO_TEST_POSTGRES_URL``): migrated once per run, and every table emptied
before each test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import inspect, text

from amparo.store.db import make_engine, normalise_url, upgrade

POSTGRES_ENV = "AMPARO_TEST_POSTGRES_URL"
_migrated: dict[str, Path | str] = {}


def postgres_url() -> str | None:
    """The PostgreSQL database tests may use, or None."""
    url = os.environ.get(POSTGRES_ENV)
    return normalise_url(url) if url else None


def fresh_sqlite(directory: Path, template_dir: Path) -> str:
    """A new SQLite database at the latest schema in ``directory``."""
    template = _migrated.get("sqlite")
    if not isinstance(template, Path) or not template.exists():
        template_dir.mkdir(parents=True, exist_ok=True)
        template = template_dir / "template.db"
        upgrade(f"sqlite:///{template.as_posix()}")  # closing the last connection checkpoints the WAL
        _migrated["sqlite"] = template
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "amparo.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target.as_posix()}"


def fresh_postgres(url: str) -> str:
    """The PostgreSQL database at the latest schema with every table empty."""
    if _migrated.get("postgresql") != url:
        upgrade(url)
        _migrated["postgresql"] = url
    engine = make_engine(url)
    try:
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        if tables:
            with engine.begin() as conn:
                conn.execute(
                    text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
                )
    finally:
        engine.dispose()
    return url
