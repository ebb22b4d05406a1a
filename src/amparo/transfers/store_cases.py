"""The planner's cases read from the store: every open case whose current decision is a removal
under an agreement (the case's law pack names a receiving country for its summary).

- group: the family, by the encounter ids a document lists as family members (the smallest id of
  the family names it), so a family is planned together or not at all;
- people: one per case (each person has a case);
- nationalities: from the pack's person facts; excluded countries: every country where harm was
  found more likely than not (the document's findings and the findings recorded on the case);
- window: from the later of ``start`` and the decision's reading date, to ``end``;
- waiting since: the day the case was opened;
- vulnerable: a child under 18 on the encounter (never planned automatically).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError
from amparo.store.models import Case as StoredCase
from amparo.store.models import Decision, Encounter, Finding
from amparo.transfers.model import Case

HARM_FINDING = "more_likely_than_not_harm_in"


def _family(encounter: Encounter) -> tuple[str, ...]:
    family = (encounter.document or {}).get("family") or {}
    members = family.get("members") if isinstance(family, Mapping) else None
    return tuple(sorted({encounter.id, *(str(m) for m in members or () if m)}))


def _harm(document: Mapping[str, Any], findings: list[Finding]) -> tuple[str, ...]:
    found = set((document.get("findings") or {}).get(HARM_FINDING) or ())
    for f in findings:
        if f.key == HARM_FINDING and isinstance(f.value, list):
            found |= {str(c) for c in f.value}
    return tuple(sorted(found))


def cases_to_plan(session: Session, packs: PackRegistry, start: dt.date, end: dt.date) -> list[Case]:
    """The open cases whose current decision removes the person under an agreement."""
    rows = session.execute(
        select(StoredCase, Encounter, Decision)
        .join(Encounter, Encounter.id == StoredCase.encounter_id)
        .join(Decision, Decision.id == StoredCase.current_decision_id)
        .order_by(StoredCase.id)
    ).all()
    chosen: list[tuple[StoredCase, Encounter, Decision, str, Any]] = []
    for case, encounter, decision in rows:
        ruleset = ((decision.document or {}).get("ruleset") or {}).get("id")
        try:
            pack = packs.get(str(ruleset))
        except AmparoError:
            continue
        if case.state in pack.workflow.terminal:
            continue
        country = pack.receiving_country(decision.summary or {})
        if country is None:
            continue
        chosen.append((case, encounter, decision, country, pack))
    findings: dict[str, list[Finding]] = {}
    if chosen:
        for f in session.scalars(select(Finding).where(Finding.case_id.in_([c.id for c, *_ in chosen]))):
            findings.setdefault(f.case_id, []).append(f)
    out = []
    for case, encounter, decision, country, pack in chosen:
        person = pack.person(pack.parse(encounter.document))
        family = _family(encounter)
        earliest = max(start, decision.as_of)
        if earliest > end:
            continue  # read after the period: not for this plan
        out.append(
            Case(
                case_id=case.id,
                group_id=f"family:{family[0]}:{country}",
                people=1,
                receiving_country=country,
                nationalities=person.nationalities,
                excluded_countries=_harm(encounter.document or {}, findings.get(case.id, [])),
                earliest=earliest,
                deadline=end,
                waiting_since=case.opened_at.date() if case.opened_at else start,
                vulnerable=person.age is not None and person.age < 18,
            )
        )
    return out
