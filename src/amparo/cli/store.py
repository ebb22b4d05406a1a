"""Commands of the store area: ``db upgrade``, ``users add`` and ``serve``."""

from __future__ import annotations

from typing import Annotated

import typer


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
        from amparo.exchange.keys import KeysOnDemand
        from amparo.settings import load_settings
        from amparo.store.db import engine_from_settings, session_factory, transaction

        settings = load_settings()
        engine = engine_from_settings(settings)
        try:
            made = audit.bind_signer(session_factory(engine), KeysOnDemand(settings.data_dir))
            with transaction(made) as session:
                user, token = create_user(session, name=name, role=role, agency=agency)
                user_id = user.id
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
        finally:
            engine.dispose()
        typer.echo(f"user {name} ({role}, {agency}) added with id {user_id}")
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
        from amparo.store.db import upgrade

        settings = load_settings()
        if settings.database_url is None:
            upgrade(settings.resolved_database_url)
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
