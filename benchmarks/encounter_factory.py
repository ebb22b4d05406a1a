"""Deterministic varied encounter v1 documents for benchmarks (seeded; no hypothesis needed)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

NATIONALITIES = ["HN", "GT", "SV", "MX", "VE", "CU", "NI", "BR", "EC", "CO"]


def encounters(n: int, seed: int = 2019) -> list[dict[str, Any]]:
    """``n`` valid encounter documents spread over 2019–2025 with routes, families and findings."""
    rng = random.Random(seed)
    start = dt.date(2019, 1, 1).toordinal()
    out = []
    for i in range(n):
        on = dt.date.fromordinal(start + rng.randrange(0, 7 * 365))
        nationality = rng.choice(NATIONALITIES)
        route = [c for c in ("GT", "MX") if c != nationality and rng.random() < 0.9]
        age = rng.choice([rng.randint(18, 60)] * 4 + [rng.randint(0, 17)])
        doc: dict[str, Any] = {
            "schema": "amparo/encounter@1",
            "id": f"B-{i:07d}",
            "encountered_on": on.isoformat(),
            "place": {
                "border": "southwest_land",
                "manner": rng.choice(["between_ports", "between_ports", "port_of_entry"]),
                "location": rng.choice(["El Paso", "San Ysidro", "Rio Grande Valley", "Tucson"]),
                "state": rng.choice(["TX", "CA", "AZ", "NM"]),
                "arrived_from": "MX",
            },
            "person": {"nationalities": [nationality], "age": age, "sex": rng.choice("FM")},
            "family": {
                "family_unit": rng.random() < 0.3,
                "with_parent_or_legal_guardian": rng.random() < 0.3,
            },
            "route": [
                {"country": c, "protection_claim": rng.choice(["none", "none", "pending", "denied_final"])}
                for c in route
            ],
            "fear_claims": [{"country": nationality, "basis": ["particular_social_group"]}],
        }
        if rng.random() < 0.2:
            doc["findings"] = {
                "severe_trafficking_victim": rng.random() < 0.3,
                "known_health_issue": rng.random() < 0.5,
            }
        if rng.random() < 0.3:
            doc["adjudicated_on"] = (on + dt.timedelta(days=rng.randint(1, 400))).isoformat()
        out.append(doc)
    return out
