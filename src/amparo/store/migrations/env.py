"""Alembic environment of amparo: migrations ship inside the package (``amparo.store.migrations``).

Run through :func:`amparo.store.db.upgrade` (``amparo db upgrade``), which passes an open
connection in ``config.attributes['connection']``; a URL in ``sqlalchemy.url`` works too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

# Every area's tables on the one metadata, so autogenerate compares the whole schema.
from amparo.access import models as access_models  # noqa: F401
from amparo.access import signin as access_signin  # noqa: F401
from amparo.audit import models as audit_models  # noqa: F401
from amparo.exchange import models as exchange_models  # noqa: F401
from amparo.identity import tables as identity_tables  # noqa: F401
from amparo.store import models  # noqa: F401
from amparo.store.base import Base
from amparo.store.db import make_engine
from amparo.transfers import tables as transfers_tables  # noqa: F401

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
