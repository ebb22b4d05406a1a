"""An installation's store as the edges (the command line, the API) open it: the engine from the
settings, and every session of it bound to this installation's own keys — the key that signs the
audit trail's checkpoints and the key that opens biometric templates — never another's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.exchange.keys import KeysOnDemand
from amparo.identity.intake import bind_template_keys
from amparo.settings import Settings
from amparo.store.db import engine_from_settings


def bind_installation(factory: sessionmaker[Session], data_dir: Path) -> sessionmaker[Session]:
    """Bind the keys kept under ``data_dir`` to every session of ``factory`` (returns it)."""
    return bind_template_keys(audit.bind_signer(factory, KeysOnDemand(data_dir)), data_dir)


@contextmanager
def installation_store(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The session factory of the store in ``settings``, bound to its keys; the engine is disposed
    when the block ends."""
    from amparo.store.db import session_factory

    engine = engine_from_settings(settings)
    try:
        yield bind_installation(session_factory(engine), settings.data_dir)
    finally:
        engine.dispose()
