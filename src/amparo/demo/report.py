"""``DIR/report.html``: one self-contained page (inline SVG charts, no script, no network) with the
run's figures, and ``DIR/summary.json``, the same figures for programs and tests."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_COLOURS = ("#1f5f8b", "#e07b39", "#5b9e4d", "#8c6bb1")
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:62rem;color:#1d2733;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .7rem;border-bottom:1px solid #e3e6ea;text-align:right}
th:first-child,td:first-child{text-align:left}.ok{color:#2a7a2a;font-weight:600}.bad{color:#b00;font-weight:600}
.note{color:#556;font-size:.9rem}svg{display:block;margin:.5rem 0}
"""


def bar_chart(title: str, rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str]) -> str:
    """A horizontal grouped bar chart as an SVG element; every series shares one axis."""
    longest = max((len(label) for label, _ in rows), default=0)
    label_w = int(min(380, 16 + 6.8 * longest))
    width, bar_h, gap = label_w + 480, 12, 8
    group_h = bar_h * len(series) + gap
    height = 40 + group_h * len(rows) + 20 * len(series)
    top = max((max(values) if values else 0) for _, values in rows) if rows else 0
    scale = (width - label_w - 80) / top if top else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{html.escape(title)}">',
        f'<text x="0" y="16" font-size="14" font-weight="600">{html.escape(title)}</text>',
    ]
    y = 30
    for label, values in rows:
        parts.append(f'<text x="0" y="{y + bar_h}" font-size="12">{html.escape(label)}</text>')
        for k, value in enumerate(values):
            w = max(value * scale, 0.5 if value else 0)
            parts.append(
                f'<rect x="{label_w}" y="{y + k * bar_h}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{_COLOURS[k % len(_COLOURS)]}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + k * bar_h + bar_h - 3}" font-size="10">'
                f"{value:,.0f}</text>"
            )
        y += group_h
    for k, name in enumerate(series):
        parts.append(
            f'<rect x="{label_w}" y="{y + 6 + 18 * k}" width="10" height="10" fill="{_COLOURS[k % len(_COLOURS)]}"/>'
            f'<text x="{label_w + 16}" y="{y + 15 + 18 * k}" font-size="11">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _pairs(mapping: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return list(mapping.items())


def render(summary: Mapping[str, Any], flows: Mapping[str, Any], assumptions: Mapping[str, str]) -> str:
    """The page for ``summary`` (summary.json's content) and the cohort-vs-official tables."""
    s = summary
    scale = float(s["cohort"]["scale"])
    by_month = flows["by_month"]
    by_citizenship = flows["by_citizenship"]
    audit_rows = [
        (name, "intact" if v["intact"] else "NOT intact", v["entries"], v["signed_checkpoints"])
        for name, v in s["audit"].items()
    ]
    plan = s["transfers"]
    sections = [
        f"<h1>amparo demo: the Guatemala agreement's months, {s['cohort']['from']} – {s['cohort']['to']}</h1>",
        f'<p class="note">Cohort {html.escape(s["cohort"]["key"])} ({s["encounters"]:,} synthetic encounters, '
        f"1 for every {1 / scale:,.0f} CBP encounters of the period; seed {s['cohort']['seed']}); "
        f"store {html.escape(s['database'])}; run in {s['seconds']:.0f} s. Nothing here is a real person.</p>",
        "<h2>The whole job</h2>",
        _table(
            ("step", "figure"),
            [
                ("encounters", s["encounters"]),
                ("screened (law read on each encounter's dates)", s["screened"]),
                ("persons (after identity resolution)", s["persons"]),
                ("true persons in the cohort", s["true_persons"]),
                ("encounters joined to a known person", s["identity"]["link"]),
                ("possible links left for review", s["identity"]["open_reviews"]),
                ("repeat crossers (ground truth)", s["identity"]["true_repeat_crossers"]),
                ("… all their encounters under one person", s["identity"]["repeat_crossers_resolved"]),
                ("… spread over several persons", s["identity"]["repeat_crossers_split"]),
                ("persons holding more than one true person", s["identity"]["persons_merged"]),
                ("ACA amenable (aca_removal_to GT)", s["aca"]["amenable"]),
                ("threshold interviews", s["aca"]["interviewed"]),
                ("harm in Guatemala found more likely than not", s["aca"]["harm_found"]),
                ("transfers concurred (scheduled or done)", s["aca"]["concurred"]),
                ("capacity (people, scaled)", s["capacity"]),
                ("people planned for transfer", s["aca_transfers_planned"]),
                ("families split", s["families_split"]),
                ("packages sent and acknowledged", s["exchange"]["packages_acknowledged"]),
                ("encounters the 2020-03-16 suspension changes", s["impact"]["encounters_affected"]),
            ],
        ),
        "<h2>Flows: the cohort beside the official figures</h2>",
        bar_chart(
            "Encounters by month (CBP, and the cohort scaled back up)",
            [(m, (v["official"], v["cohort"] / scale)) for m, v in by_month.items()],
            ("CBP southwest border", f"cohort × {1 / scale:,.0f}"),
        ),
        _table(
            ("month", "CBP", "cohort", f"cohort × {1 / scale:,.0f}"),
            [(m, v["official"], v["cohort"], round(v["cohort"] / scale)) for m, v in by_month.items()],
        ),
        bar_chart(
            "Encounters by citizenship over the period",
            [(c, (v["official"], v["cohort"] / scale)) for c, v in by_citizenship.items()],
            ("CBP southwest border", f"cohort × {1 / scale:,.0f}"),
        ),
        _table(
            ("Title 42, March 2020", "CBP", "cohort", f"cohort × {1 / scale:,.0f}"),
            [
                (
                    "encounters under Title 42 / screened as expulsions",
                    flows["title42"]["official"],
                    flows["title42"]["cohort"],
                    round(flows["title42"]["cohort"] / scale),
                )
            ],
        ),
        '<p class="note">The US pack reads Title 42 from 2020-03-21. The cohort draws the day of an '
        "encounter evenly within its month, so about a third of its March encounters fall after that "
        "day; CBP counted fewer under Title 42 than that share (the last days of March may have been "
        "lighter than the month's average, or some encounters then were still processed under Title "
        "8): the comparison shows how far the even draw is from the published count.</p>",
        '<p class="note">Source: CBP, Southwest Land Border Encounters (by month, citizenship grouping, '
        "demographic and component), read by <code>amparo flows series</code>. "
        + (
            f'The full flows report: <a href="{flows["full_report"]}">{flows["full_report"]}</a>.</p>'
            if flows.get("full_report")
            else "The full flows report: <code>amparo demo --flows-report</code> or "
            "<code>amparo report --out DIR/flows</code>.</p>"
        ),
        "<h2>Decisions and cases</h2>",
        bar_chart(
            "Current decisions by outcome", [(k, (v,)) for k, v in s["outcomes"].items()], ("decisions",)
        ),
        bar_chart("Cases by state", [(k, (v,)) for k, v in s["case_states"].items()], ("cases",)),
        "<h2>Transfers within Guatemala's capacity</h2>",
        _table(
            ("measure", "value"),
            [
                ("capacity scenario", plan["scenario"]),
                ("monthly cap (people, scaled)", plan["monthly_cap"]),
                ("departures / seats", f"{plan['departures']} / {plan['seats']}"),
                ("cases given to the planner (concurred transfers)", plan["cases"]),
                ("people planned (proven bound)", f"{s['aca_transfers_planned']} ({plan['bound']:.0f})"),
                ("first-come baseline", plan["first_come"]),
                ("method", plan["method"]),
                ("families / split", f"{plan['families']} / {s['families_split']}"),
                ("plan", f"{plan['plan_id']} ({'reused' if plan['reused'] else 'new'}, accepted)"),
            ],
        ),
        "<h2>Exchange with Guatemala</h2>",
        _table(
            ("measure", "value"), _pairs({k: v for k, v in s["exchange"].items() if not isinstance(v, dict)})
        ),
        _table(("event reported back", "cases"), _pairs(s["exchange"]["outcomes_back"])),
        "<h2>A rule change replayed: the 2020-03-16 suspension</h2>",
        f"<p>{html.escape(s['impact']['change'])}: {s['impact']['encounters_affected']:,} of "
        f"{s['impact']['screened']:,} encounters met before it change outcome between the law read on "
        f"{s['impact']['before']} and on {s['impact']['after']}.</p>",
        bar_chart(
            "Changed encounters by month met",
            [(k, (v,)) for k, v in s["impact"]["by_month"].items()],
            ("encounters",),
        ),
        _table(
            ("summary key", "change", "encounters"),
            [
                (key, change, n)
                for key, entry in s["impact"]["by_key"].items()
                for change, n in entry["transitions"].items()
            ],
        ),
        _table(("nationality", "encounters"), _pairs(s["impact"]["by_nationality"])),
        "<h2>Audit trails</h2>",
        _table(("installation", "verdict", "entries", "signed checkpoints"), audit_rows),
        "<h2>Assumptions of the demo</h2>",
        "<ul>" + "".join(f"<li>{html.escape(text)}</li>" for text in assumptions.values()) + "</ul>",
    ]
    body = "\n".join(sections)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>amparo demo</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def write(
    out: Path, summary: Mapping[str, Any], flows: Mapping[str, Any], assumptions: Mapping[str, str]
) -> None:
    """Write ``summary.json`` and ``report.html`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "report.html").write_text(render(summary, flows, assumptions), encoding="utf-8")
