"""Random EU applications (``amparo/eu-application@1``) for property tests: every part of the
document drawn with its dates around the lodging date, so both frameworks and every criterion
come up in a few hundred."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

STATES = ["DE", "GR", "IT", "AT", "FR", "NL", "SE", "ES", "PL", "HU", "NO", "CH"]


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def eu_application(rng: random.Random, n: int) -> dict[str, Any]:
    """Application ``P-n``, drawn from ``rng``."""
    lodged = _day(rng, dt.date(2023, 1, 1), 5 * 365)
    doc: dict[str, Any] = {
        "schema": "amparo/eu-application@1",
        "id": f"P-{n}",
        "lodged_in": rng.choice(STATES),
        "lodged_on": lodged.isoformat(),
        "applicant": {
            "nationality": rng.choice(["SY", "AF", "ER", None]),
            "age": rng.choice([15, 16, 25, 40]),
        },
    }
    if rng.random() < 0.3:
        doc["registered_on"] = (lodged + dt.timedelta(days=rng.randrange(-5, 10))).isoformat()
    if doc["applicant"]["age"] < 18 and rng.random() < 0.6:
        doc["applicant"]["unaccompanied_minor"] = True
    kinds = ["irregular_border_crossing", "sar_disembarkation", "visa_waived_entry", "airport_transit"]
    entries = [
        {
            "kind": rng.choice(kinds),
            "state": rng.choice(STATES),
            "on": _day(rng, lodged - dt.timedelta(900), 900).isoformat(),
        }
        for _ in range(rng.randrange(3))
    ]
    if entries:
        doc["entries"] = entries
        doc["applicant"]["visa_waived_in_lodging_state"] = rng.random() < 0.3
    if rng.random() < 0.4:
        relations = ["spouse", "partner", "child", "parent", "sibling", "relative"]
        statuses = ["beneficiary_of_protection", "applicant_pending", "legally_present", "other"]
        doc["family"] = [
            {
                "relation": rng.choice(relations),
                "state": rng.choice(STATES),
                "status": rng.choice(statuses),
                "wishes_in_writing": rng.random() < 0.5,
            }
            for _ in range(rng.randrange(1, 3))
        ]
    if rng.random() < 0.3:
        start = _day(rng, lodged - dt.timedelta(1500), 1500)
        doc["documents"] = [
            {
                "kind": rng.choice(["residence_document", "visa"]),
                "issued_by": rng.choice(STATES),
                "valid_from": start.isoformat(),
                "valid_to": (start + dt.timedelta(days=rng.randrange(30, 900))).isoformat(),
            }
        ]
    if rng.random() < 0.2:
        start = _day(rng, lodged - dt.timedelta(600), 500)
        doc["stays"] = [
            {
                "state": rng.choice(STATES),
                "from": start.isoformat(),
                "to": (start + dt.timedelta(200)).isoformat(),
            }
        ]
    if rng.random() < 0.5:
        doc["eurodac_hits"] = [
            {"category": rng.choice([1, 2, 2, 3]), "state": rng.choice(STATES), "on": lodged.isoformat()}
        ]
    if rng.random() < 0.2:
        doc["previous_applications"] = [
            {"state": rng.choice(STATES), "lodged_on": _day(rng, lodged - dt.timedelta(400), 400).isoformat()}
        ]
    doc["detained"] = rng.random() < 0.15
    doc["imprisoned"] = rng.random() < 0.1
    if rng.random() < 0.5:
        doc["extensions"] = {
            "request_sent_on": _day(rng, lodged, 120).isoformat(),
            "request_urgent": rng.random() < 0.2,
        }
    if rng.random() < 0.4:
        doc["acceptance"] = {
            "state": rng.choice(STATES),
            "on": _day(rng, lodged + dt.timedelta(30), 120).isoformat(),
        }
    if rng.random() < 0.1:
        doc["absconded_on"] = _day(rng, lodged, 400).isoformat()
    return doc
