"""What the access policy needs to know about a stored record: built in this one place.

Every record a user reads from the store (an encounter, a case and its decisions, findings,
notes, transitions and deadlines, a case package) is drawn from one encounter of one case. Its
:class:`amparo.access.model.RecordFacts` come from three sources:

* the document, typed by the law pack that reads it (:func:`person_facts`, the pack's
  :class:`~amparo.engine.pack.PersonFacts`): the person's nationalities and the countries they
  fear (8 CFR 208.6 bars disclosure to those governments);
* the case in the store (:class:`CaseContext`): the receiving country of a transfer is what
  the law pack that made the CURRENT decision reads from its summary
  (``packs.get(ruleset id).receiving_country(summary)``), and only while the case is in a
  transfer state of that pack's workflow (:func:`transfer_states`: a transfer the workflow
  scheduled, after a supervisor's concurrence, or completed); and every recorded disclosure
  basis of the case (a written consent or a decision with its legal basis,
  :class:`amparo.access.models.DisclosureBasisRecord`);
* the PERSON (:func:`person_countries`): 8 CFR 208.6 protects a person's information, so the
  bar reads the nationalities and feared countries of every encounter of the case's person,
  which identity resolution joins under one person id through links and merges. A second
  encounter that adds a feared country bars that country's government from the first case too.

The case API (``amparo.cases``) and the exchange (``amparo.exchange.transfer``) both call
:func:`case_contexts` / :func:`record_facts`, so the API and an envelope export decide on
the same facts. A list loads the contexts of a whole batch of cases in two queries. The law
packs come from the caller (a :class:`~amparo.engine.registry.PackRegistry` made at the edge);
a decision whose pack is not installed gives no receiving country (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.access.model import DisclosureBasis, RecordFacts
from amparo.access.models import DisclosureBasisRecord
from amparo.engine.pack import PersonFacts
from amparo.engine.registry import PackRegistry
from amparo.engine.workflow import Workflow
from amparo.errors import UnknownPack
from amparo.store.models import Case, Decision, Encounter

#: The pack id of a decision (its ruleset id), read in the database from its stored document.
_RULESET_ID = Decision.document[("ruleset", "id")].as_string()


def transfer_states(workflow: Workflow) -> frozenset[str]:
    """The states of ``workflow`` in which a transfer of the person is scheduled or done: a
    terminal state entered only from removals (the transfer done), and each removal that leads
    to one (the transfer scheduled). A removal that ends in no state of its own (a return
    closed like any other case) is not a transfer."""
    into: dict[str, set[str]] = {}
    for source, target in workflow.transitions:
        into.setdefault(target, set()).add(source)
    done = {t for t in workflow.terminal if into.get(t) and into[t] <= workflow.removals}
    scheduled = {s for (s, t) in workflow.transitions if s in workflow.removals and t in done}
    return frozenset(done | scheduled)


@dataclass(frozen=True)
class PersonCountries:
    """A person's nationalities and feared countries over all their encounters."""

    nationalities: tuple[str, ...]
    feared_countries: tuple[str, ...]

    def barred(self) -> frozenset[str]:
        """The countries whose governments may never learn of the person's claim (8 CFR 208.6)."""
        return frozenset(self.nationalities) | frozenset(self.feared_countries)


def _raw_countries(document: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """The countries a document names where no installed pack reads it (fail closed: every
    ``nationalities`` entry and every fear claim's ``country``)."""
    person = document.get("person") or {}
    nationalities = {str(n) for n in (person.get("nationalities") or ()) if n}
    feared = {
        str(c["country"])
        for c in (document.get("fear_claims") or ())
        if isinstance(c, dict) and c.get("country")
    }
    return nationalities, feared


def document_countries(packs: PackRegistry, document: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(nationalities, feared countries) of one stored document: what its law pack reads, and
    every country the raw document names besides (a pack that reads less never narrows the bar)."""
    nationalities, feared = _raw_countries(document)
    try:
        person = person_facts(packs, document)
    except Exception:
        return nationalities, feared
    return nationalities | set(person.nationalities), feared | set(person.feared_countries)


def person_countries(
    session: Session, packs: PackRegistry, person_ids: Iterable[str]
) -> dict[str, PersonCountries]:
    """The countries of each person over every encounter they have (one query)."""
    wanted = sorted(set(person_ids))
    found: dict[str, tuple[set[str], set[str]]] = {p: (set(), set()) for p in wanted}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for person_id, document in session.execute(
            select(Encounter.person_id, Encounter.document).where(Encounter.person_id.in_(chunk))
        ):
            nationalities, feared = document_countries(packs, document or {})
            found[person_id][0].update(nationalities)
            found[person_id][1].update(feared)
    return {p: PersonCountries(tuple(sorted(n)), tuple(sorted(f))) for p, (n, f) in found.items()}


@dataclass(frozen=True)
class CaseContext:
    """What the store adds to an encounter document: the case's state, its current decision's
    summary (None when it has none), its recorded disclosure bases, and the country a transfer
    is scheduled to (or was made to), when one is (see the module docstring)."""

    state: str | None = None
    summary: Mapping[str, Any] | None = None
    bases: tuple[DisclosureBasis, ...] = field(default=())
    receiving_country: str | None = None
    #: The law pack that made the current decision (its ruleset id), None without one.
    ruleset_id: str | None = None
    #: Everything known about the PERSON of the case (8 CFR 208.6 protects a person, not an
    #: encounter): the nationalities and feared countries over all their encounters, which
    #: identity resolution joins under one person id through links and merges.
    person: PersonCountries = field(default_factory=lambda: PersonCountries((), ()))


def receiving_country(
    packs: PackRegistry, ruleset_id: str | None, state: str | None, summary: Mapping[str, Any] | None
) -> str | None:
    """The country a transfer of the person is scheduled to or was made to, by the pack that made
    the current decision; None when there is none, or the pack is not installed (fail closed)."""
    if not ruleset_id or state is None or not summary:
        return None
    try:
        pack = packs.get(ruleset_id)
    except UnknownPack:
        return None
    if state not in transfer_states(pack.workflow):
        return None
    return pack.receiving_country(summary)


def person_facts(packs: PackRegistry, document: Mapping[str, Any]) -> PersonFacts:
    """Who a stored document is about, as the law pack that reads it says (one typed parse)."""
    pack = packs.for_document(document)
    return pack.person(pack.parse(document))


def record_facts(
    kind: str, record_id: str, person: PersonFacts, context: CaseContext | None = None
) -> RecordFacts:
    """The facts of a record drawn from the document about ``person`` and its case."""
    context = context or CaseContext()
    nationalities = tuple(dict.fromkeys((*person.nationalities, *context.person.nationalities)))
    feared = tuple(dict.fromkeys((*person.feared_countries, *context.person.feared_countries)))
    return RecordFacts(
        kind=kind,
        record_id=record_id,
        nationalities=nationalities,
        feared_countries=feared,
        asylum_related=True,
        aca_receiving_country=context.receiving_country,
        disclosure_bases=context.bases,
    )


def case_contexts(session: Session, cases: Iterable[Case], packs: PackRegistry) -> dict[str, CaseContext]:
    """The context of each case, by case id: three queries whatever the number of cases (the
    third reads every encounter of the cases' persons, for the person-level bar)."""
    rows = {c.id: c for c in cases}
    if not rows:
        return {}
    decision_ids = [c.current_decision_id for c in rows.values() if c.current_decision_id]
    decisions: dict[str, tuple[Mapping[str, Any], str | None]] = {}
    if decision_ids:
        decisions = {
            str(r.id): (dict(r.summary or {}), r.ruleset_id)
            for r in session.execute(
                select(Decision.id, Decision.summary, _RULESET_ID.label("ruleset_id")).where(
                    Decision.id.in_(decision_ids)
                )
            )
        }
    bases: dict[str, list[DisclosureBasis]] = {}
    for b in session.scalars(
        select(DisclosureBasisRecord)
        .where(DisclosureBasisRecord.case_id.in_(list(rows)))
        .order_by(DisclosureBasisRecord.recorded_at, DisclosureBasisRecord.id)
    ):
        bases.setdefault(b.case_id, []).append(DisclosureBasis(b.recipient, b.kind, b.legal_basis))
    people = person_countries(session, packs, (c.person_id for c in rows.values()))
    contexts: dict[str, CaseContext] = {}
    for case_id, case in rows.items():
        summary, ruleset_id = decisions.get(case.current_decision_id or "", (None, None))
        contexts[case_id] = CaseContext(
            state=case.state,
            summary=summary,
            bases=tuple(bases.get(case_id, ())),
            receiving_country=receiving_country(packs, ruleset_id, case.state, summary),
            ruleset_id=ruleset_id,
            person=people[case.person_id],
        )
    return contexts


def case_context(session: Session, case: Case, packs: PackRegistry) -> CaseContext:
    """The context of one case (two small queries)."""
    return case_contexts(session, [case], packs)[case.id]
