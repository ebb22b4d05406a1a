"""Properties the contract gives every EU decision, checked on 600 seeded random applications."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from amparo.engine.periods import add_months
from amparo.rules.eu import EU_PACK
from amparo.screening import screen

STATES = ["DE", "GR", "IT", "AT", "FR", "NL", "SE", "ES", "PL", "HU", "NO", "CH"]
AMMR_FROM = dt.date(2026, 7, 1)
MINORS = {
    "dublin_iii_art8_1",
    "dublin_iii_art8_2",
    "dublin_iii_art8_4",
    "ammr_art25_2",
    "ammr_art25_3",
    "ammr_art25_5",
}


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _application(rng: random.Random, n: int) -> dict[str, Any]:
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


DOCUMENTS = [_application(random.Random(1000 + n), n) for n in range(600)]


@pytest.mark.parametrize("start", range(0, 600, 100))
def test_decisions_keep_the_contracts_invariants(start: int) -> None:
    for doc in DOCUMENTS[start : start + 100]:
        s = screen(doc, EU_PACK).summary
        registered = dt.date.fromisoformat(doc.get("registered_on", doc["lodged_on"]))
        framework = "ammr" if registered >= AMMR_FROM else "dublin_iii"
        assert s["framework"] == framework, doc["id"]
        assert str(s["criterion"]).startswith(framework + "_art"), doc["id"]
        if s["responsible_state"] == doc["lodged_in"]:
            assert (s["take_charge_request_by"], s["reply_by"], s["transfer_by"]) == (None, None, None), doc[
                "id"
            ]
        clock_from = registered if framework == "ammr" else dt.date.fromisoformat(doc["lodged_on"])
        if s["take_charge_request_by"] is not None:
            limit = add_months(clock_from, 2 if framework == "ammr" else 3)
            assert dt.date.fromisoformat(s["take_charge_request_by"]) <= limit, doc["id"]
        if s["reply_by"] is not None:
            sent = doc["extensions"]["request_sent_on"]
            assert s["take_charge_request_by"] is not None and s["reply_by"] > sent, doc["id"]
        if s["transfer_by"] is not None:
            assert doc["acceptance"]["state"] == s["responsible_state"], doc["id"]
            assert s["transfer_by"] > doc["acceptance"]["on"], doc["id"]
        if doc["applicant"].get("unaccompanied_minor"):
            assert s["criterion"] in MINORS | {"dublin_iii_art21_1"}, doc["id"]
        if s["criterion"] in ("dublin_iii_art21_1", "ammr_art39_1"):
            assert s["responsible_state"] == doc["lodged_in"], doc["id"]


def test_the_reading_date_changes_no_summary() -> None:
    for doc in DOCUMENTS[:60]:
        assert screen(doc, EU_PACK, as_of=dt.date(2035, 1, 1)).summary == screen(doc, EU_PACK).summary
