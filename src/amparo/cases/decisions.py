"""Decisions of a case: screening a document under its pack, the decision row (one builder, for
intake and for every later decision), the legal clocks a decision sets, findings that re-screen,
and new as-of decisions.

Decisions are immutable: a finding or a new as-of date adds a decision and makes it the case's
current one; the earlier ones stay.

Legal clocks. A pack's decision may set dated clocks (:meth:`amparo.engine.pack.LawPack.deadlines`,
e.g. a request that must be made by a date); they are kept as deadlines of the case beside the
workflow's step deadlines, named by their step (a summary key, never a workflow state), due at
the end of their day in the pack's time zone. A later decision that no longer sets a clock, or
sets it to another day, closes it (its ``met_at`` is the time of that decision) and opens the
new one; workflow steps never close a legal clock.

Findings. What officers establish is kept as findings of the case and applied to the stored
document under its ``findings`` key (every earlier finding, then the new ones) before the case's
pack parses and screens it again; the pack validates them (errors named under ``/findings``), and
a pack whose documents take no findings refuses them.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from amparo.access.actor import Actor
from amparo.cases.auditing import audited
from amparo.cases.models import CaseOut, DecisionOut
from amparo.cases.stored import StoredCase, bump, current_decision, load_case, require_version
from amparo.cases.views import decision_view
from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.errors import TransitionNotAllowed
from amparo.screening import screen_parsed
from amparo.store.ids import new_id
from amparo.store.integrity import translated
from amparo.store.models import Deadline, Decision, Finding, utcnow


@dataclass(frozen=True)
class Screened:
    """What the store keeps of a screening decision."""

    as_of: dt.date
    ruleset_version: str
    document: dict[str, Any]


def screen_with(pack: LawPack, parsed: Any, as_of: dt.date | None = None) -> Screened:
    """Screen a document ``pack.parse`` returned, under ``pack``."""
    decision = screen_parsed(parsed, pack, as_of=as_of)
    return Screened(decision.as_of, str(decision.ruleset_version), decision.to_dict())


def stored_document(decision_document: Mapping[str, Any]) -> dict[str, Any]:
    """The decision summary v1 object as the ``document`` column keeps it: without its trace,
    which is stored once, in the ``trace`` column (about 10 KB a decision), and put back in
    place by :func:`amparo.cases.views.decision_view`."""
    return {k: v for k, v in decision_document.items() if k != "trace"}


def decision_row(
    *,
    case_id: str,
    encounter_id: str,
    screened: Screened,
    sequence: int,
    reason: str,
    by: str,
    at: dt.datetime,
    decision_id: str | None = None,
) -> Decision:
    """A new, immutable decision of a case (not yet added to a session)."""
    return Decision(
        id=decision_id or new_id("D"),
        case_id=case_id,
        encounter_id=encounter_id,
        sequence=sequence,
        as_of=screened.as_of,
        ruleset_version=screened.ruleset_version,
        summary=screened.document.get("summary", {}),
        trace=screened.document.get("trace", []),
        flags=screened.document.get("flags", []),
        document=stored_document(screened.document),
        reason=reason,
        made_by=by,
        made_at=at,
    )


def clock_rows(pack: LawPack, *, case_id: str, summary: Mapping[str, Any]) -> list[Deadline]:
    """The legal clocks a decision with ``summary`` sets, as new deadlines of the case."""
    zone = ZoneInfo(pack.time_zone)
    return [
        Deadline(
            id=new_id("DL"),
            case_id=case_id,
            step=clock.step,
            due_at=dt.datetime.combine(clock.due_on + dt.timedelta(days=1), dt.time(0), zone).astimezone(
                dt.UTC
            ),
            met_at=None,
        )
        for clock in pack.deadlines(summary)
    ]


def _reset_clocks(session: Session, stored: StoredCase, summary: Mapping[str, Any], now: dt.datetime) -> None:
    """Keep the open legal clocks the new decision still sets, close the others, open the new."""
    case = stored.case
    wanted = {(d.step, d.due_at): d for d in clock_rows(stored.pack, case_id=case.id, summary=summary)}
    for running in session.scalars(
        select(Deadline).where(
            Deadline.case_id == case.id,
            Deadline.met_at.is_(None),
            Deadline.step.not_in(stored.workflow.states),
        )
    ):
        if wanted.pop((running.step, running.due_at), None) is None:
            running.met_at = now
    session.add_all(wanted.values())


def _next_sequence(session: Session, case_id: str) -> int:
    return (
        int(session.scalar(select(func.max(Decision.sequence)).where(Decision.case_id == case_id)) or 0) + 1
    )


def _rescreen(
    session: Session,
    actor: Actor,
    stored: StoredCase,
    *,
    as_of: dt.date | None,
    reason: str,
    new_findings: Mapping[str, Any] | None = None,
) -> Decision:
    """Screen the encounter with every finding of the case (and ``new_findings``) applied, under
    the case's pack, and add the decision (audited)."""
    case = stored.case
    document = copy.deepcopy(stored.encounter.document)
    established: dict[str, Any] = dict(document.get("findings") or {})
    for f in session.scalars(
        select(Finding).where(Finding.case_id == case.id).order_by(Finding.established_at, Finding.id)
    ):
        established[f.key] = f.value
    established.update(new_findings or {})
    if established:
        document["findings"] = established
    screened = screen_with(stored.pack, stored.pack.parse(document), as_of)
    now = utcnow()
    decision = decision_row(
        case_id=case.id,
        encounter_id=stored.encounter.id,
        screened=screened,
        sequence=_next_sequence(session, case.id),
        reason=reason,
        by=actor.id,
        at=now,
    )
    with translated(session, "decision", decision.id):
        session.add(decision)
        _reset_clocks(session, stored, decision.summary, now)
        session.flush()
    audited(session, actor, "decision.made", "decision", decision.id, reason=reason, summary=decision.summary)
    return decision


def add_findings(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    case_id: str,
    *,
    findings: Mapping[str, Any],
    interview: str | None,
    interviewed_on: dt.date | None,
    as_of: dt.date | None,
    expected_version: int | None,
) -> tuple[DecisionOut, CaseOut]:
    """Record what an officer established and re-screen: (the new decision, the case).

    The pack validates the findings (paths under ``/findings``); the as-of date stays the
    current decision's unless another is given."""
    stored = load_case(session, packs, actor, case_id)
    case = stored.case
    if case.state in stored.workflow.terminal:
        raise TransitionNotAllowed(case.id, case.state, case.state, "the case is closed to new findings")
    require_version(case, expected_version)
    previous = current_decision(session, case)
    as_of = as_of or (previous.as_of if previous is not None else None)
    decision = _rescreen(session, actor, stored, as_of=as_of, reason="finding", new_findings=findings)
    now = utcnow()
    rows = [
        Finding(
            id=new_id("F"),
            case_id=case.id,
            key=key,
            value=value,
            interview=interview,
            interviewed_on=interviewed_on,
            established_by=actor.id,
            established_at=now,
            decision_id=decision.id,
        )
        for key, value in findings.items()
    ]
    with translated(session, "finding", case.id):
        session.add_all(rows)
    bump(session, case, expected_version, current_decision_id=decision.id)
    for f in rows:
        audited(session, actor, "finding.recorded", "finding", f.id, key=f.key, case=case.id)
    return decision_view(decision), stored.shown(decision.summary)


def redecide(
    session: Session,
    packs: PackRegistry,
    actor: Actor,
    case_id: str,
    *,
    as_of: dt.date,
    expected_version: int | None,
) -> tuple[DecisionOut, CaseOut]:
    """A new decision on the law as read on ``as_of``; the earlier decisions stay."""
    stored = load_case(session, packs, actor, case_id)
    require_version(stored.case, expected_version)
    decision = _rescreen(session, actor, stored, as_of=as_of, reason="as_of")
    bump(session, stored.case, expected_version, current_decision_id=decision.id)
    return decision_view(decision), stored.shown(decision.summary)
