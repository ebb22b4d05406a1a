"""Access policy (first cut; the exchange issue replaces it with arrangements as dated instruments)."""

from __future__ import annotations

import datetime as dt

from amparo.access import AccessDecision, RecordFacts, Requester


def decide(requester: Requester, record: RecordFacts, purpose: str, on: dt.date) -> AccessDecision:
    """US agencies read for their purposes; no foreign government reads asylum-related records."""
    del purpose, on
    if requester.country == "US" or requester.agency == "UNHCR":
        return AccessDecision(True, None, ("US agency, 8 CFR 208.6(c)(1)",), ("8 CFR 208.6(c)(1)",))
    if record.asylum_related:
        return AccessDecision(False, None, ("asylum-related record; foreign agency",), ("8 CFR 208.6(a)",))
    return AccessDecision(True, None, ("not asylum-related",))
