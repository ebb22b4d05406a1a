"""Views of stored records as the case services return them (:mod:`amparo.cases.models`).

An encounter is shown with whatever the reader's permit allows: its ``document`` becomes the
projected field view (:func:`amparo.access.fields.project` of
:func:`~amparo.access.fields.view_of_encounter`), its top-level values drawn from withheld fields
are null (``person_id`` unless every identity field is allowed, ``nationality`` unless
``nationalities``, ``encountered_on`` unless allowed), and ``redacted`` names the fields withheld.
A case's ``person_id`` follows the same rule. Other views are shown whole or not at all (which
field each needs is the access check's business).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from amparo.access.fields import IDENTITY, project, view_of_encounter
from amparo.cases.models import (
    CaseOut,
    DeadlineOut,
    DecisionOut,
    EncounterOut,
    FindingOut,
    NoteOut,
    TransitionOut,
)
from amparo.engine.pack import PersonFacts
from amparo.store.models import Case, Deadline, Decision, Encounter, Finding, Note, Transition


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _identity_shown(fields: frozenset[str] | None) -> bool:
    return fields is None or set(IDENTITY) <= fields


def encounter_view(
    e: Encounter,
    case_id: str | None = None,
    *,
    copy_document: bool = True,
    fields: frozenset[str] | None = None,
    person: PersonFacts | None = None,
) -> EncounterOut:
    """The view of an encounter with only ``fields`` (``None``: all, the document as received;
    otherwise its field view, which needs ``person``, who the document is about);
    ``copy_document=False`` when ``e`` is not kept in a session."""
    if fields is None:
        document = copy.deepcopy(e.document) if copy_document else e.document
        redacted: list[str] = []
    else:
        if person is None:
            raise ValueError("a redacted encounter view needs the person the document is about")
        full = view_of_encounter("encounter", e.id, e.document, person)
        document = project(full, fields)
        redacted = sorted(k for k in full if k not in document)
    return EncounterOut.model_construct(
        id=e.id,
        person_id=e.person_id if _identity_shown(fields) else None,
        case_id=case_id,
        agency=e.agency,
        encountered_on=e.encountered_on.isoformat() if fields is None or "encountered_on" in fields else None,
        nationality=e.nationality if fields is None or "nationalities" in fields else None,
        received_at=iso(e.received_at),
        document=document,
        redacted=redacted,
    )


def decision_view(d: Decision, *, copy_document: bool = True) -> DecisionOut:
    """The view of a decision (``copy_document=False`` when ``d`` is not kept in a session).

    The trace is stored once, in its own column (decisions stored since
    :func:`amparo.cases.decisions.stored_document` keep no second copy in ``document``); it goes
    back after the summary."""
    body: dict[str, Any] = {}
    for key, value in d.document.items():
        body[key] = value
        if key == "summary" and "trace" not in d.document:
            body["trace"] = d.trace
    if copy_document:
        body = copy.deepcopy(body)
    body.update(
        id=d.id,
        case_id=d.case_id,
        encounter_id=d.encounter_id,
        sequence=d.sequence,
        reason=d.reason,
        made_by=d.made_by,
        made_at=iso(d.made_at),
        ruleset_version=d.ruleset_version,
    )
    return DecisionOut.model_construct(**body)


def case_view(c: Case, next_steps: list[str], *, fields: frozenset[str] | None = None) -> CaseOut:
    """The view of a case; ``person_id`` is null unless ``fields`` has every identity field."""
    return CaseOut.model_construct(
        id=c.id,
        encounter_id=c.encounter_id,
        person_id=c.person_id if _identity_shown(fields) else None,
        state=c.state,
        version=c.version,
        pending_target=c.pending_target,
        proposed_by=c.proposed_by,
        concurred_by=c.concurred_by,
        current_decision_id=c.current_decision_id,
        next_steps=next_steps,
        opened_at=iso(c.opened_at),
        updated_at=iso(c.updated_at),
    )


def finding_view(f: Finding) -> FindingOut:
    return FindingOut.model_construct(
        id=f.id,
        case_id=f.case_id,
        key=f.key,
        value=f.value,
        interview=f.interview,
        interviewed_on=iso(f.interviewed_on),
        established_by=f.established_by,
        established_at=iso(f.established_at),
        decision_id=f.decision_id,
    )


def note_view(n: Note) -> NoteOut:
    return NoteOut.model_construct(
        id=n.id, case_id=n.case_id, text=n.text, written_by=n.written_by, written_at=iso(n.written_at)
    )


def transition_view(t: Transition) -> TransitionOut:
    return TransitionOut.model_construct(
        id=t.id,
        case_id=t.case_id,
        from_state=t.from_state,
        to_state=t.to_state,
        reason=t.reason,
        by_user=t.by_user,
        at=iso(t.at),
    )


def deadline_view(d: Deadline, now: dt.datetime) -> DeadlineOut:
    return DeadlineOut.model_construct(
        id=d.id,
        case_id=d.case_id,
        step=d.step,
        due_at=iso(d.due_at),
        met_at=iso(d.met_at),
        overdue=d.met_at is None and d.due_at < now,
    )
