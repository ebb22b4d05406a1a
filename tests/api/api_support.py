"""Helpers shared by the API tests (a uniquely named module, imported by conftest and tests)."""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import Any

with warnings.catch_warnings():
    # starlette 1.x prefers httpx2 for its test client and warns once, at import, when it finds httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from amparo.access.users import create_user
from amparo.store.db import make_engine, session_factory, transaction

__all__ = ["ACA_ENCOUNTER", "USERS", "Api", "TestClient", "add_users", "encounter"]


# The ACA example: a Honduran adult crossing from Mexico in February 2020 (ACA to GT, MPP amenable).
ACA_ENCOUNTER: dict[str, Any] = {
    "schema": "amparo/encounter@1",
    "id": "EX-1",
    "encountered_on": "2020-02-03",
    "place": {"border": "southwest_land", "manner": "between_ports", "state": "TX", "arrived_from": "MX"},
    "person": {
        "nationalities": ["HN"],
        "birth_date": "1991-04-02",
        "sex": "M",
        "given_names": "José Armando",
    },
    "route": [{"country": "GT", "protection_claim": "none"}, {"country": "MX", "protection_claim": "none"}],
    "fear_claims": [{"country": "HN", "affirmatively_stated": True, "basis": ["particular_social_group"]}],
}


def encounter(encounter_id: str = "EX-1", **changes: Any) -> dict[str, Any]:
    """A valid encounter v1 document (the ACA example) with another id and changes."""
    doc = copy.deepcopy(ACA_ENCOUNTER)
    doc["id"] = encounter_id
    doc.update(changes)
    return doc


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
