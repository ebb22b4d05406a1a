"""The typed results of the case services: an encounter, a case, its decisions, findings, notes,
transitions and deadlines as a reader is allowed to see them, and pages of them.

The HTTP API answers with these models (:mod:`amparo.api.schemas` re-exports them), so their
field names and order are the JSON the API returns. The services build them from stored rows
with ``model_construct`` (the values come from the store, already valid; validating a decision's
trace again would cost more than reading it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EncounterOut(BaseModel):
    """An encounter as the access policy lets the reader see it (amparo.cases.views)."""

    id: str
    person_id: str | None = Field(description="Null unless every identity field is allowed.")
    case_id: str | None
    agency: str
    encountered_on: str | None = Field(description="Null unless the field encountered_on is allowed.")
    nationality: str | None = Field(description="Null unless the field nationalities is allowed.")
    received_at: str | None
    document: dict[str, Any] = Field(
        description="The encounter v1 document as received; when fields are withheld, the flat "
        "field view (amparo.access.fields) with only the allowed fields and record_id, record_kind."
    )
    redacted: list[str] = Field(
        default_factory=list, description="The fields withheld from this reader for this purpose."
    )


#: The keys of a decision summary v1 document that are also fields of :class:`DecisionOut`, in
#: the order screening writes them; the document's other keys (ruleset, confidentiality...) follow.
DOCUMENT_FIELDS: tuple[str, ...] = ("encounter_id", "as_of", "summary", "trace", "flags")
#: Where the store keeps a decision: the fields it adds to the decision summary v1 document.
STORE_FIELDS: tuple[str, ...] = (
    "id",
    "case_id",
    "encounter_id",
    "sequence",
    "reason",
    "made_by",
    "made_at",
    "ruleset_version",
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

    def document_first(self) -> dict[str, Any]:
        """The decision as intake answers it: the decision summary v1 document in the order
        screening wrote it, then where the store keeps it (no value is copied)."""
        values = self.__dict__
        extra = self.__pydantic_extra__ or {}
        body: dict[str, Any] = {key: values[key] for key in DOCUMENT_FIELDS}
        body.update(extra)
        body.update((key, values[key]) for key in STORE_FIELDS)
        return body


class IntakeOut(BaseModel):
    encounter: EncounterOut
    decision: DecisionOut

    def document_first(self) -> dict[str, Any]:
        """The intake answer as plain values (the decision as :meth:`DecisionOut.document_first`)."""
        return {"encounter": dict(self.encounter.__dict__), "decision": self.decision.document_first()}


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


#: A case's records by the name of their list (GET /cases/{id}/<kind>).
CaseChild = DecisionOut | FindingOut | NoteOut | TransitionOut | DeadlineOut
