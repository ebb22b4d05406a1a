"""Properties the contract gives every EU decision, checked on 600 seeded random applications."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from eu_applications import eu_application

from amparo.engine.periods import add_months
from amparo.rules.eu import EU_PACK
from amparo.screening import screen

AMMR_FROM = dt.date(2026, 7, 1)
MINORS = {
    "dublin_iii_art8_1",
    "dublin_iii_art8_2",
    "dublin_iii_art8_4",
    "ammr_art25_2",
    "ammr_art25_3",
    "ammr_art25_5",
}

DOCUMENTS = [eu_application(random.Random(1000 + n), n) for n in range(600)]


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
