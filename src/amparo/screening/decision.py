"""Decision summary v1: what a screening produced, kept with the law it was read under."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from amparo.engine.trace import Determination

SUMMARY_KEYS = (
    "title42_expulsion",
    "unaccompanied_child",
    "aca_removal_to",
    "asylum_bars",
    "mpp_amenable",
    "protection_screening_standard",
)


@dataclass(frozen=True)
class Decision:
    """One screening decision: the summary, the trace, the flags and the ruleset it was read under."""

    encounter_id: str
    as_of: dt.date
    encountered_on: dt.date
    summary: dict[str, Any]
    determinations: tuple[Determination, ...]
    flags: tuple[dict[str, Any], ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_digest: str

    @property
    def trace(self) -> list[dict[str, Any]]:
        """The explanation tree: one node per rule consulted, each with rule id, version, citations."""
        return [d.as_node() for d in self.determinations]

    def to_dict(self) -> dict[str, Any]:
        """The decision summary v1 object (shared/spec/README.md), plus amparo's own keys."""
        return {
            "encounter_id": self.encounter_id,
            "as_of": self.as_of.isoformat(),
            "summary": dict(self.summary),
            "trace": self.trace,
            "flags": [dict(f) for f in self.flags],
            "ruleset": {
                "id": self.ruleset_id,
                "version": self.ruleset_version,
                "digest": self.ruleset_digest,
            },
            "confidentiality": {
                "protected": True,
                "citation": "8 CFR 208.6",
                "note": "Asylum-related record: never disclose its contents or the fact of a claim to the "
                "government of a country of nationality or feared persecution.",
            },
        }
