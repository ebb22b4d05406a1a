"""What the access policy needs to know about a stored record: built in this one place.

Every record a user reads from the store (an encounter, a case and its decisions, findings,
notes, transitions and deadlines, a case package) is drawn from one encounter of one case. Its
:class:`amparo.access.model.RecordFacts` come from two sources:

* the encounter v1 document: the person's nationalities and the countries of the fear claims
  (8 CFR 208.6 bars disclosure to those governments);
* the case in the store (:class:`CaseContext`): the ACA receiving country is the CURRENT
  decision's summary ``aca_removal_to``, and only while the case is ``transfer_scheduled`` or
  ``transferred`` (a transfer the workflow scheduled, after a supervisor's concurrence); and
  every recorded disclosure basis of the case (a written consent or a decision with its legal
  basis, :class:`amparo.access.models.DisclosureBasisRecord`).

The case API (``amparo.cases``) and the exchange (``amparo.exchange.transfer``) both call
:func:`case_contexts` / :func:`record_facts`, so the API and an envelope export decide on
the same facts. A list loads the contexts of a whole batch of cases in two queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.access.model import DisclosureBasis, RecordFacts
from amparo.access.models import DisclosureBasisRecord
from amparo.store.models import Case, Decision

#: Case states in which an ACA transfer is scheduled (or done) for the person.
TRANSFER_STATES = frozenset({"transfer_scheduled", "transferred"})


@dataclass(frozen=True)
class CaseContext:
    """What the store adds to an encounter document: the case's state, its current decision's
    summary (None when it has none) and its recorded disclosure bases."""

    state: str | None = None
    summary: Mapping[str, Any] | None = None
    bases: tuple[DisclosureBasis, ...] = field(default=())

    @property
    def aca_receiving_country(self) -> str | None:
        """The country an ACA transfer is scheduled to, when one is (see the module docstring)."""
        if self.state not in TRANSFER_STATES or not self.summary:
            return None
        country = self.summary.get("aca_removal_to")
        return str(country) if country else None


def record_facts(
    kind: str, record_id: str, document: Mapping[str, Any], context: CaseContext | None = None
) -> RecordFacts:
    """The facts of a record drawn from ``document`` (an encounter v1 document) and its case."""
    person = document.get("person") or {}
    claims = document.get("fear_claims") or []
    context = context or CaseContext()
    return RecordFacts(
        kind=kind,
        record_id=record_id,
        nationalities=tuple(str(n) for n in person.get("nationalities") or ()),
        feared_countries=tuple(str(c["country"]) for c in claims if isinstance(c, dict) and c.get("country")),
        asylum_related=True,
        aca_receiving_country=context.aca_receiving_country,
        disclosure_bases=context.bases,
    )


def case_contexts(session: Session, cases: Iterable[Case]) -> dict[str, CaseContext]:
    """The context of each case, by case id: two queries whatever the number of cases."""
    rows = {c.id: c for c in cases}
    if not rows:
        return {}
    decision_ids = [c.current_decision_id for c in rows.values() if c.current_decision_id]
    summaries: dict[str, Mapping[str, Any]] = {}
    if decision_ids:
        summaries = {
            str(r.id): dict(r.summary or {})
            for r in session.execute(
                select(Decision.id, Decision.summary).where(Decision.id.in_(decision_ids))
            )
        }
    bases: dict[str, list[DisclosureBasis]] = {}
    for b in session.scalars(
        select(DisclosureBasisRecord)
        .where(DisclosureBasisRecord.case_id.in_(list(rows)))
        .order_by(DisclosureBasisRecord.recorded_at, DisclosureBasisRecord.id)
    ):
        bases.setdefault(b.case_id, []).append(DisclosureBasis(b.recipient, b.kind, b.legal_basis))
    return {
        case_id: CaseContext(
            state=case.state,
            summary=summaries.get(case.current_decision_id) if case.current_decision_id else None,
            bases=tuple(bases.get(case_id, ())),
        )
        for case_id, case in rows.items()
    }


def case_context(session: Session, case: Case) -> CaseContext:
    """The context of one case (two small queries)."""
    return case_contexts(session, [case])[case.id]
