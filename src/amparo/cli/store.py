"""Commands of the store area: ``db upgrade``, ``users add|list|revoke|rotate`` and ``serve``.

Every change to a user is audited in the same transaction (``user_added``, ``user_revoked``,
``user_token_rotated``; never a token)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from amparo.settings import Settings


@contextmanager
def _users_session() -> Iterator[tuple[Session, Settings]]:
    """A transaction on the configured database, checkpoints signed by this installation."""
    from amparo.installation import installation_store
    from amparo.settings import load_settings
    from amparo.store.db import transaction

    settings = load_settings()
    with installation_store(settings) as made:
        with transaction(made) as session:
            yield session, settings


def _audit_user(session: Session, action: str, user_id: str, detail: dict[str, Any]) -> None:
    from amparo import audit
    from amparo.cli.audit import CLI_ACTOR

    audit.record(
        session,
        actor=CLI_ACTOR,
        action=action,
        record_kind="user",
        record_id=user_id,
        purpose="administration",
        outcome="ok",
        detail=detail,
    )


def register(app: typer.Typer) -> None:
    """Add ``amparo db upgrade``, ``amparo users add`` and ``amparo serve``."""
    db = typer.Typer(help="The database: schema upgrades.", no_args_is_help=True)
    users = typer.Typer(help="Users of the API and their tokens.", no_args_is_help=True)
    app.add_typer(db, name="db")
    app.add_typer(users, name="users")

    @db.command("upgrade")
    def db_upgrade(
        revision: Annotated[str, typer.Option(help="Schema revision to reach.")] = "head",
    ) -> None:
        """Bring the database in AMPARO_DATABASE_URL (default: embedded SQLite) to the latest schema."""
        from amparo.settings import load_settings
        from amparo.store.db import current_revision, masked_url, upgrade

        url = load_settings().resolved_database_url
        upgrade(url, revision)
        typer.echo(f"database {masked_url(url)} at revision {current_revision(url)}")

    @users.command("add")
    def users_add(
        name: Annotated[str, typer.Argument(help="Unique user name.")],
        role: Annotated[str, typer.Option(help="officer, supervisor, analyst, admin or partner.")],
        agency: Annotated[str, typer.Option(help="Agency code such as US-CBP (see amparo.access.agencies).")],
        print_token: Annotated[
            bool, typer.Option("--print-token", help="Print the new API token last.")
        ] = False,
    ) -> None:
        """Add a user; with --print-token the API token is the last line of output (stored hashed).

        The addition is audited in the same transaction (action ``user_added``, the new user's
        id, role and agency; never the token)."""
        from amparo import audit
        from amparo.access.users import create_user
        from amparo.cli.audit import CLI_ACTOR
        from amparo.installation import installation_store
        from amparo.settings import load_settings
        from amparo.store.db import transaction

        settings = load_settings()
        with installation_store(settings) as made:
            with transaction(made) as session:
                user, token = create_user(
                    session,
                    name=name,
                    role=role,
                    agency=agency,
                    home=settings.installation,
                    token_days=settings.token_days,
                )
                user_id = user.id
                expires = user.token_expires_at
                audit.record(
                    session,
                    actor=CLI_ACTOR,
                    action="user_added",
                    record_kind="user",
                    record_id=user_id,
                    purpose="administration",
                    outcome="ok",
                    detail={"role": role, "agency": agency},
                )
        typer.echo(f"user {name} ({role}, {agency}) added with id {user_id}; token expires {expires}")
        if print_token:
            typer.echo(token)
        else:
            typer.echo(f"get a token with: amparo users rotate {name} --print-token")

    @users.command("list")
    def users_list() -> None:
        """Every user: name, id, role, agency, state (active, revoked, expired) and token expiry."""
        from amparo.store.users import all_users, usable

        with _users_session() as (session, _settings):
            rows = [
                (
                    u.name,
                    u.id,
                    u.role,
                    u.agency,
                    "revoked" if u.revoked_at or not u.active else ("active" if usable(u) else "expired"),
                    str(u.token_expires_at or "-"),
                )
                for u in all_users(session)
            ]
        typer.echo("name\tid\trole\tagency\tstate\ttoken_expires_at")
        for row in rows:
            typer.echo("\t".join(row))

    @users.command("revoke")
    def users_revoke(name: Annotated[str, typer.Argument(help="The user to revoke.")]) -> None:
        """Revoke a user and its token, effective at once on every worker (audited)."""
        from amparo.store.users import revoke, user_by_name

        with _users_session() as (session, _settings):
            user = user_by_name(session, name)
            revoke(session, user)
            _audit_user(session, "user_revoked", user.id, {"name": name})
        typer.echo(f"user {name} revoked")

    @users.command("rotate")
    def users_rotate(
        name: Annotated[str, typer.Argument(help="The user whose token is replaced.")],
        print_token: Annotated[
            bool, typer.Option("--print-token", help="Print the new API token last.")
        ] = False,
    ) -> None:
        """Replace the user's token (the old one stops working at once); audited."""
        from amparo.store.users import rotate, user_by_name

        with _users_session() as (session, settings):
            user = user_by_name(session, name)
            token = rotate(session, user, token_days=settings.token_days)
            expires = user.token_expires_at
            _audit_user(session, "user_token_rotated", user.id, {"token_expires_at": str(expires)})
        typer.echo(f"token of {name} rotated; it expires {expires}")
        if print_token:
            typer.echo(token)

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port (1-65535).")] = 8000,
        workers: Annotated[
            int,
            typer.Option(
                min=1,
                help="Worker processes (uvicorn), for PostgreSQL. SQLite works with several too "
                "(WAL, BEGIN IMMEDIATE, busy timeout) but its writers then wait in SQLite's busy "
                "handler, which lengthens the tail: keep one for SQLite.",
            ),
        ] = 1,
    ) -> None:
        """Serve the HTTP API (the embedded SQLite database is upgraded first)."""
        import uvicorn

        from amparo.settings import load_settings
        from amparo.store.db import require_current_schema, upgrade

        _port_free(host, port)  # said before anything starts, not logged by the server after
        settings = load_settings()
        if settings.database_url is None:
            upgrade(settings.resolved_database_url)
        else:  # a database of its own is upgraded by its operator: say so before serving
            require_current_schema(settings.database_url)
        log_level = settings.log_level.lower()
        if workers > 1:
            # Each worker process builds its own app (and engine) from the same environment.
            uvicorn.run(
                "amparo.api.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level=log_level,
            )
            return
        from amparo.api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


def _port_free(host: str, port: int) -> None:
    """ConfigError when nothing can listen on host:port (in use, or an address not of this machine)."""
    import socket

    from amparo.errors import ConfigError

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host}:{port}: {str(exc.strerror or exc).split(' (while')[0]}; "
            "choose another --port or --host"
        ) from None
