"""The readable explanation of a decision, for a person: what applies, why, under which citation,
with what certainty — in English or Spanish (:mod:`amparo.i18n`).

Generic: the pack's own words come from the pack. A pack may offer ``narrative(decision, _)``
(the processing tracks in the language of discretion, e.g. "amenable to ... — DHS may ...") and
``fact_phrases`` (how an unmet condition reads: keyed by the condition as written, or by the one
fact it reads); without them the rules' summaries and conditions are shown as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from amparo.engine.expr import And, Expr, Fact, Not
from amparo.engine.pack import LawPack
from amparo.engine.trace import Determination
from amparo.i18n import gettext_for
from amparo.screening.decision import Decision
from amparo.screening.screen import BEYOND_CURRENCY
from amparo.terminal_text import escaped_controls

Gettext = Callable[[str], str]

_MARK = {
    "applies": ("✔", "bold green"),
    "excepted": ("✘", "bold cyan"),
    "value": ("→", "bold"),
    "not_applicable": ("·", "dim"),
}
# Phrases of the explanation itself (msgids of the ``messages`` domain).
CERTAINTY = {
    "M": "from memory in the legal brief: check before relying on it",
    "U": "uncertain or contested in the legal brief",
}
STATUS = {
    "in_effect": "in effect",
    "implemented": "implemented",
    "not_implemented": "in force, never implemented",
    "not_in_force": "not in force",
    "enjoined": "enjoined",
    "stayed": "stayed",
    "vacated": "vacated",
    "suspended": "suspended",
    "terminated": "terminated",
    "unverified": "unverified",
}
#: Kinds of rule whose application is at the authorities' discretion: they read "amenable".
DISCRETIONARY = frozenset({"agreement", "processing_track"})
PHRASES = (
    "applies",
    "amenable",
    "excepted",
    "does not apply",
    "not applied",
    "none",
    "yes",
    "no",
    "Why",
    "Why not",
    "Not met",
    "Excepted because",
    "Contested or uncertain points",
    "Decided",
    "Confidential under",
    "law read on",
    "certainty",
    "Markers",
    "computed from",
)


def _value(value: object, _: Gettext) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_(str(v).replace("_", " ")) for v in value) or _("none")
    return _(str(value).replace("_", " "))


def _unmet(expr: Expr, facts: Mapping[str, Any]) -> list[Expr]:
    """The parts of a condition that do not hold (the conjuncts of an ``and``, else the whole)."""
    if isinstance(expr, And):
        out: list[Expr] = []
        for operand in expr.operands:
            if not operand.evaluate(facts):
                out += _unmet(operand, facts)
        return out
    return [expr]


def _phrase(expr: Expr, phrases: Mapping[str, str], _: Gettext) -> str:
    """The words of an unmet condition: the pack's phrase of the condition as written
    (``fact``, ``not fact``, ``a > b``), else of the one fact it reads, else the condition."""
    if (written := expr.describe()) in phrases:
        return _(phrases[written])
    names = expr.fact_names()
    if len(names) == 1 and (name := next(iter(names))) in phrases and not isinstance(expr, Fact | Not):
        return _(phrases[name])
    return expr.describe()


def why_not(step: Determination, phrases: Mapping[str, str], _: Gettext) -> str:
    """Why a rule did not apply, in words: the conditions not met, or the state of the law."""
    version = step.version
    if version.status not in {"in_effect", "implemented"}:
        return _(version.summary)
    unmet = _unmet(version.applies, step.facts) if version.applies.fact_names() else []
    if not unmet:
        return _(version.summary)
    missing = "; ".join(dict.fromkeys(_phrase(x, phrases, _) for x in unmet))
    return f"{_(version.summary)} {_('Not met')}: {missing}."


def _plain(value: object) -> str:
    """A fact's value as read in an explanation: dates as YYYY-MM-DD, a mapping as key value pairs."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    return str(value)


def _step(step: Determination, phrases: Mapping[str, str], _: Gettext) -> Text:
    mark, style = _MARK[step.outcome]
    version = step.version
    applies = _("amenable") if step.rule.kind in DISCRETIONARY else _("applies")
    if isinstance(step.value, dt.date):
        applies = f"{applies} ({step.value.isoformat()})"
    verdict = {
        "applies": applies,
        "excepted": _("excepted"),
        "value": _value(step.value, _),
        "not_applicable": _("does not apply")
        if version.status in {"in_effect", "implemented"}
        else f"{_('not applied')} ({_(STATUS[version.status])})",
    }[step.outcome]
    text = Text()
    text.append(f"{mark} {_(step.rule.title)}: ", style=style)
    text.append(verdict + "\n", style=style)
    if step.outcome == "value":
        reason = _(step.case.because) if step.case else _(version.summary)
    elif step.outcome == "excepted" and step.exception is not None:
        reason = f"{_(version.summary)} {_('Excepted because')}: {_(step.exception.title)}."
    elif step.outcome == "not_applicable":
        reason = why_not(step, phrases, _)
    else:
        reason = _(version.summary)
    text.append(f"    {reason}\n")
    computed = step.case.value if step.case is not None else version.value
    if step.outcome in ("value", "applies") and isinstance(computed, Expr):
        # A value counted from the facts (a State a criterion names, a deadline): say from what.
        read = "; ".join(
            f"{name} = {_value(v, _) if isinstance(v, bool) else _plain(v)}"
            for name, v in step.inputs.items()
            if v not in (None, {}, ())
        )
        if read:
            text.append(f"    {_('computed from')}: {read}\n", style="dim")
    text.append(f"    {'; '.join(step.citations)}\n", style="italic")
    if version.certainty in CERTAINTY:
        text.append(f"    [{version.certainty}] {_(CERTAINTY[version.certainty])}\n", style="yellow")
    elif step.exception is not None and step.exception.certainty in CERTAINTY:
        tag = step.exception.certainty
        text.append(f"    [{tag}] {_(step.exception.title)}: {_(CERTAINTY[tag])}\n", style="yellow")
    return text


def _beyond_currency(pack: LawPack, on: dt.date, _: Gettext) -> tuple[str, str, str]:
    """The words of the flag on a decision read past its pack's currency (the decision's own
    message, in English, is data: :func:`amparo.screening.screen.beyond_currency_flag`)."""
    current = pack.current_to.isoformat()
    title = _(
        "The {pack} law pack is current to {current}; this decision reads {on}, and the law may have changed since."
    ).format(pack=pack.id, current=current, on=on.isoformat())
    applied = _("the law as last recorded is applied; check for newer instruments.")
    decided = f" {_('Decided')}: {applied}"
    citation = _("{title}, current to {current}").format(title=_(pack.title), current=current)
    return title, decided, citation


def explain(decision: Decision, pack: LawPack, lang: str | None = None) -> Panel:
    """A panel: the summary, the pack's narrative of the tracks, each rule consulted with why, its
    citations and certainty, then the contested points and the decision's markers."""
    _ = gettext_for(lang)
    phrases: Mapping[str, str] = getattr(pack, "fact_phrases", {}) or {}
    summary = Table.grid(padding=(0, 2))
    for key in pack.program.summary:
        summary.add_row(Text(_(key.label), style="bold"), _value(decision.summary[key.key], _))
    parts: list[Table | Text] = [summary]
    narrative = getattr(pack, "narrative", None)
    if callable(narrative):
        for heading, body in narrative(decision, _):
            parts.append(Text(f"\n{heading}", style="bold underline"))
            parts.append(Text(body))
    parts.append(Text(f"\n{_('Why')}", style="bold underline"))
    for step in decision.determinations:
        if step.outcome == "not_applicable" and (
            step.version.status in {"not_in_force", "unverified"} or step.rule.kind == "marker"
        ):
            continue  # a rule not yet in force, or a marker the decision does not carry
        if step.outcome == "value" and step.value is None and step.case is None:
            continue  # a table with no row for this person (nothing to say)
        parts.append(_step(step, phrases, _))
    if decision.flags:
        parts.append(Text(_("Contested or uncertain points"), style="bold yellow underline"))
        book = pack.law_book()
        for flag in decision.flags:
            point = book.flags.get(flag["id"])
            title = _(point.title) if point else flag["message"]
            decided = f" {_('Decided')}: {_(point.decision)}" if point else ""
            citations = "; ".join(flag["citations"])
            if flag["id"] == BEYOND_CURRENCY:  # the engine's own flag, in the reader's language
                title, decided, citations = _beyond_currency(pack, decision.as_of, _)
            tag = f"[{flag['certainty']}] " if flag.get("certainty") else ""
            parts.append(Text(f"! {tag}{title}{decided}\n    {citations}", style="yellow"))
    for marker in decision.markers:
        parts.append(Text(f"\n{_('Markers')}: {marker.citation} — {_(marker.note)}", style="bold magenta"))
    if decision.confidentiality is not None:
        regime = decision.confidentiality
        note = regime.note_es if lang == "es" and regime.note_es else _(regime.note)
        parts.append(Text(f"\n{_('Confidential under')} {regime.citation}: {note}", style="dim"))
    pack_named = _("{pack} pack {version}").format(pack=decision.ruleset_id, version=decision.ruleset_version)
    shown_id = escaped_controls(decision.encounter_id)
    title = f"{shown_id} · {_('law read on')} {decision.as_of.isoformat()} · {pack_named}"
    # The id is the document's own text: shown as written, never read as Rich markup.
    return Panel(Group(*parts), title=Text(title), title_align="left")
