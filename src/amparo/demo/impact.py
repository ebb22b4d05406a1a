"""Step 6: a rule change replayed — the suspension of transfers to Guatemala on 2020-03-16.

Every cohort encounter met before the suspension is written to ``DIR/impact-input.jsonl`` and
given to the batch area's impact (:func:`amparo.batch.impact.run_impact`, what ``amparo impact
IN --before 2020-03-15 --after 2020-03-16`` runs): each document screened with the law read the
day before and on the day; who changes outcome, per encounter with the summary keys before and
after (``DIR/impact.jsonl``), and counts by key (with each transition), nationality and month met.
The rule's own history says why (``aca.guatemala_2019``, version ``suspended`` from 2020-03-16:
"Transfers to Guatemala were suspended on 2020-03-16 (COVID-19) and never resumed").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from amparo.demo.cohort import Cohort
from amparo.engine.registry import PackRegistry

BEFORE = dt.date(2020, 3, 15)
AFTER = dt.date(2020, 3, 16)
CHANGE = "suspension of ACA transfers to Guatemala (aca.guatemala_2019, version 'suspended' from 2020-03-16)"


def replay(packs: PackRegistry, cohort: Cohort, out: Path) -> dict[str, Any]:
    """Run the impact of the suspension over the cohort's encounters met before it."""
    from amparo.batch.impact import Impact, run_impact

    source = out / "impact-input.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for document in cohort.documents:
            if dt.date.fromisoformat(document["encountered_on"]) <= BEFORE:
                handle.write(json.dumps(document, ensure_ascii=False) + "\n")
    pack = packs.for_document(cohort.documents[0]) if cohort.documents else packs.default
    impact = Impact(pack, pack, before_on=BEFORE, after_on=AFTER)
    counts, seconds = run_impact(source, impact, out=out / "impact.jsonl")
    result = counts.as_dict(BEFORE.isoformat(), AFTER.isoformat(), seconds)
    return {
        "change": CHANGE,
        "before": result["before"],
        "after": result["after"],
        "screened": result["screened"],
        "invalid": result["invalid"],
        "encounters_affected": result["changed"],
        "by_key": result["by_key"],
        "by_nationality": result["by_nationality"],
        "by_month": result["by_month"],
        "rows": "impact.jsonl",
        "transfers_waiting_at_suspension": 0,
    }
