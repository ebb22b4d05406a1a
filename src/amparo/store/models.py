"""The tables of the store area: people, encounters, cases, decisions, findings, notes,
deadlines, transitions and users. Agencies are referenced by their code
(:mod:`amparo.access.agencies`), not stored.

Every table uses the shared :class:`amparo.store.base.Base`; the migration ``0001_core``
creates exactly these tables. Identifiers are strings; times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from amparo.store.base import Base
from amparo.store.roles import Role

# Plain JSON (json on PostgreSQL keeps the document text verbatim; jsonb would reorder keys).
JSONType = JSON()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """Now, in UTC (the one clock of the store)."""
    return dt.datetime.now(dt.UTC)


class Person(Base):
    """A person, possibly encountered several times (identity matching links encounters)."""

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    given_names: Mapped[str | None] = mapped_column(String(200))
    surnames: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    nationalities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Encounter(Base):
    """One encounter v1 document kept verbatim, with indexed columns for the lists."""

    __tablename__ = "encounters"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    document_sha256: Mapped[str] = mapped_column(String(64))
    encountered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    nationality: Mapped[str | None] = mapped_column(String(2), index=True)
    border: Mapped[str] = mapped_column(String(32), index=True)
    manner: Mapped[str] = mapped_column(String(32))
    agency: Mapped[str] = mapped_column(String(32), index=True)
    received_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Case(Base):
    """The case opened by an encounter and its place in the workflow (``version`` guards updates)."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    encounter_id: Mapped[str] = mapped_column(ForeignKey("encounters.id"), unique=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    state: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    pending_target: Mapped[str | None] = mapped_column(String(40))
    pending_from: Mapped[str | None] = mapped_column(String(40))
    proposed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    concurred_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    current_decision_id: Mapped[str | None] = mapped_column(String(40))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """One screening decision, immutable: a new finding or as-of date makes a new one."""

    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    encounter_id: Mapped[str] = mapped_column(ForeignKey("encounters.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[dt.date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType)
    trace: Mapped[list[Any]] = mapped_column(JSONType)
    flags: Mapped[list[Any]] = mapped_column(JSONType)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(String(40))
    made_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("uq_decisions_case_sequence", "case_id", "sequence", unique=True),)


class Finding(Base):
    """What an officer established (an encounter v1 ``findings`` key), by whom, when, in which interview."""

    __tablename__ = "findings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONType)
    interview: Mapped[str | None] = mapped_column(String(200))
    interviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    established_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    established_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"))


class Note(Base):
    """A free-text note on a case."""

    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Transition(Base):
    """One step of a case through the workflow (the history; never updated)."""

    __tablename__ = "transitions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    by_user: Mapped[str] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deadline(Base):
    """The time by which a workflow step must be done; met when the case leaves the step."""

    __tablename__ = "deadlines"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    met_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class User(Base):
    """A user of an agency with one role; the API token is stored only as its SHA-256, with
    its expiry; a revoked user keeps its row (the audit trail names it)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[Role] = mapped_column(String(20))
    agency: Mapped[str] = mapped_column(String(32))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the token stops working (migration 0008; None for a token issued before it).
    token_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the user was revoked (None while not).
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
