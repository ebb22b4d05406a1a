"""The engine and the screening interpreter with a pack that is neither the US nor the EU one."""

from __future__ import annotations

import datetime as dt

import pytest
from toy_pack import SCHEMA, TOY_PACK, toy_document

from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.engine.workflow import Transition
from amparo.errors import InputError, RuleDefinitionError, UnknownPack
from amparo.screening import screen


def test_the_toy_pack_is_a_law_pack() -> None:
    assert isinstance(TOY_PACK, LawPack)
    assert TOY_PACK.program.summary_keys == ("minor", "fast_track", "centre", "special", "applying")


def test_an_adult_of_a_listed_nationality_is_fast_tracked_while_the_rule_is_in_force() -> None:
    decision = screen(toy_document(), TOY_PACK)
    assert decision.summary == {
        "minor": False,
        "fast_track": "fast",
        "centre": "fast_centre",  # the fact set by the fast_track step fed the table
        "special": True,
        "applying": ["fast"],
    }
    assert [f["id"] for f in decision.flags] == ["toy_contested"]
    assert decision.pack_id == "toy"
    assert "confidentiality" not in decision.to_dict()  # the toy pack has no marker


def test_a_child_is_excepted_and_goes_to_the_child_centre() -> None:
    decision = screen(toy_document(age=12), TOY_PACK)
    assert decision.summary["fast_track"] is None
    assert decision.summary["centre"] == "child_centre"
    assert decision.summary["applying"] == ["True"]
    outcome = {d.rule.id: d.outcome for d in decision.determinations}
    assert outcome["fast_track"] == "excepted"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(dt.date(2023, 12, 31), None), (dt.date(2024, 1, 1), "fast"), (dt.date(2025, 1, 1), None)],
)
def test_the_version_in_force_on_the_reading_date_decides(as_of: dt.date, expected: str | None) -> None:
    assert screen(toy_document(), TOY_PACK, as_of=as_of).summary["fast_track"] == expected


def test_the_registry_picks_the_pack_by_schema() -> None:
    registry = PackRegistry([TOY_PACK])
    assert registry.for_document(toy_document()) is TOY_PACK
    assert registry.for_document({"id": "no schema"}) is TOY_PACK  # the default pack
    assert screen(toy_document(), registry).summary["centre"] == "fast_centre"
    with pytest.raises(InputError) as caught:
        registry.for_document({"schema": "nobody/reads@9"})
    assert caught.value.errors[0].path == "/schema"
    assert SCHEMA in caught.value.errors[0].message


def test_the_registry_refuses_twins_and_unknown_ids() -> None:
    with pytest.raises(RuleDefinitionError):
        PackRegistry([TOY_PACK, TOY_PACK])
    with pytest.raises(RuleDefinitionError):
        PackRegistry([])
    with pytest.raises(UnknownPack):
        PackRegistry([TOY_PACK], default="nope")
    with pytest.raises(UnknownPack):
        PackRegistry([TOY_PACK]).get("nope")


def test_invalid_documents_name_each_field() -> None:
    with pytest.raises(InputError) as caught:
        screen(toy_document(age="old", arrived_on="yesterday"), TOY_PACK)
    assert {e.path for e in caught.value.errors} == {"/age", "/arrived_on"}


def test_the_workflow_guards_read_the_summary() -> None:
    flow = TOY_PACK.workflow
    fast = screen(toy_document(), TOY_PACK).summary
    slow = screen(toy_document(nationality="ZZ"), TOY_PACK).summary
    assert flow.plan("registered", "fast_return", fast) == Transition(
        "supervisor_concurrence", pending_target="fast_return"
    )
    assert flow.plan("registered", "fast_return", slow) == "the decision does not fast-track the person"
    assert "not a workflow state" in str(flow.plan("registered", "nowhere", fast))
    assert "next steps are: closed, fast_return" in str(flow.plan("registered", "intake", fast))
    assert flow.next_steps("registered", slow) == ["closed"]
    assert flow.concur_target("fast_return", fast) == "fast_return"
    assert flow.concur_target("fast_return", slow) is None
    assert flow.plan("supervisor_concurrence", "closed", fast) != Transition("closed")
