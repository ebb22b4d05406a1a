"""Tables of the exchange (migration ``0002_exchange``): known peer installations and the
envelopes sent and received (the replay and idempotency store). The audit tables are in
:mod:`amparo.audit.models`, the recorded disclosure bases in :mod:`amparo.access.models`.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amparo.store.base import Base


class ExchangePeer(Base):
    """Another installation this one exchanges with: its country and public keys (base64)."""

    __tablename__ = "exchange_peers"

    installation: Mapped[str] = mapped_column(String(2), primary_key=True)
    signing_key: Mapped[str] = mapped_column(String(64))
    agreement_key: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[str] = mapped_column(String(40))


class ExchangeEnvelope(Base):
    """An envelope sent ('out') or received ('in'): the replay store and the acknowledgements."""

    __tablename__ = "exchange_envelopes"

    envelope_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    peer: Mapped[str] = mapped_column(String(2))
    purpose: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    package: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[str | None] = mapped_column(String(40))
    #: When an envelope sent but not yet acknowledged was withdrawn because the access policy,
    #: re-evaluated on the whole person, no longer permits it (migration ``0008_security``).
    withdrawn_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
