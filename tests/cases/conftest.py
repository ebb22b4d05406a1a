"""The case services called directly (no HTTP), on SQLite and, when AMPARO_TEST_POSTGRES_URL is
set, on PostgreSQL (the root conftest's ``database_url``), with two law packs installed: the US
pack and the tests' own arrival pack (:mod:`case_packs`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from case_packs import ARRIVAL_PACK
from case_support import Cases

from amparo.access.actor import Actor
from amparo.access.users import create_user
from amparo.engine.registry import PackRegistry
from amparo.rules.us import US_PACK
from amparo.store.db import make_engine, session_factory, transaction

USERS = {
    "officer": ("officer", "US-CBP"),
    "supervisor": ("supervisor", "US-USCIS"),
    "supervisor2": ("supervisor", "US-USCIS"),
    "analyst": ("analyst", "US-CBP"),
    "partner": ("partner", "GT-IGM"),
}


@pytest.fixture
def cases(database_url: str) -> Iterator[Cases]:
    engine = make_engine(database_url)
    factory = session_factory(engine)
    actors: dict[str, Actor] = {}
    with transaction(factory) as session:
        for name, (role, agency) in USERS.items():
            actors[name] = Actor(create_user(session, name=name, role=role, agency=agency)[0])
    try:
        yield Cases(factory, PackRegistry([US_PACK, ARRIVAL_PACK], default="us"), actors)
    finally:
        engine.dispose()
