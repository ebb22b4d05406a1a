"""Tables of the audit trail (migrations ``0002_exchange`` and ``0004_audit_queue``): the
hash-chained log, its chain head, its signed checkpoints, and the queue of entries committed but
not yet chained.

Times are ISO 8601 text, so an entry's hash does not depend on how a database round-trips
timestamps; ``detail`` is canonical JSON text for the same reason.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amparo.store.base import Base


class AuditEntry(Base):
    """One audit entry; ``entry_hash`` = sha256 of the canonical JSON of the entry with ``prev_hash``."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64), index=True)
    record_kind: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    #: HMAC-SHA256 of ``entry_hash`` under the installation's audit key, kept outside the
    #: database (migration ``0008_security``): a correctly hashed entry forged by a database
    #: writer has none. Null for an entry chained without the key (a test store).
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditQueued(Base):
    """An audit entry appended by a transaction and not yet chained (migration ``0004_audit_queue``).

    It commits or rolls back with what it describes; the chainer moves it into
    :class:`AuditEntry` with its sequence number and hash, in queue order.
    """

    __tablename__ = "audit_queue"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    record_kind: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    #: HMAC-SHA256 of the queued fields under the audit key (migration ``0008_security``); the
    #: chainer refuses a row without a valid one and records the refusal.
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditHead(Base):
    """The chain head (one row, id 1): the last sequence number and its hash; the chainer locks it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement that entry ``seq`` had hash ``entry_hash`` (chained to the previous one)."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_hash: Mapped[str] = mapped_column(String(64))
    prev_checkpoint: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


class WitnessedCheckpoint(Base):
    """A peer installation's signed checkpoint, received in an envelope or a receipt and kept
    (migration ``0008_security``): later proof of what the peer's trail held."""

    __tablename__ = "audit_witnessed"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    peer: Mapped[str] = mapped_column(String(2), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    checkpoint: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(64))
