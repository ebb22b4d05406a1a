"""``amparo report``: one self-contained HTML file with the charts, tables, provenance and claim verdicts.

The SVG charts are inlined in the page, so ``index.html`` needs no other file and no network; the
PNG and SVG files are written next to it as well.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from amparo.flows import charts, claims, datasets, files, forecast, ingest, report_text, series

#: Each data file as the publication it is (the report cites publications, never file paths).
_PUBLICATIONS = {
    files.SW_FY19_FY22: "CBP, Southwest Land Border Encounters, FY19–FY22 (October 2022 release)",
    files.SW_FY22_FY25: "CBP, Southwest Land Border Encounters, FY22–FY25 FYTD (August 2025 release)",
    files.OHSS_CITIZENSHIP: "DHS OHSS, KHSM CBP Encounters (USBP), by region and citizenship",
    files.OHSS_FAMILY_STATUS: "DHS OHSS, KHSM CBP Encounters (USBP), by region and family status",
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


def _outcomes() -> list[dict[str, Any]]:
    """Southwest-border book-outs by outcome per fiscal year, as OHSS publishes the totals."""
    con = datasets.connection()
    rows = con.execute(
        "SELECT fiscal_year, outcome, value FROM ohss_fiscal_totals WHERE dataset = 'book_outs' "
        "AND component = 'CBP' AND fiscal_year >= 2019 ORDER BY fiscal_year"
    ).fetchall()
    table: dict[int, dict[str, Any]] = {}
    for fy, outcome, value in rows:
        table.setdefault(fy, {"fy": fy})[outcome] = value
    return list(table.values())


def _aca_transfers() -> list[dict[str, str]]:
    """The Guatemala ACA transfers as published, each row with its source and certainty."""
    import csv

    (verified,) = files.verify(files.default_data_dir(), (files.ACA_GUATEMALA_TRANSFERS,))
    with verified.path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def render(out: Path, language: str = "en") -> str:
    """The report's HTML in English or Spanish (charts are written to ``out`` and inlined)."""
    from amparo import __version__

    verified = files.verify()
    paths = charts.write_all(out, language=language)
    paths += charts.pathway_chart(out, language=language)
    paths += charts.forecast_chart(forecast.forecast(horizon=6), out, language)
    captions = report_text.CAPTIONS[language]
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
        charts=[{"svg": _strip_svg_header(svgs[k]), "caption": c} for k, c in captions.items() if k in svgs],
        verdicts=[v.as_dict() for v in claims.check_file()],
        files=[
            {
                "publication": _PUBLICATIONS.get(f.relative_path, f.relative_path),
                "name": f.path.name,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in verified
        ],  # fmt: skip
        staleness=[
            datasets.staleness(n).sentence()
            for n in ("encounters", "visas", "book_outs", "uscis_credible_fear")
        ],  # fmt: skip
        outcomes=_outcomes(),
        aca_transfers=_aca_transfers(),
        outcome_names=report_text.OUTCOMES[language],
        t=report_text.TEXT[language],
        lang=language,
        overlap=[{"month": series.month_text(m.month), "totals": m.totals, "kept": m.kept} for m in overlap],
        overlap_sources=list(ingest.SW_SOURCES),
    )


def write_report(out: Path, language: str = "en") -> Path:
    """Write ``out/index.html`` (and the chart files beside it); return the HTML file's path."""
    out.mkdir(parents=True, exist_ok=True)
    html = render(out, language)
    path = out / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
