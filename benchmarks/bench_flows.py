"""Flows: load time, query time, and the full rolling-origin forecast backtest.

Every model (AutoETS, AutoARIMA, AutoTheta) is scored against the SeasonalNaive baseline on the
CBP southwest-border monthly series (total, by citizenship, by demographic): at each of the last
``windows`` months the models are refitted on the data up to that month and forecast ``horizon``
months ahead. Scores: MAPE, and the share of forecasts within 10% of the actual count (the
Danish Refugee Council's Foresight model reports more than half within 10%, for annual
forecasts of displacement; these are monthly border counts). ``quick`` shrinks everything.
"""

from __future__ import annotations

import datetime as dt
import time

from amparo.flows import forecast, ingest, series
from benchmarks.report import Section


def _timed_load() -> tuple[float, float]:
    started = time.perf_counter()
    ingest.connect()
    load = time.perf_counter() - started
    series.connection()  # warm the cached connection used by queries
    started = time.perf_counter()
    for _ in range(20):
        series.query(by=["citizenship", "demographic"])
    return load, (time.perf_counter() - started) / 20


def run(quick: bool) -> Section:
    """Measure, and return the Markdown section for docs/PERFORMANCE.md."""
    load, query = _timed_load()
    horizon, windows = (3, 3) if quick else (6, 24)
    models = ("AutoETS", "SeasonalNaive") if quick else forecast.MODELS
    lines = [
        f"- ingest of the 4 shipped files (checksums, normalisation, DuckDB table): {load:.2f} s",
        f"- `flows series --by citizenship --by demographic` query (83 months): {query * 1000:.1f} ms",
        "",
        f"Rolling-origin backtest: {windows} origins one month apart, each forecasting {horizon} months "
        "ahead; every (series, origin, month ahead) with a non-zero actual is scored. Data: CBP "
        "southwest-border monthly encounters from 2018-10, up to the month named (the second run stops "
        "before the fall of early 2025, which no model could foresee).",
        "",
        "| data up to | series | model | forecasts | MAPE % | within 10 % | MAPE vs SeasonalNaive | fit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    last = series.months_available()[1]
    for end in (last, dt.date(2024, 12, 1)):
        for by in (None, "citizenship", "demographic"):
            started = time.perf_counter()
            scores = forecast.backtest(by=by, horizon=horizon, windows=windows, models=models, end=end)
            elapsed = time.perf_counter() - started
            baseline = next(s for s in scores if s.model == forecast.BASELINE)
            for score in scores:
                versus = "baseline" if score is baseline else f"{score.mape - baseline.mape:+.1f} pts"
                fit = f"{elapsed:.0f}" if score is scores[0] else "″"
                lines.append(
                    f"| {series.month_text(end)} | {by or 'total'} | {score.model} | {score.forecasts} | "
                    f"{score.mape:.1f} | {score.within_10:.1f} | {versus} | {fit} |"
                )
    lines += [
        "",
        "Fit time is for all four models of a group together. The series include regime breaks the models "
        "cannot foresee (Title 42 from March 2020 to May 2023, the sharp fall from February 2025), "
        "so monthly accuracy is far from Foresight's annual figures; intervals are given at 80% by default.",
    ]
    return Section(key="flows", title="Flows: ingest, queries and forecast backtests", body="\n".join(lines))
