"""Request and response shapes of the HTTP API (separate from the ORM tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The answers are the case services' typed results (the API shows them as they are).
from amparo.cases.models import (
    CaseOut,
    CasePage,
    DeadlineOut,
    DeadlinePage,
    DecisionOut,
    EncounterOut,
    EncounterPage,
    FindingOut,
    IntakeOut,
    NoteOut,
    TransitionOut,
)

__all__ = [
    "CaseOut",
    "CasePage",
    "ConcurrenceIn",
    "DeadlineOut",
    "DeadlinePage",
    "DecisionOut",
    "EncounterOut",
    "EncounterPage",
    "FindingOut",
    "FindingsIn",
    "IntakeOut",
    "NoteIn",
    "NoteOut",
    "RedecideIn",
    "TransitionIn",
    "TransitionOut",
]


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
