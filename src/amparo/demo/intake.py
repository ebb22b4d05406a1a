"""Step 2: every encounter through the intake service the API uses (:func:`amparo.cases.intake.run_intake`).

Each intake resolves the person (the identity area's real-time resolution finds the repeat
crosser, or leaves a review for an officer), screens the encounter with the law read on its own
dates, and opens its case, all in one transaction. A second run replays the same documents:
intake is idempotent, so nothing changes and the stored results are read back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from amparo.cases.intake import run_intake
from amparo.demo.cohort import Cohort
from amparo.demo.installation import Installation
from amparo.identity.tables import IdentityLink, IdentityReview
from amparo.store.models import Case, Encounter


@dataclass
class IntakeTally:
    """What intake did with the cohort."""

    created: int = 0
    replayed: int = 0
    case_of: dict[str, str] = field(default_factory=dict)  # encounter id -> case id
    person_of: dict[str, str] = field(default_factory=dict)  # encounter id -> stored person id
    identity: Counter[str] = field(default_factory=Counter)  # link / review / distinct
    open_reviews: int = 0


def intake_cohort(installation: Installation, cohort: Cohort, advance: Callable[[], None]) -> IntakeTally:
    """Intake every document of the cohort as the demo officer; ``advance`` after each."""
    tally = IntakeTally()
    officer = installation.actors["demo-officer"]
    for document in cohort.documents:
        result = run_intake(installation.factory, installation.packs, officer, document["id"], document)
        if result.created:
            tally.created += 1
        else:
            tally.replayed += 1
        tally.case_of[document["id"]] = result.body.decision.case_id
        advance()
    ids = [d["id"] for d in cohort.documents]
    with installation.factory() as session:
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            for encounter_id, person_id in session.execute(
                select(Encounter.id, Encounter.person_id).where(Encounter.id.in_(part))
            ):
                tally.person_of[encounter_id] = person_id
            links = select(IdentityLink.encounter_id, IdentityLink.outcome).where(
                IdentityLink.encounter_id.in_(part)
            )
            tally.identity.update(outcome for _, outcome in session.execute(links))
            tally.open_reviews += int(
                session.scalar(
                    select(func.count())
                    .select_from(IdentityReview)
                    .where(IdentityReview.encounter_id.in_(part), IdentityReview.status == "open")
                )
                or 0
            )
    return tally


def stored_cases(installation: Installation, tally: IntakeTally) -> int:
    """How many of the cohort's encounters have a case in the store (every one should)."""
    with installation.factory() as session:
        found = 0
        ids = list(tally.case_of.values())
        for chunk in range(0, len(ids), 500):
            found += int(
                session.scalar(
                    select(func.count()).select_from(Case).where(Case.id.in_(ids[chunk : chunk + 500]))
                )
                or 0
            )
    return found
