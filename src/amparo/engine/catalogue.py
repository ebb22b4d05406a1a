"""The rule catalogue, generated from the code: instruments, rules, versions, dates, citations.

``docs/RULES.md`` is written from :func:`catalogue_markdown`; a test fails when it is stale.
:func:`milestones` gives every dated instrument event (for charts' time axes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from amparo.engine.law import Instrument, LawBook


@dataclass(frozen=True)
class Milestone:
    """One dated event of an instrument: what happened, and where that is written."""

    on: dt.date
    instrument_id: str
    label: str
    citation: str
    kind: str
    certainty: str


def milestones(law: LawBook) -> list[Milestone]:
    """Every instrument event of a law book, in date order."""
    out = [
        Milestone(e.on, i.id, f"{i.title}: {e.text}", "; ".join(e.citations), e.kind, e.certainty)
        for i in law.instruments.values()
        for e in i.events
    ]
    return sorted(out, key=lambda m: (m.on, m.instrument_id))


def instrument_certainty(instrument: Instrument) -> str:
    """The weakest certainty of an instrument's dated events (V when it has none)."""
    tags = {e.certainty for e in instrument.events}
    return next((tag for tag in ("U", "M") if tag in tags), "V")


def rule_rows(law: LawBook) -> list[dict[str, Any]]:
    """One row per rule: id, title, kind, instrument, anchor, dates covered, versions, citations."""
    rows = []
    for rule in law.rules.values():
        citations: list[str] = []
        for version in rule.versions:
            citations.extend(c for c in version.citations if c not in citations)
        rows.append(
            {
                "id": rule.id,
                "title": rule.title,
                "kind": rule.kind,
                "instrument": rule.instrument,
                "read_on": rule.anchor,
                "versions": [
                    {
                        "version": v.version,
                        "valid_from": v.valid_from.isoformat(),
                        "valid_to": v.valid_to.isoformat() if v.valid_to else None,
                        "status": v.status,
                        "summary": v.summary,
                        "citations": list(v.citations),
                        "applies_when": v.applies.describe() if not v.cases else None,
                        "unless": [
                            {"id": x.id, "title": x.title, "citation": x.citation} for x in v.exceptions
                        ],
                        "flags": sorted({f.flag for f in v.flags}),
                        "certainty": v.certainty,
                    }
                    for v in rule.versions
                ],
                "citations": citations,
            }
        )
    return rows


def catalogue_markdown(books: Sequence[LawBook]) -> str:
    """docs/RULES.md: for each law pack, its rules with their versions, instruments with their
    lifecycle, and its contested points."""
    lines = [
        "# Rule catalogue (generated)",
        "",
        "Generated from the code by `amparo rules catalogue --out docs/RULES.md`. Do not edit by hand; "
        "a test fails when it is stale.",
        "",
        "Certainty: V verified, M from memory, U uncertain (the legal brief's tags).",
    ]
    for law in books:
        lines += _pack_section(law)
    return "\n".join(lines).replace("\u2009", " ") + "\n"


def _pack_section(law: LawBook) -> list[str]:
    lines = [
        "",
        f"## Law pack `{law.id}` (version {law.version}, digest `{law.digest}`)",
        "",
        "### Rules",
        "",
        "| id | title | kind | read on | versions (from → to: status) | citations |",
        "|---|---|---|---|---|---|",
    ]
    for row in rule_rows(law):
        versions = "<br>".join(
            f"`{v['version']}` {v['valid_from']} → {v['valid_to'] or '…'}: {v['status']}"
            for v in row["versions"]
        )
        lines.append(
            f"| `{row['id']}` | {row['title']} | {row['kind']} | {row['read_on']} | {versions} | "
            f"{'; '.join(row['citations'])} |"
        )
    lines += [
        "",
        "### Instruments",
        "",
        "| id | title | kind | certainty | sources | lifecycle | what is known |",
        "|---|---|---|---|---|---|---|",
    ]
    for inst in law.instruments.values():
        life = (
            "<br>".join(
                f"{e.on.isoformat()} {e.kind} [{e.certainty}]: {e.text} ({'; '.join(e.citations)})"
                for e in inst.events
            )
            or "—"
        )
        lines.append(
            f"| `{inst.id}` | {inst.title} | {inst.kind} | {instrument_certainty(inst)} | "
            f"{'; '.join(inst.citations)} | {life} | {inst.notes or '—'} |"
        )
    lines += ["", "### Contested and uncertain points (each decided in one place: the pack's flags)", ""]
    lines += ["| flag | the point | amparo decides | sources |", "|---|---|---|---|"]
    for flag in law.flags.values():
        lines.append(f"| `{flag.id}` | {flag.title} | {flag.decision} | {'; '.join(flag.citations)} |")
    return lines
