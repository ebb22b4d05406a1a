"""The 0003_identity migration creates exactly the identity tables the ORM declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from amparo.identity import tables
from amparo.store.db import make_engine
from amparo.store.testing import fresh_sqlite

IDENTITY_TABLES = [
    tables.IdentityKey,
    tables.IdentityIndexed,
    tables.IdentityLink,
    tables.IdentityReview,
    tables.IdentityChange,
    tables.IdentityTemplate,
]


def test_migrated_columns_match_the_models(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "migration-template")
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        for model in IDENTITY_TABLES:
            table = model.__table__
            migrated = {c["name"]: c for c in inspector.get_columns(table.name)}
            assert set(migrated) == {c.name for c in table.columns}, table.name
            for column in table.columns:
                assert bool(migrated[column.name]["nullable"]) == bool(column.nullable), (
                    f"{table.name}.{column.name}"
                )
            primary = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert sorted(primary) == sorted(c.name for c in table.primary_key.columns)
    finally:
        engine.dispose()
