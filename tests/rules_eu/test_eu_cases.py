"""EU cases in the store: intake records the pack's legal clocks as case deadlines (they show in the
overdue list), and the Dublin workflow's guards read the EU summary."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amparo.access.actor import Actor
from amparo.access.users import create_user
from amparo.cases import lists, reads, steps
from amparo.cases.intake import run_intake
from amparo.cases.models import CaseOut
from amparo.engine.registry import PackRegistry
from amparo.errors import TransitionNotAllowed
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Deadline

EXAMPLES = Path(__file__).parents[2].parent / "shared/spec/eu/examples"
PACKS = PackRegistry([US_PACK, EU_PACK], default="us")


def _example(prefix: str) -> dict[str, Any]:
    path = next(EXAMPLES.glob(f"{prefix}*.json"))
    document: dict[str, Any] = json.loads(path.read_text())["encounter"]
    return copy.deepcopy(document)


class World:
    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.factory = session_factory(self.engine)
        self.actors: dict[str, Actor] = {}
        with transaction(self.factory) as session:
            for name, role in (
                ("officer", "officer"),
                ("supervisor", "supervisor"),
                ("supervisor2", "supervisor"),
            ):
                self.actors[name] = Actor(create_user(session, name=name, role=role, agency="US-CBP")[0])

    def intake(self, document: dict[str, Any]) -> CaseOut:
        body = run_intake(self.factory, PACKS, self.actors["officer"], str(document["id"]), document).body
        case_id = body.encounter.case_id
        assert case_id is not None
        case: CaseOut = self.run(reads.get_case, case_id)
        return case

    def run(self, service: Any, *args: Any, user: str = "officer", **kwargs: Any) -> Any:
        with transaction(self.factory) as session:
            return service(session, PACKS, self.actors[user], *args, **kwargs)

    def move(self, case: CaseOut, to: str, user: str = "officer") -> CaseOut:
        result: CaseOut = self.run(
            steps.transition, case.id, to=to, reason=None, expected_version=case.version, user=user
        )
        return result


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    w = World(database_url)
    try:
        yield w
    finally:
        w.engine.dispose()


def test_intake_records_the_dublin_clocks_as_deadlines(world: World) -> None:
    case = world.intake(_example("e1"))
    with transaction(world.factory) as session:
        rows = session.scalars(select(Deadline).where(Deadline.case_id == case.id)).all()
        due = {d.step: d.due_at for d in rows}
    # The last day, 2024-12-01, ends at midnight in Brussels (CET): 23:00 UTC.
    assert due["take_charge_request_by"].replace(tzinfo=None) == dt.datetime(2024, 12, 1, 23, 0)
    assert {"take_charge_request_by", "reply_by", "transfer_by"} <= set(due)
    overdue = world.run(lists.list_deadlines, overdue=True)
    assert {d.step for d in overdue.items if d is not None} >= {"take_charge_request_by", "transfer_by"}


def test_no_clock_when_the_determining_state_is_responsible(world: World) -> None:
    case = world.intake(_example("e2"))
    with transaction(world.factory) as session:
        steps_with_clocks = set(session.scalars(select(Deadline.step).where(Deadline.case_id == case.id)))
    assert not steps_with_clocks & {"take_charge_request_by", "reply_by", "transfer_by"}
    assert "take_charge_request" not in case.next_steps
    with pytest.raises(TransitionNotAllowed, match="take charge"):
        world.move(case, "take_charge_request")


def test_a_dublin_transfer_needs_a_supervisors_concurrence(world: World) -> None:
    case = world.intake(_example("e1"))
    assert "take_charge_request" in case.next_steps
    case = world.move(case, "take_charge_request")
    case = world.move(case, "accepted")
    proposed = world.move(case, "transfer_scheduled", user="supervisor")
    assert (proposed.state, proposed.pending_target) == ("supervisor_concurrence", "transfer_scheduled")
    done = world.run(
        steps.concur,
        proposed.id,
        concur=True,
        reason=None,
        expected_version=proposed.version,
        user="supervisor2",
    )
    assert done.state == "transfer_scheduled"
    assert world.move(done, "transferred").state == "transferred"
