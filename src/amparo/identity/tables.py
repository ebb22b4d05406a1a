"""The tables of the identity area (migration ``0003_identity``).

- ``identity_keys``: blocking keys of every known person (candidate retrieval at intake),
  written in the intake statement itself (:mod:`amparo.identity.blocking`);
- ``identity_indexed``: no longer written (intake indexes a person as it creates it, and the
  catch-up for persons stored before the index reads ``identity_keys``); kept because
  migration 0003 created it;
- ``identity_links``: how each encounter was resolved, under which person, with its explanation;
- ``identity_reviews``: uncertain links waiting for a person to decide;
- ``identity_changes``: merges and splits, each reversible (``reversed_by``);
- ``identity_templates``: biometric templates, encrypted (AES-GCM), never stored in clear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from amparo.store.base import Base
from amparo.store.models import UTCDateTime, utcnow


class IdentityKey(Base):
    """One blocking key of a known person (e.g. ``d:1990-05-03``, ``gs:JOSE|PEREZ``)."""

    __tablename__ = "identity_keys"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_identity_keys_person_id", "person_id"),)


class IdentityIndexed(Base):
    """A person whose blocking keys were indexed (no longer written; see the module docstring)."""

    __tablename__ = "identity_indexed"

    person_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    indexed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityLink(Base):
    """How one encounter was resolved: to which person, how sure, and why."""

    __tablename__ = "identity_links"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    encounter_id: Mapped[str] = mapped_column(String(128), index=True)
    person_id: Mapped[str | None] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # amparo.identity.outcomes.Outcome
    match_probability: Mapped[float | None] = mapped_column(Float)
    biometric_score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityReview(Base):
    """An uncertain link: the encounter may be this candidate person; a person decides."""

    __tablename__ = "identity_reviews"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    encounter_id: Mapped[str] = mapped_column(String(128), index=True)
    candidate_person_id: Mapped[str] = mapped_column(String(40))
    match_probability: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        String(20), default="open", index=True
    )  # open | link | distinct (the decision)
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityChange(Base):
    """A merge (``encounter_ids`` moved from ``from_person_id`` to ``to_person_id``) or split."""

    __tablename__ = "identity_changes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # merge | split | reversal
    from_person_id: Mapped[str] = mapped_column(String(40), index=True)
    to_person_id: Mapped[str] = mapped_column(String(40), index=True)
    encounter_ids: Mapped[list[str]] = mapped_column(JSON)
    created_person: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(500))
    by_user: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reverses: Mapped[str | None] = mapped_column(String(40))
    reversed_by: Mapped[str | None] = mapped_column(String(40))


class IdentityTemplate(Base):
    """A biometric template (float32 vector), AES-GCM encrypted with the installation key."""

    __tablename__ = "identity_templates"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    modality: Mapped[str] = mapped_column(String(20))  # face | fingerprint | iris
    dim: Mapped[int] = mapped_column(Integer)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
