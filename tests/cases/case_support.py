"""Helpers for the case-service tests (a uniquely named module, imported by conftest and tests)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from amparo.access.actor import Actor
from amparo.cases.intake import IntakeResult, run_intake
from amparo.engine.registry import PackRegistry
from amparo.store.db import transaction

T = TypeVar("T")

# The ACA example: a Honduran adult crossing from Mexico in February 2020 (ACA to GT, MPP amenable).
US_ENCOUNTER: dict[str, Any] = {
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


def us_encounter(encounter_id: str = "EX-1", **changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(US_ENCOUNTER)
    doc["id"] = encounter_id
    doc.update(changes)
    return doc


@dataclass
class Cases:
    """The case services' world in a test: a session factory, the packs and an actor per user."""

    factory: sessionmaker[Session]
    packs: PackRegistry
    actors: dict[str, Actor]

    def intake(self, document: dict[str, Any], user: str = "officer") -> IntakeResult:
        return run_intake(self.factory, self.packs, self.actors[user], str(document["id"]), document)

    def run(self, service: Callable[..., T], *args: Any, user: str = "officer", **kwargs: Any) -> T:
        """``service(session, packs, actor, *args, **kwargs)`` in one transaction."""
        with transaction(self.factory) as session:
            return service(session, self.packs, self.actors[user], *args, **kwargs)
