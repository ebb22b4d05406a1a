"""Helpers shared by the API tests (a uniquely named module, imported by conftest and tests)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2 for its test client and warns once, at import, when it finds httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from aca_example import ACA_ENCOUNTER, aca_encounter

from amparo.access.users import create_user
from amparo.store.db import make_engine, session_factory, transaction

__all__ = ["ACA_ENCOUNTER", "USERS", "Api", "TestClient", "add_users", "encounter"]


encounter = aca_encounter


USERS = {
    "officer": ("officer", "US-CBP"),
    "officer2": ("officer", "US-CBP"),
    "supervisor": ("supervisor", "US-USCIS"),
    "supervisor2": ("supervisor", "US-USCIS"),
    "analyst": ("analyst", "US-CBP"),
    "partner": ("partner", "GT-IGM"),
}


@dataclass
class Api:
    """A test client with a token per user name."""

    client: TestClient
    tokens: dict[str, str]
    database_url: str

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def intake(self, doc: dict[str, Any], user: str = "officer") -> Any:
        return self.client.put(f"/api/v1/encounters/{doc['id']}", json=doc, headers=self.auth(user))


def add_users(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    tokens = {}
    with transaction(session_factory(engine)) as session:
        for name, (role, agency) in USERS.items():
            tokens[name] = create_user(session, name=name, role=role, agency=agency)[1]
    engine.dispose()
    return tokens
