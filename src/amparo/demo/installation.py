"""An installation the demo runs on: its settings, database, session factory, law packs and users.

The US installation is the configured one (``AMPARO_DATABASE_URL``, else the embedded SQLite file
in ``AMPARO_DATA_DIR``); the Guatemala installation the demo exchanges packages with has its own
SQLite store and keys under the output folder. The demo's users are made on the first run; their
tokens are written to ``DIR/demo-users.json`` (mode 0600) so a newcomer can sign in to the web
interface with them, and a token that file no longer holds is replaced.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from amparo.access.actor import Actor
from amparo.engine.registry import PackRegistry
from amparo.errors import ConfigError
from amparo.settings import Settings
from amparo.store.db import masked_url
from amparo.store.models import User

#: The demo's users on the US installation: name -> (role, agency).
US_USERS: dict[str, tuple[str, str]] = {
    "demo-officer": ("officer", "US-CBP"),
    "demo-supervisor": ("supervisor", "US-USCIS"),
    "demo-supervisor-2": ("supervisor", "US-USCIS"),
}
#: On the Guatemala installation: the migration institute's partner user.
GT_USERS: dict[str, tuple[str, str]] = {"demo-igm": ("partner", "GT-IGM")}


@dataclass
class Installation:
    """One installation's store and the demo's actors on it."""

    country: str
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    packs: PackRegistry
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.settings.resolved_database_url

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction of its own (commit on success), chaining its audit entries after commit."""
        from amparo.store.db import transaction

        with transaction(self.factory) as session:
            yield session

    def close(self) -> None:
        from amparo import audit

        audit.settle(self.factory)
        self.engine.dispose()


def _known_tokens(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u.get("name")): str(u.get("token")) for u in users if isinstance(u, dict)}


def _users(session: Session, wanted: dict[str, tuple[str, str]], known: dict[str, str]) -> dict[str, str]:
    """Make the demo's users that are missing; a user whose token is not in ``known`` (or no longer
    matches) gets a new one. Returns every user's token."""
    from amparo.access.users import create_user
    from amparo.store.users import token_sha256

    tokens: dict[str, str] = {}
    for name, (role, agency) in wanted.items():
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            _, tokens[name] = create_user(session, name=name, role=role, agency=agency)
            continue
        token = known.get(name)
        if token is None or token_sha256(token) != user.token_sha256:
            token = secrets.token_urlsafe(32)
            user.token_sha256 = token_sha256(token)
        tokens[name] = token
    return tokens


def open_installation(
    country: str,
    settings: Settings,
    packs: PackRegistry,
    users: dict[str, tuple[str, str]],
    tokens_file: Path,
) -> Installation:
    """Bring the store to the latest schema, bind the audit signer, and make the demo's users."""
    from amparo import audit
    from amparo.exchange.keys import KeysOnDemand
    from amparo.store.db import engine_from_settings, session_factory, transaction, upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(settings.resolved_database_url)
    except OperationalError as exc:  # unreachable: say which database (masked) and why, no traceback
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise ConfigError(
            f"cannot open the database {masked_url(settings.resolved_database_url)}: {reason}"
        ) from None
    engine = engine_from_settings(settings)
    factory = audit.bind_signer(session_factory(engine), KeysOnDemand(settings.data_dir))
    installation = Installation(country, settings, engine, factory, packs)
    with transaction(factory) as session:
        installation.tokens = _users(session, users, _known_tokens(tokens_file))
    with factory() as session:
        for name in users:
            user = session.scalars(select(User).where(User.name == name)).one()
            installation.actors[name] = Actor(user)
    return installation


def write_tokens(path: Path, installations: list[Installation], serve_hint: str) -> None:
    """``DIR/demo-users.json``, readable by its owner only (mode 0600)."""
    users = [
        {
            "installation": inst.country,
            "name": name,
            "role": inst.actors[name].user.role,
            "agency": inst.actors[name].user.agency,
            "token": token,
        }
        for inst in installations
        for name, token in inst.tokens.items()
    ]
    body = json.dumps({"sign_in": serve_hint, "users": users}, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body)
    os.chmod(path, 0o600)
