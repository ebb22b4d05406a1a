"""The readable explanation of a decision, for a person: what applies, why, under which citation."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from amparo.engine.pack import LawPack
from amparo.engine.trace import Determination
from amparo.screening.decision import Decision

_MARK = {
    "applies": ("✔", "bold green"),
    "excepted": ("✘", "bold cyan"),
    "value": ("→", "bold"),
    "not_applicable": ("·", "dim"),
}


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value).replace("_", " ")


def _step(step: Determination) -> Text:
    mark, style = _MARK[step.outcome]
    verdict = {
        "applies": "applies",
        "excepted": "excepted",
        "value": _value(step.value),
        "not_applicable": "does not apply"
        if step.version.status == "in_effect"
        else f"not applied ({step.version.status.replace('_', ' ')})",
    }[step.outcome]
    text = Text()
    text.append(f"{mark} {step.rule.title}: ", style=style)
    text.append(verdict + "\n", style=style)
    if step.outcome == "value":
        reason = step.because
    elif step.outcome == "excepted":
        reason = step.because.split(" Excepted: ", 1)[-1].rstrip(".")
        reason = f"{step.version.summary} Excepted because: {reason}."
    else:
        reason = step.version.summary
    text.append(f"    {reason}\n")
    text.append(f"    {'; '.join(step.citations[:3])}\n", style="italic")
    return text


def explain(decision: Decision, pack: LawPack) -> Panel:
    """A panel: the summary, each rule consulted with why and its citations, then contested points."""
    summary = Table.grid(padding=(0, 2))
    for key in pack.program.summary:
        summary.add_row(Text(key.label, style="bold"), _value(decision.summary[key.key]))
    parts: list[Table | Text] = [summary, Text("\nWhy", style="bold underline")]
    for step in decision.determinations:
        if step.outcome == "not_applicable" and step.version.status in {"not_in_force", "unverified"}:
            continue
        parts.append(_step(step))
    if decision.flags:
        parts.append(Text("Contested or uncertain points", style="bold yellow underline"))
        for flag in decision.flags:
            parts.append(Text(f"! {flag['message']}\n    {'; '.join(flag['citations'][:3])}", style="yellow"))
    if decision.confidentiality is not None:
        marker = decision.confidentiality
        parts.append(Text(f"\nConfidential under {marker.citation}: {marker.note}", style="dim"))
    title = (
        f"{decision.encounter_id} · law read on {decision.as_of.isoformat()} · "
        f"{decision.ruleset_id} pack {decision.ruleset_version}"
    )
    return Panel(Group(*parts), title=title, title_align="left")
