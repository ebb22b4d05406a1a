"""HTTP routes of identity decisions (mounted under /api/v1/identity): the review queue,
link/distinct decisions, merges, splits and undo (:mod:`amparo.identity.decisions`).

Only an officer, supervisor or admin of a US agency may use them; anyone else who is
authenticated (a partner agency, an analyst) gets 404 exactly as for a missing record, so no
one else learns whether a person is known. Each write runs in one transaction with its audit
entry; errors go to the handlers of :mod:`amparo.api.problems`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from amparo.access.actor import Actor
from amparo.api.deps import Factory, Packs, Reader
from amparo.errors import MissingExtra, NotFound
from amparo.exchange.withdrawal import withdraw_unsent
from amparo.identity import decisions
from amparo.store.db import transaction

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])

ReviewId = Annotated[str, Path(min_length=1, max_length=40)]
Reason = Annotated[str, Field(min_length=1, max_length=400, description="why (kept and audited)")]


class DecisionIn(BaseModel):
    """An officer's decision on a review."""

    decision: Literal["link", "distinct"] = Field(description="link: the same person; distinct: not")
    reason: Reason


class MergeIn(BaseModel):
    """Merge ``absorb`` into ``keep`` (every encounter of ``absorb`` moves)."""

    keep: str = Field(min_length=1, max_length=40)
    absorb: str = Field(min_length=1, max_length=40)
    reason: Reason


class SplitIn(BaseModel):
    """Move ``encounter_ids`` of ``person_id`` to a new person."""

    person_id: str = Field(min_length=1, max_length=40)
    encounter_ids: list[str] = Field(min_length=1, max_length=500)
    reason: Reason


class UndoIn(BaseModel):
    """Why the decision, merge or split is undone."""

    reason: Reason


class TemplateIn(BaseModel):
    """A captured biometric template (the matcher's feature vector), for an encounter to come."""

    modality: Literal["face", "fingerprint", "iris"] = "face"
    vector: list[Annotated[float, Field(ge=-1e30, le=1e30, allow_inf_nan=False)]] = Field(
        min_length=8, max_length=4096, description="the feature vector (finite numbers)"
    )


def _officer(actor: Actor, kind: str, key: str) -> str:
    """The acting user's id; 404 (as for a missing record) for anyone who may not see identity."""
    if not decisions.may_resolve_identity(actor.user):
        raise NotFound(kind, key)
    return actor.id


@router.get("/reviews", summary="The identity review queue, most likely first, with the evidence")
def list_reviews(
    actor: Reader,
    made: Factory,
    status: Annotated[Literal["open", "link", "distinct"], Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    _officer(actor, "identity review queue", status)
    with transaction(made) as session:
        return {"items": decisions.queue(session, status=status, limit=limit)}


@router.get("/reviews/{review_id}", summary="One identity review with its evidence")
def get_review(review_id: ReviewId, actor: Reader, made: Factory) -> dict[str, Any]:
    _officer(actor, "identity review", review_id)
    with transaction(made) as session:
        return decisions.get_review(session, review_id)


@router.post("/reviews/{review_id}/decision", summary="Decide a review: link (same person) or distinct")
def decide_review(
    review_id: ReviewId, body: DecisionIn, actor: Reader, made: Factory, packs: Packs
) -> dict[str, Any]:
    """A link joins two persons: what the joined person bars is withdrawn at once (issue 11)."""
    by = _officer(actor, "identity review", review_id)
    with transaction(made) as session:
        decided = decisions.decide(session, review_id, body.decision, by=by, reason=body.reason)
        if body.decision == "link" and decided.get("candidate_person_id"):
            withdraw_unsent(session, str(decided["candidate_person_id"]), packs=packs, actor=by)
        return decided


@router.post("/merges", summary="Merge two persons (explained, audited, reversible)")
def merge(body: MergeIn, actor: Reader, made: Factory, packs: Packs) -> dict[str, Any]:
    """What the merged person bars is withdrawn at once (issue 11)."""
    by = _officer(actor, "person", body.absorb)
    with transaction(made) as session:
        merged = decisions.merge_persons(
            session, keep=body.keep, absorb=body.absorb, by=by, reason=body.reason
        )
        withdraw_unsent(session, body.keep, packs=packs, actor=by)
        return merged


@router.post("/splits", summary="Move encounters of a person to a new person (audited, reversible)")
def split(body: SplitIn, actor: Reader, made: Factory) -> dict[str, Any]:
    by = _officer(actor, "person", body.person_id)
    with transaction(made) as session:
        return decisions.split_person(
            session, person_id=body.person_id, encounter_ids=body.encounter_ids, by=by, reason=body.reason
        )


@router.post("/undo/{target_id}", summary="Undo a review decision (IR-...) or a merge or split (IC-...)")
def undo(target_id: ReviewId, body: UndoIn, actor: Reader, made: Factory) -> dict[str, Any]:
    by = _officer(actor, "identity review or change", target_id)
    with transaction(made) as session:
        return decisions.undo(session, target_id, by=by, reason=body.reason)


@router.post("/templates", status_code=201, summary="Enrol a template for an encounter to be taken in")
def enrol_template(body: TemplateIn, request: Request, actor: Reader, made: Factory) -> dict[str, Any]:
    """Stores the template encrypted (never in clear) and answers its id, to be sent in the
    encounter as ``/extensions/biometric`` = ``{"template_id": ..., "modality": ...}``."""
    try:
        import numpy as np

        from amparo.identity.biometrics import enroll_template, load_key
    except ImportError as exc:
        raise MissingExtra(exc.name or "numpy", "linkage") from exc
    _officer(actor, "identity templates", body.modality)
    key = load_key(request.app.state.settings.data_dir)
    with transaction(made) as session:
        template_id = enroll_template(session, key, np.asarray(body.vector, dtype=np.float32), body.modality)
    return {"template_id": template_id, "modality": body.modality, "dim": len(body.vector)}
