"""Engines, sessions and schema upgrades, all from :class:`amparo.settings.Settings`.

SQLite (the embedded default) runs in WAL mode with foreign keys on, and every transaction
starts with ``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout instead of
failing when a read transaction upgrades to a write. PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from amparo.errors import ConfigError, FieldError, InputError
from amparo.settings import Settings

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The databases amparo runs on (SQLAlchemy backend names).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_UPGRADE_HINT = "Run `amparo db upgrade` first (with the same AMPARO_DATABASE_URL)."


def masked_url(url: str) -> str:
    """The database URL as it may be printed: any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: print nothing of it that could be a secret
        return url.split("@")[-1] if "@" in url else url


class DatabaseUnsupported(ConfigError):
    """Raised when AMPARO_DATABASE_URL names a database amparo does not run on."""

    def __init__(self, url: str, backend: str) -> None:
        self.url = masked_url(url)
        self.backend = backend
        super().__init__(
            f"AMPARO_DATABASE_URL names a {backend} database ({self.url}); amparo runs on SQLite "
            "(sqlite:///PATH, the default) or PostgreSQL (postgresql://USER:PASSWORD@HOST/NAME)."
        )


class DatabaseUnreachable(ConfigError):
    """Raised when the configured database cannot be opened (refused, unknown host, bad password)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = masked_url(url)
        self.reason = reason
        super().__init__(
            f"Cannot open the database {self.url}: {reason}. Check that the server is running and "
            "that AMPARO_DATABASE_URL names it."
        )


class DatabaseNotUpgraded(ConfigError):
    """Raised when the database lacks amparo's tables or columns: never (or not lately) upgraded."""

    def __init__(self, url: str, missing: str) -> None:
        self.url = masked_url(url)
        self.missing = missing
        super().__init__(
            f"The database {self.url} does not have amparo's current schema ({missing}). {_UPGRADE_HINT}"
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].removeprefix("connection failed: ") if text else type(exc).__name__


def _missing_schema(exc: BaseException) -> str | None:
    """The DBAPI's words when an error says amparo's tables or columns are absent, else None."""
    message = _first_line(exc)
    if getattr(exc, "sqlstate", None) in ("42P01", "42703"):  # PostgreSQL: undefined table, column
        return message
    if message.startswith(("no such table: ", "no such column: ")) or " has no column named " in message:
        return message  # SQLite
    return None


def _translate_errors(engine: Engine, url: str) -> None:
    """Turn the DBAPI errors a user can cause into ConfigErrors that say what to do."""

    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> BaseException | None:
        original = context.original_exception
        missing = _missing_schema(original)
        if missing is not None:
            return DatabaseNotUpgraded(url, missing)
        if context.connection is None and not context.is_pre_ping:  # the connection itself failed
            return DatabaseUnreachable(url, _first_line(original))
        return None


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" event below issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _json_text(value: Any) -> str:
    """JSON columns are written with orjson (several times faster than the json module)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` (SQLite gets WAL, foreign keys and immediate transactions)."""
    given, url = url, normalise_url(url)
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", orjson.loads)
    try:
        parsed = make_url(url)
    except Exception:  # sqlalchemy raises ArgumentError with the URL (and its password) in it
        raise ConfigError(
            f"AMPARO_DATABASE_URL is not a database URL ({masked_url(given)}); expected sqlite:///PATH "
            "or postgresql://USER:PASSWORD@HOST/NAME."
        ) from None
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise DatabaseUnsupported(given, parsed.get_backend_name())
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            # Every transaction takes the write lock at BEGIN, so one process can use one
            # connection at a time anyway: with more, waiting threads sleep in SQLite's busy
            # handler (backing off up to 100 ms a try, unfairly), which gave a p99 over 600 ms;
            # one pooled connection makes them queue in order instead. Other processes
            # (``serve --workers``) still wait on the busy timeout.
            pool_size=kwargs.pop("pool_size", 1),
            max_overflow=kwargs.pop("max_overflow", 0),
            pool_timeout=kwargs.pop("pool_timeout", 30),
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        _translate_errors(engine, given)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No pool_pre_ping: it costs a round trip on every checkout. A connection the server has
    # dropped fails the one request that used it, and SQLAlchemy then invalidates the pool.
    engine = create_engine(
        url,
        pool_size=kwargs.pop("pool_size", 10),
        max_overflow=kwargs.pop("max_overflow", 10),
        pool_recycle=kwargs.pop("pool_recycle", 1800),
        **kwargs,
    )
    _translate_errors(engine, given)
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for the configured database (embedded SQLite by default)."""
    return make_engine(settings.resolved_database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


#: ``session.info`` key of the callbacks to run once the session's transaction has committed.
AFTER_COMMIT = "amparo.after_commit"


def after_commit(session: Session, callback: Callable[[sessionmaker[Session]], None]) -> None:
    """Run ``callback(factory)`` once the transaction of ``session`` has committed (through
    :func:`transaction`); registering the same callback again in one transaction is a no-op."""
    callbacks: list[Callable[[sessionmaker[Session]], None]] = session.info.setdefault(AFTER_COMMIT, [])
    if callback not in callbacks:
        callbacks.append(callback)


def _committed(session: Session, factory: sessionmaker[Session]) -> None:
    for callback in session.info.pop(AFTER_COMMIT, ()):
        callback(factory)


#: ``session.info`` key of the callbacks to run once the session's transaction has rolled back.
AFTER_ROLLBACK = "amparo.after_rollback"


def after_rollback(session: Session, callback: Callable[[Session], None]) -> None:
    """Run ``callback(fresh_session)`` in a second transaction, committed, once the transaction
    of ``session`` has rolled back (through :func:`transaction`): what must be kept although
    the request's work is not, such as the audit entry of a refused read."""
    session.info.setdefault(AFTER_ROLLBACK, []).append(callback)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception.

    Callbacks registered with :func:`after_rollback` (such as the audit entry of a refused read,
    which must stay in the audit trail) run in a second, fresh transaction once the first has
    rolled back, and it is committed; then the exception propagates as raised. Callbacks
    registered with :func:`after_commit` run after a commit (and only then).
    """
    hooks: list[Callable[[Session], None]] = []
    try:
        with factory() as session:
            session.info[AFTER_ROLLBACK] = hooks
            with session.begin():
                yield session
            _committed(session, factory)
    except Exception:
        if hooks:
            with factory() as session:
                with session.begin():
                    for hook in hooks:
                        hook(session)
                _committed(session, factory)
        raise


def alembic_config(url: str) -> Any:
    """The Alembic configuration of the migrations shipped inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def known_revisions(url: str = "sqlite://") -> list[str]:
    """The schema revisions shipped, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the latest schema).

    An unknown revision is an InputError on ``revision`` naming the shipped ones."""
    from alembic import command
    from alembic.util import CommandError

    known = known_revisions(url)
    if revision not in ("head", "heads", *known):
        raise InputError(
            [
                FieldError(
                    "--revision",
                    f"no schema revision '{revision}'; expected head or one of {', '.join(known)}",
                )
            ]
        )
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = connection
            try:
                command.upgrade(cfg, revision)
            except CommandError as exc:  # e.g. a database already past the revision asked for
                raise InputError([FieldError("--revision", str(exc))]) from None
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The schema revision the database is at (None when never upgraded)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def require_current_schema(url: str) -> None:
    """DatabaseNotUpgraded unless the database at ``url`` is at the latest shipped revision."""
    latest = known_revisions(url)[-1]
    found = current_revision(url)
    if found != latest:
        raise DatabaseNotUpgraded(url, f"at revision {found or 'none'}, amparo needs {latest}")
