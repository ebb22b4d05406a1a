"""``amparo flows series|chart|forecast``, ``amparo claims check`` and ``amparo report``.

Heavy libraries (DuckDB, Polars, matplotlib, statsforecast) are imported inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

flows_app = typer.Typer(
    help="Southwest-border encounter data (CBP, DHS OHSS): series, charts, forecasts.", no_args_is_help=True
)
claims_app = typer.Typer(help="Check claims about migration flows against the data.", no_args_is_help=True)

ByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="Break the series down by citizenship, demographic, component or title_of_authority (repeatable).",
    ),
]
FromOption = Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")]
ComponentOption = Annotated[str | None, typer.Option("--component", help="USBP or OFO (default: both).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _out_folder(path: Path, option: str) -> Path:
    """A folder to write into (created if missing), or InputError naming the option."""
    from amparo.errors import FieldError, InputError

    if path.exists() and not path.is_dir():
        raise InputError(
            [FieldError(option, f"{path} is a file; expected a folder to write into (created if missing)")]
        )
    if not path.exists() and path.parent.exists() and not path.parent.is_dir():
        raise InputError([FieldError(option, f"{path.parent} is a file, not a folder")])
    return path


def _component_filter(component: str | None) -> dict[str, str]:
    from amparo.errors import FieldError, InputError

    if component is None:
        return {}
    if component not in ("USBP", "OFO"):
        raise InputError([FieldError("--component", f"expected USBP or OFO; got '{component}'")])
    return {"component": component}


@flows_app.command("series")
def series_command(
    by: ByOption = None,
    start: FromOption = None,
    end: ToOption = None,
    component: ComponentOption = None,
    as_json: JsonOption = False,
    dataset: Annotated[
        str,
        typer.Option(
            "--dataset",
            help="encounters (default), visas, credible_fear, credible_fear_results, book_outs, "
            "book_outs_by_citizenship, cbp_one, chnv_paroles, removals or uscis_credible_fear.",
        ),
    ] = "encounters",
    citizenship: Annotated[
        list[str] | None,
        typer.Option("--citizenship", help="Keep only these ISO alpha-2 codes (repeatable)."),
    ] = None,
    visa_class: Annotated[
        list[str] | None,
        typer.Option("--visa-class", help="Keep only these visa classes, e.g. H2B (repeatable)."),
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Keep only these outcomes, e.g. mpp_return (repeatable)."),
    ] = None,
) -> None:
    """A monthly series: southwest-border encounters (CBP) by default, or another dataset."""
    from amparo.flows import datasets, series

    first = series.parse_month(start, "--from") if start else None
    last = series.parse_month(end, "--to") if end else None
    given = {"citizenship": citizenship, "visa_class": visa_class, "outcome": outcome}
    filters = {k: [x.upper() if k != "outcome" else x for x in v] for k, v in given.items() if v}
    if dataset != datasets.ENCOUNTERS:
        if component is not None:
            filters["component"] = [_component_filter(component)["component"]]
        rows = datasets.query(dataset, by=by or [], start=first, end=last, filters=filters)
        if not rows:
            Console(stderr=True).print(f"note: no rows of {dataset} match these options.", highlight=False)
        _print_rows([r.as_dict() for r in rows], as_json, datasets.staleness(dataset), dataset)
        return
    dims = series.check_dimensions(by or [])
    encounter_filters: dict[str, list[str] | str] = dict(_component_filter(component))
    encounter_filters.update({k: v for k, v in filters.items() if k == "citizenship"})
    if visa_class or outcome:
        from amparo.errors import FieldError, InputError

        raise InputError([FieldError("--visa-class" if visa_class else "--outcome",
                                     "applies to --dataset visas, book_outs or credible_fear_results")])  # fmt: skip
    encounters = series.query(by=dims, start=first, end=last, filters=encounter_filters)
    if not encounters:
        _outside_coverage(first, last)
    _print_rows(
        [r.as_dict() for r in encounters],
        as_json,
        datasets.staleness(),
        "Southwest land border encounters (CBP)",
    )


def _outside_coverage(first: Any, last: Any) -> None:
    """InputError naming --from or --to when the months asked lie outside the data; else a note."""
    from amparo.errors import FieldError, InputError
    from amparo.flows import series

    low, high = series.months_available()
    covers = f"the data covers {series.month_text(low)}..{series.month_text(high)}"
    if first is not None and first > high:
        raise InputError([FieldError("--from", f"{series.month_text(first)} is after the data; {covers}")])
    if last is not None and last < low:
        raise InputError([FieldError("--to", f"{series.month_text(last)} is before the data; {covers}")])
    Console(stderr=True).print(f"note: no encounters match these options; {covers}.", highlight=False)


def _print_rows(rows: list[dict[str, Any]], as_json: bool, stale: Any, title: str) -> None:
    """JSON on stdout (the contract's rows) or a table; the data's age and source always said."""
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        Console(stderr=True).print(stale.sentence(), soft_wrap=True)
        return
    columns = list(rows[0]) if rows else ["month"]
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(
            *(f"{v:,}" if isinstance(v, int) and k != "fiscal_year" else str(v) for k, v in row.items())
        )
    console = Console()
    console.print(table)
    console.print(stale.sentence(), soft_wrap=True)


@flows_app.command("chart")
def chart_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the PNG and SVG files into.")],
    start: FromOption = None,
    end: ToOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Chart language: en or es.")] = "en",
) -> None:
    """Write the charts (by nationality, by demographic, shares, year-on-year, H-2B pathways) as PNG and SVG."""
    from amparo.flows import charts, series

    language = _language(lang)
    first = series.parse_month(start, "--from") if start else None
    last = series.parse_month(end, "--to") if end else None
    out = _out_folder(out, "--out")
    paths = charts.write_all(out, start=first, end=last, language=language)
    paths += charts.pathway_chart(out, language=language)
    for path in paths:
        typer.echo(str(path))


LangOption = Annotated[str, typer.Option("--lang", help="Chart language: en or es.")]


def _language(lang: str) -> str:
    from amparo.errors import FieldError, InputError

    if lang not in ("en", "es"):
        raise InputError([FieldError("--lang", f"expected en or es; got '{lang}'")])
    return lang


@flows_app.command("forecast")
def forecast_command(
    by: Annotated[
        str | None, typer.Option("--by", help="citizenship or demographic (default: the total).")
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", help="Months ahead (1-24).")] = 6,
    model: Annotated[
        str,
        typer.Option(
            "--model", help="PolicyBlend (default), Blend, AutoETS, AutoARIMA, AutoTheta or SeasonalNaive."
        ),
    ] = "PolicyBlend",
    level: Annotated[int, typer.Option("--level", help="Prediction-interval level in percent.")] = 80,
    reconcile: Annotated[
        bool, typer.Option("--reconcile", help="Reconcile the parts with the total so that they add up.")
    ] = False,
    chart: Annotated[Path | None, typer.Option("--chart", help="Also write a chart to this folder.")] = None,
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """Forecast monthly southwest-border encounters with prediction intervals."""
    from amparo.flows import forecast

    language = _language(lang)
    folder = _out_folder(chart, "--chart") if chart is not None else None
    result = forecast.forecast(by=by, horizon=horizon, model=model, level=level, reconcile=reconcile)
    if folder is not None:
        from amparo.flows import charts

        for path in charts.forecast_chart(result, folder, language):
            Console(stderr=True).print(f"wrote {path}", markup=False)
    rows = [r.as_dict() for r in result.rows]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        Console(stderr=True).print(result.staleness(language), soft_wrap=True)
        return
    low, high = f"lo_{level}", f"hi_{level}"
    table = Table("series", "month", "forecast", low, high, title=f"{model} forecast, {level}% intervals")
    for row in rows:
        table.add_row(
            row["series"], row["month"], f"{row['forecast']:,.0f}", f"{row[low]:,.0f}", f"{row[high]:,.0f}"
        )
    console = Console()
    console.print(table)
    console.print(result.staleness(language), soft_wrap=True)


@flows_app.command("scenario")
def scenario_command(
    file: Annotated[Path, typer.Argument(help="A scenario YAML file (see docs/FLOWS.md).")],
    chart: Annotated[Path | None, typer.Option("--chart", help="Also write a chart to this folder.")] = None,
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """Project encounters under a what-if (pathway widened, agreement implemented, bar vacated)."""
    from amparo.flows import scenario

    language = _language(lang)
    folder = _out_folder(chart, "--chart") if chart is not None else None
    projection = scenario.project(scenario.load(file))
    if folder is not None:
        from amparo.flows import charts

        for path in charts.scenario_chart(projection, folder, language):
            Console(stderr=True).print(f"wrote {path}", markup=False)
    if as_json:
        typer.echo(json.dumps(projection.as_dict(), ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(f"[bold]{escape(projection.scenario.title)}[/] ({escape(projection.series_name)})")
    for item in projection.assumptions():
        effect = item["effect_percent"]
        console.print(
            f"- {item['description']} from {item['starts']}: encounters {effect['central']:+.1f}% "
            f"(range {effect['low']:+.1f}% to {effect['high']:+.1f}%), {item['ramp']} over "
            f"{item['lag_months']} months. Source: {item['source']}",
            soft_wrap=True,
        )
    level = projection.scenario.level
    table = Table("month", "baseline", f"baseline {level}%", "scenario", f"scenario {level}%",
                  title="Encounters per month: PolicyBlend baseline and scenario")  # fmt: skip
    for m in projection.months:
        table.add_row(
            m.month, f"{m.baseline:,.0f}", f"{m.baseline_low:,.0f}–{m.baseline_high:,.0f}",
            f"{m.scenario:,.0f}", f"{m.low:,.0f}–{m.high:,.0f}",
        )  # fmt: skip
    console.print(table)
    console.print(projection.staleness, soft_wrap=True)


@claims_app.command("check")
def claims_check_command(
    file: Annotated[
        Path | None, typer.Argument(help="A claims YAML file (default: the claims amparo ships).")
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write one chart per claim to this folder.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check each claim against the data: true, false or not_checkable, with the numbers."""
    from amparo.flows import claims

    folder = _out_folder(chart, "--chart") if chart is not None else None
    verdicts = claims.check_file(file)
    if folder is not None:
        from amparo.flows import charts

        for verdict in verdicts:
            for path in charts.claim_chart(verdict, folder):
                Console(stderr=True).print(f"wrote {path}", markup=False)
    if as_json:
        typer.echo(json.dumps([v.as_dict() for v in verdicts], ensure_ascii=False, indent=2))
        return
    _print_verdicts([v.as_dict() for v in verdicts])


def _print_verdicts(rows: list[dict[str, Any]]) -> None:
    colour = {"true": "green", "false": "red", "not_checkable": "yellow"}
    table = Table("claim", "verdict", "numbers", show_lines=True, title="Claims checked against the data")
    for row in rows:
        numbers = "\n".join(f"{v['label']}: {v['display']}" for v in row["values"])
        context = "\n".join(f"[dim]{c['label']}: {c['display']} → {c['holds']}[/]" for c in row["context"])
        table.add_row(
            f"{row['statement']}\n[dim]{row['source']['title']}, {row['source']['date']}[/]",
            f"[{colour[row['verdict']]}]{row['verdict']}[/]",
            "\n".join(x for x in (numbers, row["explanation"], context) if x),
        )
    Console().print(table)


def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write index.html into.")],
    lang: LangOption = "en",
) -> None:
    """Write a self-contained HTML report: charts, tables, data provenance and claim verdicts."""
    from amparo.flows import report

    path = report.write_report(_out_folder(out, "--out"), _language(lang))
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add ``flows``, ``claims`` and ``report`` to the application."""
    app.add_typer(flows_app, name="flows")
    app.add_typer(claims_app, name="claims")
    app.command("report")(report_command)
