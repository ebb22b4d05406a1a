"""Signing in to the web interface with a user name and its access token, with a lockout.

After :data:`MAX_FAILURES` consecutive failures a user name is locked for :data:`LOCKOUT`, whatever
the token tried next (so the token cannot be guessed by trying); a success resets the count. The
count is kept in the database, so it holds across workers and restarts. Every attempt is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from amparo import audit
from amparo.store.base import Base
from amparo.store.models import User, UTCDateTime
from amparo.store.users import usable, user_by_token

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)


class SigninFailures(Base):
    """Consecutive failed sign-ins of a user name, and until when it is locked out."""

    __tablename__ = "web_signin_failures"

    user_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


@dataclass(frozen=True)
class Signin:
    """The outcome of an attempt: the user, or a refusal (with the end of a lockout, if any).

    A refusal is a result, not an exception, so the failure it counts is committed with it; the
    page answers every refusal with the same neutral words (unknown name, wrong token), so it
    reveals nothing."""

    user: User | None
    locked_until: dt.datetime | None = None


def sign_in(session: Session, *, name: str, token: str, now: dt.datetime) -> Signin:
    """Check ``token`` for ``name``; a failure is counted and audited in the caller's transaction."""
    row = session.get(SigninFailures, name, with_for_update=True)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        _audit(session, name, "denied", reason="locked")
        return Signin(None, row.locked_until)
    user = user_by_token(session, token) if token else None
    if user is None or user.name != name:
        if row is None:
            row = SigninFailures(user_name=name, failures=0, last_failure_at=now)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= MAX_FAILURES:
            row.locked_until = now + LOCKOUT
            row.failures = 0
        _audit(session, name, "denied", reason="bad credentials")
        return Signin(None, row.locked_until if row.locked_until and row.locked_until > now else None)
    if row is not None:
        session.delete(row)
    _audit(session, name, "ok", user_id=user.id)
    return Signin(user)


def active_user(session: Session, user_id: str) -> User | None:
    """The user a web session belongs to, while it may still act (active, not revoked, its
    token not expired: :func:`amparo.store.users.usable`)."""
    user = session.scalar(select(User).where(User.id == user_id))
    return user if usable(user) else None


def _audit(session: Session, name: str, outcome: audit.Outcome, **detail: str) -> None:
    audit.record(
        session,
        actor=detail.get("user_id", f"name:{name[:60]}"),
        action="web.signin",
        record_kind="user",
        record_id=name[:60],
        purpose="authentication",
        outcome=outcome,
        detail=detail,
    )
