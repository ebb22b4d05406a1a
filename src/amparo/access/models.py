"""The table of recorded disclosure bases (migration ``0002_exchange``): the written consents
and decisions :mod:`amparo.access.facts` hands to the policy."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from amparo.access.model import BasisKind
from amparo.store.base import Base


class DisclosureBasisRecord(Base):
    """A recorded written consent of the applicant, or a decision with its legal basis, to
    disclose a case to ``recipient`` (ISO country or agency code)."""

    __tablename__ = "disclosure_bases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), index=True)
    recipient: Mapped[str] = mapped_column(String(32))
    kind: Mapped[BasisKind] = mapped_column(String(16))
    legal_basis: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[str] = mapped_column(String(40))
