"""Helpers for the case-service tests (a uniquely named module, imported by conftest and tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aca_example import ACA_ENCOUNTER, aca_encounter
from sqlalchemy.orm import Session, sessionmaker

from amparo.access.actor import Actor
from amparo.cases.intake import IntakeResult, run_intake
from amparo.engine.registry import PackRegistry
from amparo.store.db import transaction

T = TypeVar("T")

US_ENCOUNTER = ACA_ENCOUNTER
us_encounter = aca_encounter


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
