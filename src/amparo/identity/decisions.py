"""Officers' identity decisions: the review queue (``link`` | ``distinct``), merges and splits.

Every decision here is
- explained: the review's evidence as intake recorded it (each comparison's level and match
  weight, the fields that agreed, the biometric score and its weight, the prior), and for a
  merge the two persons scored against each other by the same model;
- audited: one entry per decision in the caller's transaction (:func:`amparo.audit.record`;
  actions ``identity.link``, ``identity.distinct``, ``identity.merge``, ``identity.split``,
  ``identity.undo``), with the explanation's numbers but never a name;
- reversible: :func:`undo` takes a review id (the decision is undone and the review reopened)
  or a change id (the merge or split is reversed);
- followed by the access facts of the joined person (:func:`joined_person_facts`): after a
  link or merge the person's nationalities and feared countries are the union over all their
  encounters, so a bar that reads the person (8 CFR 208.6) reads the joined person.

Views returned here are plain JSON-able dicts, the same for the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.errors import FieldError, InputError, NotFound
from amparo.identity import merges
from amparo.identity.person_records import person_record
from amparo.identity.resolution import scorer
from amparo.identity.tables import IdentityChange, IdentityReview
from amparo.store.models import Encounter, Person

Decision = Literal["link", "distinct"]
#: Roles that may see and decide identity questions, in an agency of this country only.
IDENTITY_ROLES = frozenset({"officer", "supervisor", "admin"})
IDENTITY_COUNTRY = "US"
REVIEW_STATUSES = ("open", "link", "distinct")
#: The purpose recorded with identity decisions (they serve case management).
PURPOSE = "case_management"


def _audit(
    session: Session, *, by: str, action: str, kind: str, record_id: str, detail: dict[str, Any]
) -> None:
    from amparo import audit

    audit.record(
        session,
        actor=by,
        action=action,
        record_kind=kind,
        record_id=record_id,
        purpose=PURPOSE,
        outcome="ok",
        detail=detail,
    )


def may_resolve_identity(user: Any) -> bool:
    """Whether ``user`` may see the review queue and decide: an officer, supervisor or admin of
    a US agency. Nobody else may learn from these operations whether a person is known."""
    from amparo.access.agencies import get_agency

    if user is None or user.role not in IDENTITY_ROLES:
        return False
    try:
        return get_agency(user.agency).country == IDENTITY_COUNTRY
    except InputError:
        return False


def _review(session: Session, review_id: str) -> IdentityReview:
    review = session.get(IdentityReview, review_id)
    if review is None:
        raise NotFound("identity review", review_id)
    return review


def _encounter_person(session: Session, encounter_id: str) -> str:
    person_id = session.scalar(select(Encounter.person_id).where(Encounter.id == encounter_id))
    if person_id is None:
        raise NotFound("encounter", encounter_id)
    return person_id


def evidence_summary(explanation: dict[str, Any]) -> dict[str, Any]:
    """The numbers of an explanation (no names): fields with level and weight, what agreed,
    the biographic and biometric weights, the biometric score, the prior."""
    keys = (
        "fields",
        "agreed",
        "biographic_weight",
        "biometric_score",
        "biometric_weight",
        "prior_log2_odds",
        "match_weight",
    )
    return {k: explanation[k] for k in keys if k in explanation}


def review_view(session: Session, review: IdentityReview) -> dict[str, Any]:
    """One review as the API and the CLI show it."""
    encounter_person = session.scalar(select(Encounter.person_id).where(Encounter.id == review.encounter_id))
    explanation = dict(review.explanation or {})
    return {
        "id": review.id,
        "status": review.status,
        "encounter_id": review.encounter_id,
        "encounter_person_id": encounter_person,
        "candidate_person_id": review.candidate_person_id,
        "match_probability": round(review.match_probability, 6),
        "evidence": evidence_summary(explanation),
        "decision": explanation.get("decision"),
        "decided_by": review.decided_by,
        "decided_at": review.decided_at.isoformat() if review.decided_at else None,
        "created_at": review.created_at.isoformat() if review.created_at else None,
    }


def queue(session: Session, *, status: str = "open", limit: int = 50) -> list[dict[str, Any]]:
    """The reviews in ``status``, most likely first (the order an officer works them)."""
    if status not in REVIEW_STATUSES:
        raise InputError(
            [FieldError("status", f"must be one of {', '.join(REVIEW_STATUSES)}; got '{status}'")]
        )
    if not 1 <= limit <= 1000:
        raise InputError([FieldError("limit", f"must be between 1 and 1000; got {limit}")])
    reviews = session.scalars(
        select(IdentityReview)
        .where(IdentityReview.status == status)
        .order_by(IdentityReview.match_probability.desc(), IdentityReview.id)
        .limit(limit)
    ).all()
    return [review_view(session, r) for r in reviews]


def get_review(session: Session, review_id: str) -> dict[str, Any]:
    """One review (NotFound when there is none)."""
    return review_view(session, _review(session, review_id))


def joined_person_facts(session: Session, person_id: str) -> dict[str, list[str]]:
    """The person's nationalities and feared countries over all their encounters (what a
    person-level access decision reads once encounters are joined)."""
    nationalities: set[str] = set()
    feared: set[str] = set()
    for document in session.scalars(select(Encounter.document).where(Encounter.person_id == person_id)):
        person = (document or {}).get("person") or {}
        nationalities.update(str(n) for n in person.get("nationalities") or ())
        for claim in (document or {}).get("fear_claims") or ():
            if isinstance(claim, dict) and claim.get("country"):
                feared.add(str(claim["country"]))
    return {"nationalities": sorted(nationalities), "feared_countries": sorted(feared)}


def explain_persons(session: Session, a: str, b: str) -> dict[str, Any]:
    """Persons ``a`` and ``b`` scored against each other by the shipped model (fields, weights)."""
    pa, pb = session.get(Person, a), session.get(Person, b)
    if pa is None:
        raise NotFound("person", a)
    if pb is None:
        raise NotFound("person", b)
    (scored,) = scorer().score(person_record(pa), [person_record(pb)])
    return {
        "fields": [e.as_dict() for e in scored.evidence],
        "agreed": scored.agreed,
        "match_weight": round(scored.match_weight, 3),
    }


def decide(session: Session, review_id: str, decision: Decision, *, by: str, reason: str) -> dict[str, Any]:
    """Decide an open review: ``link`` joins the encounter's person to the candidate (a merge,
    reversible), ``distinct`` records that they are different people."""
    if decision not in ("link", "distinct"):
        raise InputError([FieldError("decision", f"must be 'link' or 'distinct'; got '{decision}'")])
    review = _review(session, review_id)
    if review.status != "open":
        raise InputError(
            [FieldError("review", f"{review_id} is already decided ({review.status}); undo it first")]
        )
    record: dict[str, Any] = {"decision": decision, "reason": reason, "change_id": None}
    access: dict[str, list[str]] | None = None
    if decision == "link":
        person_id = _encounter_person(session, review.encounter_id)
        if person_id != review.candidate_person_id:
            change = merges.merge(
                session,
                keep=review.candidate_person_id,
                absorb=person_id,
                reason=f"review {review_id}: {reason}",
                by=by,
            )
            record["change_id"] = change.id
        access = joined_person_facts(session, review.candidate_person_id)
    review.status = decision
    review.decided_by = by
    review.decided_at = dt.datetime.now(dt.UTC)
    review.explanation = {**(review.explanation or {}), "decision": record}
    session.flush()
    _audit(
        session,
        by=by,
        action=f"identity.{decision}",
        kind="identity_review",
        record_id=review_id,
        detail={
            "encounter_id": review.encounter_id,
            "candidate_person_id": review.candidate_person_id,
            "match_probability": review.match_probability,
            "change_id": record["change_id"],
            "evidence": evidence_summary(review.explanation),
            **({"access_reevaluated": access} if access is not None else {}),
        },
    )
    return review_view(session, review)


def change_view(change: IdentityChange) -> dict[str, Any]:
    """A merge, split or reversal as the API and the CLI show it."""
    return {
        "id": change.id,
        "kind": change.kind,
        "from_person_id": change.from_person_id,
        "to_person_id": change.to_person_id,
        "encounter_ids": list(change.encounter_ids),
        "reason": change.reason,
        "by": change.by_user,
        "at": change.at.isoformat() if change.at else None,
        "reverses": change.reverses,
        "reversed_by": change.reversed_by,
    }


def merge_persons(session: Session, *, keep: str, absorb: str, by: str, reason: str) -> dict[str, Any]:
    """Move every encounter of ``absorb`` to ``keep`` (explained, audited, reversible)."""
    explanation = explain_persons(session, keep, absorb)
    change = merges.merge(session, keep=keep, absorb=absorb, reason=reason, by=by)
    access = joined_person_facts(session, keep)
    _audit(
        session,
        by=by,
        action="identity.merge",
        kind="identity_change",
        record_id=change.id,
        detail={"keep": keep, "absorb": absorb, "encounters": len(change.encounter_ids), "evidence": explanation,
                "access_reevaluated": access},
    )  # fmt: skip
    return {**change_view(change), "evidence": explanation, "access_reevaluated": access}


def split_person(
    session: Session, *, person_id: str, encounter_ids: list[str], by: str, reason: str
) -> dict[str, Any]:
    """Move ``encounter_ids`` of ``person_id`` to a new person (audited, reversible)."""
    change = merges.split(session, person_id=person_id, encounter_ids=encounter_ids, reason=reason, by=by)
    _audit(
        session,
        by=by,
        action="identity.split",
        kind="identity_change",
        record_id=change.id,
        detail={
            "person_id": person_id,
            "new_person_id": change.to_person_id,
            "encounters": len(encounter_ids),
        },
    )
    return change_view(change)


def undo(session: Session, target_id: str, *, by: str, reason: str) -> dict[str, Any]:
    """Undo a review decision (``IR-...``: reverses its merge, reopens the review) or a merge or
    split (``IC-...``: moves its encounters back; a review it decided is reopened)."""
    review = session.get(IdentityReview, target_id)
    if review is not None:
        return _undo_review(session, review, by=by, reason=reason)
    change = session.get(IdentityChange, target_id)
    if change is None:
        raise NotFound("identity review or change", target_id)
    back = merges.reverse(session, change.id, reason=reason, by=by)
    for linked in session.scalars(select(IdentityReview).where(IdentityReview.status == "link")):
        if ((linked.explanation or {}).get("decision") or {}).get("change_id") == change.id:
            _reopen(linked)
    session.flush()
    _audit(
        session,
        by=by,
        action="identity.undo",
        kind="identity_change",
        record_id=change.id,
        detail={"reversal": back.id, "kind": change.kind, "encounters": len(change.encounter_ids)},
    )
    return change_view(back)


def _reopen(review: IdentityReview) -> None:
    history = list((review.explanation or {}).get("undone") or [])
    history.append((review.explanation or {}).get("decision"))
    explanation = {k: v for k, v in (review.explanation or {}).items() if k != "decision"}
    review.explanation = {**explanation, "undone": history}
    review.status = "open"
    review.decided_by = None
    review.decided_at = None


def _undo_review(session: Session, review: IdentityReview, *, by: str, reason: str) -> dict[str, Any]:
    if review.status == "open":
        raise InputError([FieldError("review", f"{review.id} is open: there is no decision to undo")])
    decision = (review.explanation or {}).get("decision") or {}
    change_id = decision.get("change_id")
    reversal = merges.reverse(session, change_id, reason=reason, by=by).id if change_id else None
    undone = review.status
    _reopen(review)
    session.flush()
    _audit(
        session,
        by=by,
        action="identity.undo",
        kind="identity_review",
        record_id=review.id,
        detail={"undone": undone, "reversal": reversal},
    )
    return review_view(session, review)
