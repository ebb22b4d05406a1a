"""`amparo report` renders one self-contained page; charts carry the law engine's dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from amparo.engine.catalogue import milestones
from amparo.flows import charts
from amparo.rules.us import law_book

from .conftest import CliResult

Run = Callable[..., CliResult]


def test_report_is_self_contained(amparo: Run, tmp_path: Path) -> None:
    result = amparo("report", "--out", str(tmp_path / "report"))
    assert result.code == 0, result.err
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)
    external = [r for r in references if not r.startswith(("#", "data:"))]
    assert external == []
    assert "<link" not in html and "<script" not in html
    assert html.count("<svg") == 7
    for text in ("977,509", "2,475,669", "not_checkable", "SHA-256", "cbp_sw_fy22_fy25"):
        assert text in html
    # Sources are publications, never internal paths; the data's age is said; pathways and outcomes shown.
    assert "seeds/" not in html and "data/README" not in html and "<code>cbp/" not in html
    assert "Data to 2025-08" in html and "Data to 2025-05" in html
    assert "Department of State" in html and "44,250" in html  # MPP returns, FY2019
    assert "H-2B visas issued per month" in html
    assert "945" in html and "none granted" in html  # the Guatemala ACA transfers and their outcomes


def test_charts_are_png_and_svg_with_every_instrument_date(tmp_path: Path) -> None:
    paths = charts.write_all(tmp_path, start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 1))
    assert {p.suffix for p in paths} == {".png", ".svg"} and len(paths) == 10
    assert all(p.stat().st_size > 1000 for p in paths)
    svg = (tmp_path / "series_by_citizenship.svg").read_text(encoding="utf-8")
    inside = {
        m.instrument_id for m in milestones(law_book()) if dt.date(2019, 1, 1) <= m.on <= dt.date(2020, 12, 1)
    }
    assert inside
    for instrument in inside:
        assert instrument in svg


def test_year_on_year_is_computed_from_the_series() -> None:
    points = dict(charts.year_on_year())
    from amparo.flows import series

    monthly = {r.month: r.encounters for r in series.query()}
    may_2020 = 100 * (monthly["2020-05"] - monthly["2019-05"]) / monthly["2019-05"]
    assert points[dt.date(2020, 5, 1)] == may_2020
    assert dt.date(2019, 5, 1) not in points  # no month a year earlier


def test_charts_for_months_without_data_are_an_input_error(amparo: Run, tmp_path: Path) -> None:
    result = amparo("flows", "chart", "--out", str(tmp_path), "--from", "2030-01")
    assert result.code == 2 and "--from" in result.err and "2018-10" in result.err


def test_report_template_speaks_spanish() -> None:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from amparo.flows import report_text

    env = Environment(loader=PackageLoader("amparo.flows", "templates"), autoescape=select_autoescape(["j2"]))
    html = env.get_template("report.html.j2").render(
        version="x", generated="2026-12-05", first_month="2018-10", last_month="2025-08", fiscal_years=[],
        charts=[], verdicts=[], files=[], overlap=[], overlap_sources=[], staleness=["Datos hasta 2025-08."],
        outcomes=[{"fy": 2019, "mpp_return": 44250}], outcome_names=report_text.OUTCOMES["es"], aca_transfers=[],
        t=report_text.TEXT["es"], lang="es",
    )  # fmt: skip
    assert '<html lang="es">' in html and "Qué pasó después de los encuentros" in html
    assert "devuelto a México (MPP)" in html and "44,250" in html
    assert set(report_text.TEXT["es"]) == set(report_text.TEXT["en"])
    assert set(report_text.CAPTIONS["es"]) == set(report_text.CAPTIONS["en"])
