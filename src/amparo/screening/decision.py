"""Decision summary v1: what a screening produced, kept with the law it was read under."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from amparo.engine.pack import Confidentiality, Marker
from amparo.engine.trace import Determination


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
    confidentiality: Confidentiality | None = None
    markers: tuple[Marker, ...] = ()

    @property
    def pack_id(self) -> str:
        """The law pack the decision was read under (its ruleset id)."""
        return self.ruleset_id

    @property
    def trace(self) -> list[dict[str, Any]]:
        """The explanation tree: one node per rule consulted, each with rule id, version, citations."""
        return [d.as_node() for d in self.determinations]

    def to_dict(self) -> dict[str, Any]:
        """The decision summary v1 object (shared/spec/README.md), plus amparo's own keys."""
        out: dict[str, Any] = {
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
        }
        if self.confidentiality is not None:
            out["confidentiality"] = {
                "protected": True,
                "citation": self.confidentiality.citation,
                "note": self.confidentiality.note,
            }
        if self.markers:
            out["markers"] = [
                {"id": m.id, "rule": m.rule, "citation": m.citation, "note": m.note} for m in self.markers
            ]
        return out
