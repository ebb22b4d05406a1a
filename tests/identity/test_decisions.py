"""Officers' decisions on the review queue, merges and splits: explained, audited, reversible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from amparo.audit.models import AuditEntry, AuditQueued
from amparo.errors import InputError, NotFound
from amparo.identity import decisions
from amparo.identity.tables import IdentityChange
from amparo.store.db import make_engine, session_factory, transaction
from amparo.store.models import Encounter

from .support import seed_review

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def factory(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from amparo.store.testing import fresh_sqlite

    url = fresh_sqlite(tmp_path / "db", tmp_path_factory.getbasetemp() / "decisions-template")
    factory = session_factory(make_engine(url))
    seed_review(factory)
    return factory


def _owners(factory: Any) -> dict[str, str]:
    with factory() as session:
        return {e.id: e.person_id for e in session.scalars(select(Encounter))}


def _actions(factory: Any) -> list[str]:
    """The audited actions, chained or still queued, in order."""
    with factory() as session:
        chained = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
        queued = [q.action for q in session.scalars(select(AuditQueued).order_by(AuditQueued.id))]
    return [a for a in chained + queued if a.startswith("identity.")]


def test_the_queue_shows_the_evidence(factory: Any) -> None:
    with factory() as session:
        (item,) = decisions.queue(session)
    assert (item["id"], item["encounter_person_id"], item["candidate_person_id"]) == ("IR-1", "P-B", "P-A")
    assert item["evidence"]["biometric_score"] == 0.71
    assert item["evidence"]["fields"][0]["match_weight"] == 4.2
    assert "best_candidate" not in item["evidence"]


def test_link_joins_the_persons_reevaluates_access_and_undo_restores(factory: Any) -> None:
    with transaction(factory) as session:
        view = decisions.decide(session, "IR-1", "link", by="U-1", reason="same person, photo checked")
    assert view["status"] == "link" and view["decision"]["change_id"]
    assert _owners(factory) == {"E-1": "P-A", "E-3": "P-A"}
    with factory() as session:
        facts = decisions.joined_person_facts(session, "P-A")
    assert facts == {"nationalities": ["GT", "HN"], "feared_countries": ["HN", "SV"]}
    with transaction(factory) as session:
        with pytest.raises(InputError):
            decisions.decide(session, "IR-1", "distinct", by="U-1", reason="again")
    with transaction(factory) as session:
        undone = decisions.undo(session, "IR-1", by="U-1", reason="wrong photo")
    assert undone["status"] == "open" and undone["decision"] is None
    assert _owners(factory) == {"E-1": "P-A", "E-3": "P-B"}
    assert _actions(factory) == ["identity.link", "identity.undo"]
    with factory() as session:
        assert [c.kind for c in session.scalars(select(IdentityChange).order_by(IdentityChange.at))] == [
            "merge",
            "reversal",
        ]


def test_distinct_keeps_the_persons_apart_and_can_be_undone(factory: Any) -> None:
    with transaction(factory) as session:
        decisions.decide(session, "IR-1", "distinct", by="U-1", reason="different mothers")
    assert _owners(factory) == {"E-1": "P-A", "E-3": "P-B"}
    with transaction(factory) as session:
        assert decisions.undo(session, "IR-1", by="U-1", reason="reopen")["status"] == "open"
        with pytest.raises(InputError):
            decisions.undo(session, "IR-1", by="U-1", reason="nothing to undo")
    assert _actions(factory) == ["identity.distinct", "identity.undo"]


def test_merge_is_explained_and_undoing_the_change_reopens_nothing_else(factory: Any) -> None:
    with transaction(factory) as session:
        merged = decisions.merge_persons(session, keep="P-A", absorb="P-B", by="U-1", reason="same documents")
    assert "surnames" in merged["evidence"]["agreed"]
    assert merged["access_reevaluated"]["feared_countries"] == ["HN", "SV"]
    with transaction(factory) as session:
        back = decisions.undo(session, merged["id"], by="U-1", reason="mistake")
    assert back["kind"] == "reversal" and _owners(factory)["E-3"] == "P-B"
    with transaction(factory) as session:
        split = decisions.split_person(session, person_id="P-A", encounter_ids=["E-1"], by="U-1", reason="x")
        with pytest.raises(NotFound):
            decisions.undo(session, "IC-nope", by="U-1", reason="x")
    assert _owners(factory)["E-1"] == split["to_person_id"]
    assert _actions(factory) == ["identity.merge", "identity.undo", "identity.split"]


def test_bad_input_names_the_field(factory: Any) -> None:
    with factory() as session:
        with pytest.raises(InputError, match="status"):
            decisions.queue(session, status="accepted")
        with pytest.raises(InputError, match="decision"):
            decisions.decide(session, "IR-1", "maybe", by="U-1", reason="x")  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            decisions.decide(session, "IR-9", "link", by="U-1", reason="x")
