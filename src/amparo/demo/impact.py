"""Step 6: a rule change replayed — the suspension of transfers to Guatemala on 2020-03-16.

Every cohort encounter met before the suspension is screened twice by the single evaluator
(:func:`amparo.screening.screen`), with the law read the day before (2020-03-15) and on the day
(2020-03-16); the impact is who changes outcome: per encounter the summary keys that differ, and
counts by key, nationality and month of encounter (the shape of ``amparo impact``'s report).
The rule's own history says why (``aca.guatemala_2019``, version ``suspended`` from 2020-03-16:
"Transfers to Guatemala were suspended on 2020-03-16 (COVID-19) and never resumed").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from amparo.demo.cohort import Cohort
from amparo.engine.registry import PackRegistry
from amparo.screening import screen

BEFORE = dt.date(2020, 3, 15)
AFTER = dt.date(2020, 3, 16)
CHANGE = "suspension of ACA transfers to Guatemala (aca.guatemala_2019, version 'suspended' from 2020-03-16)"


@dataclass
class Impact:
    """Who the change affects."""

    before: dt.date = BEFORE
    after: dt.date = AFTER
    change: str = CHANGE
    screened: int = 0
    changed: list[dict[str, Any]] = field(default_factory=list)  # encounter_id, key, before, after
    by_key: Counter[str] = field(default_factory=Counter)
    by_nationality: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    scheduled_not_transferred: int = 0  # cases waiting for a transfer when it was suspended

    @property
    def encounters_affected(self) -> int:
        return len({c["encounter_id"] for c in self.changed})


def _differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def replay(packs: PackRegistry, cohort: Cohort, advance: Callable[[], None]) -> Impact:
    """Screen the encounters met before the suspension under the law of both days."""
    impact = Impact()
    for document in cohort.documents:
        if dt.date.fromisoformat(document["encountered_on"]) <= BEFORE:
            summary_before = screen(document, packs, as_of=BEFORE).summary
            summary_after = screen(document, packs, as_of=AFTER).summary
            impact.screened += 1
            keys = _differences(summary_before, summary_after)
            for key in keys:
                impact.changed.append(
                    {
                        "encounter_id": document["id"],
                        "key": key,
                        "before": summary_before.get(key),
                        "after": summary_after.get(key),
                    }
                )
                impact.by_key[key] += 1
            if keys:
                nationalities = document["person"]["nationalities"]
                impact.by_nationality[nationalities[0] if nationalities else "stateless"] += 1
                impact.by_month[document["encountered_on"][:7]] += 1
        advance()
    return impact


def as_json(impact: Impact) -> dict[str, Any]:
    """The impact as the summary and report show it (the per-encounter rows go to a file)."""
    return {
        "change": impact.change,
        "before": impact.before.isoformat(),
        "after": impact.after.isoformat(),
        "screened": impact.screened,
        "encounters_affected": impact.encounters_affected,
        "by_key": dict(impact.by_key.most_common()),
        "by_nationality": dict(impact.by_nationality.most_common()),
        "by_month": dict(sorted(impact.by_month.items())),
        "transfers_waiting_at_suspension": impact.scheduled_not_transferred,
    }
