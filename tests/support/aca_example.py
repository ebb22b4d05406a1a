"""The ACA example encounter the API, case and identity tests share: a Honduran adult crossing from
Mexico in February 2020 (ACA removal to Guatemala, amenable to MPP)."""

from __future__ import annotations

import copy
from typing import Any

ACA_ENCOUNTER: dict[str, Any] = {
    "schema": "amparo/encounter@1",
    "id": "EX-1",
    "encountered_on": "2020-02-03",
    "place": {"border": "southwest_land", "manner": "between_ports", "state": "TX", "arrived_from": "MX"},
    "person": {
        "nationalities": ["HN"],
        "birth_date": "1991-04-02",
        "sex": "M",
        "given_names": "José Armando",
    },
    "route": [{"country": "GT", "protection_claim": "none"}, {"country": "MX", "protection_claim": "none"}],
    "fear_claims": [{"country": "HN", "affirmatively_stated": True, "basis": ["particular_social_group"]}],
}


def aca_encounter(encounter_id: str = "EX-1", **changes: Any) -> dict[str, Any]:
    """A valid encounter v1 document (the ACA example) with another id and top-level changes."""
    doc = copy.deepcopy(ACA_ENCOUNTER)
    doc["id"] = encounter_id
    doc.update(changes)
    return doc
