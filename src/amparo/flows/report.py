"""``amparo report``: one self-contained HTML file with the charts, tables, provenance and claim verdicts.

The SVG charts are inlined in the page, so ``index.html`` needs no other file and no network; the
PNG and SVG files are written next to it as well.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from amparo.flows import charts, claims, files, ingest, series

_CAPTIONS = {
    "series_by_citizenship": "Monthly encounters by citizenship (CBP breaks out Mexico, Guatemala, Honduras, El Salvador).",
    "shares_by_citizenship": "Share of each month's encounters by citizenship.",
    "series_by_demographic": "Monthly encounters by demographic.",
    "shares_by_demographic": "Share of each month's encounters by demographic.",
    "year_on_year": "Change of each month's encounters on the same month a year earlier.",
}


def _fiscal_years() -> list[dict[str, Any]]:
    totals: dict[int, dict[str, Any]] = {}
    for row in series.query(by=["component"]):
        month = series.parse_month(row.month, "month")
        fy = month.year + (1 if month.month >= 10 else 0)
        entry = totals.setdefault(fy, {"fy": fy, "USBP": 0, "OFO": 0, "total": 0, "months": set()})
        entry[row.keys["component"]] += row.encounters
        entry["total"] += row.encounters
        entry["months"].add(row.month)
    return [{**e, "months": len(e["months"])} for _, e in sorted(totals.items())]


def _strip_svg_header(svg: str) -> str:
    """The ``<svg>`` element alone (no XML declaration or DOCTYPE, which may not appear inside HTML)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def render(out: Path) -> str:
    """The report's HTML (charts are written to ``out`` and inlined)."""
    from amparo import __version__

    verified = files.verify()
    paths = charts.write_all(out)
    svgs = charts.svg_text(paths)
    first, last = series.months_available()
    overlap = ingest.overlap_months()
    env = Environment(
        loader=PackageLoader("amparo.flows", "templates"), autoescape=select_autoescape(["html", "j2"])
    )
    return env.get_template("report.html.j2").render(
        version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        first_month=series.month_text(first),
        last_month=series.month_text(last),
        fiscal_years=_fiscal_years(),
        charts=[{"svg": _strip_svg_header(svgs[k]), "caption": c} for k, c in _CAPTIONS.items() if k in svgs],
        verdicts=[v.as_dict() for v in claims.check_file()],
        files=verified,
        overlap=[{"month": series.month_text(m.month), "totals": m.totals, "kept": m.kept} for m in overlap],
        overlap_sources=list(ingest.SW_SOURCES),
    )


def write_report(out: Path) -> Path:
    """Write ``out/index.html`` (and the chart files beside it); return the HTML file's path."""
    out.mkdir(parents=True, exist_ok=True)
    html = render(out)
    path = out / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
