"""Charts of the flows data as PNG and SVG files (matplotlib, Agg backend, imported lazily).

Every time-axis chart draws the dated events of the law engine's instruments
(:func:`amparo.engine.catalogue.milestones`) as vertical lines, labelled with the instrument id.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amparo.errors import FieldError, InputError, MissingExtra
from amparo.flows import series
from amparo.flows.countries import display_name

if TYPE_CHECKING:
    from amparo.flows.claims import Verdict
    from amparo.flows.forecast import ForecastResult
    from amparo.flows.scenario import Projection

_PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#2e4057", "#a0a0a0")


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise MissingExtra("matplotlib", "analytics") from exc
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable, no glyph ids
    matplotlib.rcParams["svg.hashsalt"] = "amparo"  # stable element ids
    import matplotlib.pyplot as plt

    return plt


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def instrument_milestones(start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str]]:
    """``(date, instrument id, label)`` of every instrument event between ``start`` and ``end``."""
    return [(on, instrument, title) for on, instrument, _kind, title in _events() if start <= on <= end]


def _events() -> list[tuple[dt.date, str, str, str]]:
    """``(date, instrument id, event kind, instrument title)`` of every event in the US law book."""
    from amparo.engine.catalogue import milestones
    from amparo.engine.registry import installed_registry

    book = installed_registry().get("us").law_book()
    titles = {i.id: i.title for i in book.instruments.values()}
    return [(m.on, m.instrument_id, m.kind, titles.get(m.instrument_id, "")) for m in milestones(book)]


def _draw_milestones(ax: Any, start: dt.date, end: dt.date, language: str = "en") -> int:
    """Number each dated event above the plot (staggered rows, never overlapping) and list the
    numbers with plain-language labels in a key below it. Returns the number of key lines."""
    from matplotlib.transforms import blended_transform_factory

    from amparo.flows.milestones import markers

    found = markers(_events(), start, end, language=language, min_gap=0.018)
    if not found:
        return 0
    above = blended_transform_factory(ax.transData, ax.transAxes)
    fig = ax.get_figure()
    axes_height_pt = fig.get_size_inches()[1] * ax.get_position().height * 72
    step = 11.0 / axes_height_pt  # one row of numbers, in axes units
    for marker in found:
        line = ax.axvline(marker.on, color="#777777", linewidth=0.6, linestyle=":", zorder=1)
        line.set_gid(f"milestone-{marker.number}-{'-'.join(marker.instruments)}")
        ax.text(
            marker.on, 1.0 + step * (0.4 + marker.row), str(marker.number), transform=above,
            fontsize=6, color="#333333", ha="center", va="bottom", clip_on=False,
        )  # fmt: skip
    rows = 1 + max(m.row for m in found)
    ax.set_title(ax.get_title(), y=1.0 + step * (rows + 0.6))
    columns = 3
    per_column = -(-len(found) // columns)
    line_height = 9.5 / axes_height_pt
    top = -0.11
    heading = (
        "Milestones (numbers above the chart)" if language != "es" else "Hitos (números sobre el gráfico)"
    )
    ax.text(0, top, heading, transform=ax.transAxes, fontsize=6.5, fontweight="bold", va="top")
    for i, marker in enumerate(found):
        column, line_no = divmod(i, per_column)
        text = f"{marker.number}  {marker.on.isoformat()}  {'; '.join(marker.labels)}"
        ax.text(
            column / columns, top - line_height * (line_no + 1.2), textwrap.shorten(text, 66, placeholder="…"),
            transform=ax.transAxes, fontsize=6, color="#333333", va="top",
        )  # fmt: skip
    return per_column + 2


def _footnote(ax: Any, text: str, key_lines: int) -> None:
    """The source (as a publication) and the age of the data, under the chart and its key."""
    fig = ax.get_figure()
    axes_height_pt = fig.get_size_inches()[1] * ax.get_position().height * 72
    y = -0.11 - (key_lines + 0.6) * 9.5 / axes_height_pt
    ax.text(0, y, "\n".join(textwrap.wrap(text, 170)), transform=ax.transAxes, fontsize=6.5,
            color="#555555", va="top")  # fmt: skip


def _annotate(ax: Any, start: dt.date, end: dt.date, language: str, note: str | None = None) -> None:
    from amparo.flows.datasets import staleness

    lines = _draw_milestones(ax, start, end, language)
    _footnote(ax, note or staleness().sentence(language=language), lines)


def _save(fig: Any, out: Path, stem: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=120, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    _pyplot().close(fig)
    return paths


def _grouped(
    by: str, start: dt.date | None, end: dt.date | None
) -> tuple[list[dt.date], dict[str, list[float]]]:
    rows = series.query(by=[by], start=start, end=end)
    if not rows:
        _no_data(start, end)
    months = sorted({_month(r.month) for r in rows})
    index = {m: i for i, m in enumerate(months)}
    groups: dict[str, list[float]] = {}
    for row in rows:
        key = row.keys[by]
        groups.setdefault(key, [0.0] * len(months))[index[_month(row.month)]] = float(row.encounters)
    ordered = dict(sorted(groups.items(), key=lambda kv: -sum(kv[1])))
    return months, ordered


def _no_data(start: dt.date | None, end: dt.date | None) -> None:
    first, last = series.months_available()
    asked = f"{series.month_text(start) if start else '…'}..{series.month_text(end) if end else '…'}"
    raise InputError(
        [
            FieldError(
                "--from",
                f"no data in {asked}; the data covers {series.month_text(first)}..{series.month_text(last)}",
            )
        ]
    )


_DEMOGRAPHIC_ES = {
    "single_adults": "adultos solos",
    "family_units": "unidades familiares",
    "unaccompanied_children": "menores no acompañados",
    "accompanied_minors": "menores acompañados",
}


def _legend_name(by: str, key: str, language: str = "en") -> str:
    if by == "citizenship":
        return "Otros" if language == "es" and key == "OTHER" else display_name(key)
    return _DEMOGRAPHIC_ES.get(key, key) if language == "es" else key.replace("_", " ")


#: Chart text in English and Spanish.
_TEXT: dict[str, tuple[str, str]] = {
    "series": ("Southwest land border encounters by {by} (CBP)",
               "Encuentros en la frontera terrestre suroeste por {by} (CBP)"),
    "shares": ("Share of southwest land border encounters by {by} (CBP)",
               "Proporción de los encuentros en la frontera suroeste por {by} (CBP)"),
    "yoy": ("Southwest land border encounters, year-on-year change (CBP)",
            "Encuentros en la frontera suroeste, variación interanual (CBP)"),
    "per_month": ("encounters per month", "encuentros por mes"),
    "share_unit": ("% of the month's encounters", "% de los encuentros del mes"),
    "yoy_unit": ("% change on the same month a year earlier", "% de cambio sobre el mismo mes del año anterior"),
    "citizenship": ("citizenship", "nacionalidad"),
    "demographic": ("demographic", "grupo demográfico"),
}  # fmt: skip


def _t(key: str, language: str, **values: str) -> str:
    text = _TEXT[key][1 if language == "es" else 0]
    return text.format(**{k: _t(v, language) if v in _TEXT else v for k, v in values.items()})


def series_chart(
    by: str, out: Path, start: dt.date | None = None, end: dt.date | None = None, language: str = "en"
) -> list[Path]:
    """Monthly encounters broken down by ``by`` (citizenship or demographic), instruments marked."""
    plt = _pyplot()
    months, groups = _grouped(by, start, end)
    fig, ax = plt.subplots(figsize=(11, 5))
    for colour, (key, values) in zip(_PALETTE, groups.items(), strict=False):
        ax.plot(months, values, label=_legend_name(by, key, language), color=colour, linewidth=1.4)
    ax.set_title(_t("series", language, by=by))
    ax.set_ylabel(_t("per_month", language))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.legend(loc="upper left", fontsize=8)
    _annotate(ax, months[0], months[-1], language)
    return _save(fig, out, f"series_by_{by}")


def shares_chart(
    by: str, out: Path, start: dt.date | None = None, end: dt.date | None = None, language: str = "en"
) -> list[Path]:
    """Each group's share of the month's encounters (stacked to 100%), instruments marked."""
    plt = _pyplot()
    months, groups = _grouped(by, start, end)
    totals = [sum(values[i] for values in groups.values()) or 1.0 for i in range(len(months))]
    shares = {k: [100.0 * v / t for v, t in zip(vals, totals, strict=True)] for k, vals in groups.items()}
    fig, ax = plt.subplots(figsize=(11, 5))
    ax.stackplot(
        months, *shares.values(), labels=[_legend_name(by, k, language) for k in shares],
        colors=_PALETTE[: len(shares)], alpha=0.85,
    )  # fmt: skip
    ax.set_ylim(0, 100)
    ax.set_ylabel(_t("share_unit", language))
    ax.set_title(_t("shares", language, by=by))
    ax.legend(loc="upper left", fontsize=8)
    _annotate(ax, months[0], months[-1], language)
    return _save(fig, out, f"shares_by_{by}")


def year_on_year(start: dt.date | None = None, end: dt.date | None = None) -> list[tuple[dt.date, float]]:
    """Percent change of each month's encounters against the same month a year earlier."""
    rows = {_month(r.month): r.encounters for r in series.query()}
    out = []
    for month, value in sorted(rows.items()):
        before = rows.get(dt.date(month.year - 1, month.month, 1))
        if before and (start is None or month >= start) and (end is None or month <= end):
            out.append((month, 100.0 * (value - before) / before))
    return out


def year_on_year_chart(
    out: Path, start: dt.date | None = None, end: dt.date | None = None, language: str = "en"
) -> list[Path]:
    """Year-on-year change of monthly southwest-border encounters, instruments marked."""
    plt = _pyplot()
    points = year_on_year(start, end)
    if not points:
        _no_data(start, end)
    fig, ax = plt.subplots(figsize=(11, 5))
    colours = [_PALETTE[1] if v > 0 else _PALETTE[0] for _, v in points]
    ax.bar([m for m, _ in points], [v for _, v in points], width=25, color=colours)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel(_t("yoy_unit", language))
    ax.set_title(_t("yoy", language))
    _annotate(ax, points[0][0], points[-1][0], language)
    return _save(fig, out, "year_on_year")


def write_all(
    out: Path, *, start: dt.date | None = None, end: dt.date | None = None, language: str = "en"
) -> list[Path]:
    """Every standard chart (by nationality and demographic, shares, year-on-year) as PNG and SVG."""
    paths: list[Path] = []
    for by in ("citizenship", "demographic"):
        paths += series_chart(by, out, start, end, language)
        paths += shares_chart(by, out, start, end, language)
    paths += year_on_year_chart(out, start, end, language)
    return paths


def forecast_chart(result: ForecastResult, out: Path, language: str = "en") -> list[Path]:
    """History and forecast of each series with its prediction interval."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 5))
    for colour, name in zip(_PALETTE, result.history, strict=False):
        history = result.history[name]
        ax.plot(
            [_month(m) for m, _ in history], [v for _, v in history], color=colour, linewidth=1.2, label=name
        )
        rows = [r for r in result.rows if r.series == name]
        months = [_month(r.month) for r in rows]
        ax.plot(months, [r.forecast for r in rows], color=colour, linestyle="--", linewidth=1.4)
        ax.fill_between(months, [r.low for r in rows], [r.high for r in rows], color=colour, alpha=0.2)
    ax.set_title(
        f"Pronóstico {result.model} de los encuentros mensuales en la frontera suroeste, intervalos del "
        f"{result.level} %"
        if language == "es"
        else f"{result.model} forecast of monthly southwest-border encounters, {result.level}% intervals"
    )
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.legend(loc="upper left", fontsize=8)
    first = min(_month(m) for h in result.history.values() for m, _ in h)
    _annotate(ax, first, max(_month(r.month) for r in result.rows), language, result.staleness(language))
    return _save(fig, out, f"forecast_{result.model}_{result.by or 'total'}")


def pathway_chart(
    out: Path, visa_class: str = "H2B", countries: Sequence[str] = ("GT", "HN", "SV"), language: str = "en"
) -> list[Path]:
    """Monthly visa issuances of one class (H-2B by default) to the given nationalities (State
    Department), with the law book's pathway allocations, agreements and bars marked."""
    from amparo.flows import datasets

    plt = _pyplot()
    rows = datasets.query(
        "visas", by=["citizenship"], filters={"citizenship": list(countries), "visa_class": [visa_class]}
    )
    fig, ax = plt.subplots(figsize=(11, 5))
    for colour, code in zip(_PALETTE, countries, strict=False):
        points = [(_month(r.period), r.value) for r in rows if r.keys["citizenship"] == code]
        ax.plot([m for m, _ in points], [v for _, v in points], color=colour, linewidth=1.3,
                marker=".", markersize=3, label=display_name(code))  # fmt: skip
    label = f"{visa_class[:1]}-{visa_class[1:]}"
    ax.set_title(
        f"Visados {label} expedidos por mes (Departamento de Estado)" if language == "es"
        else f"{label} visas issued per month (State Department)"
    )  # fmt: skip
    ax.set_ylabel("visados por mes" if language == "es" else "visas per month")
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.legend(loc="upper left", fontsize=8)
    months = sorted({_month(r.period) for r in rows})
    gap = "; sin datos de mayo de 2019" if language == "es" else "; May 2019 not held"
    _annotate(
        ax, months[0], months[-1], language, datasets.staleness("visas").sentence(language=language) + gap
    )
    return _save(fig, out, f"pathways_{visa_class.lower()}")


def scenario_chart(projection: Projection, out: Path, language: str = "en") -> list[Path]:
    """The series' history, the baseline forecast and the scenario, each with its band."""
    plt = _pyplot()
    by = "citizenship" if projection.scenario.series.citizenship else "demographic"
    rows = (
        series.query()
        if projection.series_name == "total"
        else [r for r in series.query(by=[by]) if r.keys[by] == projection.series_name]
    )
    fig, ax = plt.subplots(figsize=(11, 5))
    history = [(_month(r.month), float(r.encounters)) for r in rows]
    ax.plot([m for m, _ in history], [v for _, v in history], color=_PALETTE[5], linewidth=1.2,
            label="history" if language != "es" else "datos")  # fmt: skip
    months = [_month(m.month) for m in projection.months]
    for colour, name, mid, low, high in (
        (
            _PALETTE[0],
            "baseline" if language != "es" else "base",
            "baseline",
            "baseline_low",
            "baseline_high",
        ),
        (_PALETTE[1], "scenario" if language != "es" else "escenario", "scenario", "low", "high"),
    ):
        ax.plot(
            months, [getattr(m, mid) for m in projection.months], color=colour, linestyle="--", label=name
        )
        ax.fill_between(months, [getattr(m, low) for m in projection.months],
                        [getattr(m, high) for m in projection.months], color=colour, alpha=0.15)  # fmt: skip
    ax.set_title(projection.scenario.title, fontsize=10)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.legend(loc="upper left", fontsize=8)
    sources = " ".join(f"[{a['id']}] {a['source']}" for a in projection.assumptions())
    start = max(history[0][0], dt.date(2019, 1, 1)) if history else months[0]
    _annotate(ax, start, months[-1], language, f"{projection.staleness} Assumptions: {sources}")
    return _save(fig, out, f"scenario_{projection.series_name}")


def claim_chart(verdict: Verdict, out: Path) -> list[Path]:
    """The monthly series a claim was decided on, its months highlighted (none if not checkable)."""
    reading = verdict.reading
    if reading is None or not reading.window:
        return []
    plt = _pyplot()
    months = [_month(m) for m in reading.window]
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(months, list(reading.window.values()), color=_PALETTE[0], linewidth=1.4)
    marked = [(_month(m), reading.window[m]) for m in reading.highlight if m in reading.window]
    ax.scatter([m for m, _ in marked], [v for _, v in marked], color=_PALETTE[1], zorder=3)
    unit = "% of encounters" if reading.unit == "percent" else "encounters per month"
    ax.set_ylabel(unit)
    ax.set_title(f"{verdict.claim.id}: {verdict.verdict}", fontsize=10)
    _annotate(ax, months[0], months[-1], "en")
    return _save(fig, out, f"claim_{verdict.claim.id}")


def svg_text(paths: Sequence[Path]) -> dict[str, str]:
    """The SVG files among ``paths``, by stem, as text (for inlining in the HTML report)."""
    return {p.stem: p.read_text(encoding="utf-8") for p in paths if p.suffix == ".svg"}
