"""Request and response shapes of the HTTP API (separate from the ORM tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EncounterOut(BaseModel):
    """An encounter as the access policy lets the reader see it (amparo.cases.records)."""

    id: str
    person_id: str | None = Field(description="Null unless every identity field is allowed.")
    case_id: str | None
    agency: str
    encountered_on: str | None = Field(description="Null unless the field encountered_on is allowed.")
    nationality: str | None = Field(description="Null unless the field nationalities is allowed.")
    received_at: str | None
    document: dict[str, Any] = Field(
        description="The encounter v1 document as received; when fields are withheld, the flat "
        "field view (amparo.exchange.fields) with only the allowed fields and record_id, record_kind."
    )
    redacted: list[str] = Field(
        default_factory=list, description="The fields withheld from this reader for this purpose."
    )


class DecisionOut(BaseModel):
    """Decision summary v1 (encounter_id, as_of, summary, trace, flags, ruleset...) and where it is kept."""

    model_config = ConfigDict(extra="allow")

    id: str
    case_id: str
    encounter_id: str
    sequence: int
    reason: str = Field(description="intake, finding or as_of: what made this decision.")
    made_by: str
    made_at: str | None
    ruleset_version: str
    as_of: str
    summary: dict[str, Any]
    trace: list[Any]
    flags: list[Any]


class IntakeOut(BaseModel):
    encounter: EncounterOut
    decision: DecisionOut


class CaseOut(BaseModel):
    id: str
    encounter_id: str
    person_id: str | None = Field(description="Null unless every identity field is allowed.")
    state: str
    version: int = Field(description="Send it back in If-Match (the ETag) to update the case.")
    pending_target: str | None
    proposed_by: str | None
    concurred_by: str | None
    current_decision_id: str | None
    next_steps: list[str]
    opened_at: str | None
    updated_at: str | None


class FindingOut(BaseModel):
    id: str
    case_id: str
    key: str
    value: Any
    interview: str | None
    interviewed_on: str | None
    established_by: str
    established_at: str | None
    decision_id: str


class NoteOut(BaseModel):
    id: str
    case_id: str
    text: str
    written_by: str
    written_at: str | None


class TransitionOut(BaseModel):
    id: str
    case_id: str
    from_state: str | None
    to_state: str
    reason: str | None
    by_user: str
    at: str | None


class DeadlineOut(BaseModel):
    id: str
    case_id: str
    step: str
    due_at: str | None
    met_at: str | None
    overdue: bool


class EncounterPage(BaseModel):
    items: list[EncounterOut]
    next_cursor: str | None


class CasePage(BaseModel):
    items: list[CaseOut]
    next_cursor: str | None


class DeadlinePage(BaseModel):
    items: list[DeadlineOut]
    next_cursor: str | None


class FindingsIn(BaseModel):
    """What an officer established in an interview: encounter v1 ``findings`` keys and values."""

    model_config = ConfigDict(extra="forbid")

    findings: dict[str, Any] = Field(
        min_length=1, description="Keys of encounter v1 /findings, e.g. more_likely_than_not_harm_in."
    )
    interview: str | None = Field(default=None, max_length=200, description="Which interview (reference).")
    interviewed_on: dt.date | None = None
    as_of: dt.date | None = Field(
        default=None, description="Read the law on this date (default: the current decision's)."
    )


class RedecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: dt.date


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(max_length=40, description="The workflow state requested.")
    reason: str | None = Field(default=None, max_length=2000)


class ConcurrenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concur: bool
    reason: str | None = Field(default=None, max_length=2000)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20000)
