"""Monthly encounter forecasts with statsforecast, and rolling-origin backtests against a baseline.

Models: AutoETS, AutoARIMA and AutoTheta (seasonal period 12), against SeasonalNaive (the value
of the same month a year earlier). A backtest refits every model at each origin of a rolling
window and scores the forecasts it would have made: MAPE, and the share of forecasts within 10%
of what happened (the figure the Danish Refugee Council's Foresight model reports).
Counts cannot be negative, so forecasts and interval bounds are clipped at zero.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from amparo.errors import FieldError, InputError, MissingExtra
from amparo.flows import series

MODELS: tuple[str, ...] = ("AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive")
BASELINE = "SeasonalNaive"
BREAKDOWNS: tuple[str, ...] = ("citizenship", "demographic")
SEASON = 12


@dataclass(frozen=True)
class ForecastRow:
    """One forecast month of one series, with its prediction interval."""

    series: str
    month: str
    forecast: float
    low: float
    high: float
    level: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: series, month, forecast, lo_<level>, hi_<level>."""
        return {
            "series": self.series,
            "month": self.month,
            "forecast": round(self.forecast, 1),
            f"lo_{self.level}": round(self.low, 1),
            f"hi_{self.level}": round(self.high, 1),
        }


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts of every series, and the history they were fitted on."""

    model: str
    by: str | None
    level: int
    rows: list[ForecastRow]
    history: dict[str, list[tuple[str, float]]]


@dataclass(frozen=True)
class ModelScore:
    """How one model did in a backtest."""

    model: str
    forecasts: int
    mape: float
    within_10: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready scores (MAPE and within-10% in percent)."""
        return {
            "model": self.model,
            "forecasts": self.forecasts,
            "mape": self.mape,
            "within_10": self.within_10,
        }


def _statsforecast() -> tuple[Any, dict[str, Any]]:
    try:
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise MissingExtra("statsforecast", "analytics") from exc
    return StatsForecast, {
        "AutoETS": AutoETS,
        "AutoARIMA": AutoARIMA,
        "AutoTheta": AutoTheta,
        "SeasonalNaive": SeasonalNaive,
    }


def _check(by: str | None, horizon: int, models: Sequence[str], level: int = 80) -> None:
    problems = []
    if by is not None and by not in BREAKDOWNS:
        problems.append(
            FieldError("--by", f"expected one of {', '.join(BREAKDOWNS)} (or none for the total)")
        )
    if not 1 <= horizon <= 24:
        problems.append(FieldError("--horizon", f"expected a number of months from 1 to 24; got {horizon}"))
    for model in models:
        if model not in MODELS:
            problems.append(FieldError("--model", f"expected one of {', '.join(MODELS)}; got '{model}'"))
    if not 50 <= level <= 99:
        problems.append(FieldError("--level", f"expected a percentage from 50 to 99; got {level}"))
    if problems:
        raise InputError(problems)


def training_frame(
    by: str | None = None, *, keys: Sequence[str] | None = None, end: dt.date | None = None
) -> Any:
    """The monthly series as a Polars frame ``unique_id, ds, y`` (``total`` when ``by`` is None)."""
    import polars as pl

    rows = series.query(by=[by] if by else [], end=end)
    frame = pl.DataFrame(
        {
            "unique_id": [r.keys[by] if by else "total" for r in rows],
            "ds": [series.parse_month(r.month, "month") for r in rows],
            "y": [float(r.encounters) for r in rows],
        }
    )
    if keys is not None:
        frame = frame.filter(pl.col("unique_id").is_in(list(keys)))
    return frame.sort("unique_id", "ds")


def _engine(models: Sequence[str]) -> Any:
    engine, classes = _statsforecast()
    built = [classes[m](season_length=SEASON) for m in models]
    return engine(models=built, freq="1mo", n_jobs=1)


def forecast(
    *,
    by: str | None = None,
    horizon: int = 6,
    model: str = "AutoETS",
    level: int = 80,
    keys: Sequence[str] | None = None,
) -> ForecastResult:
    """Forecast the next ``horizon`` months of each series with ``model`` and a ``level``% interval."""
    _check(by, horizon, [model], level)
    frame = training_frame(by, keys=keys)
    out = _engine([model]).forecast(df=frame, h=horizon, level=[level])
    rows = [
        ForecastRow(uid, series.month_text(ds), max(0.0, point), max(0.0, low), max(0.0, high), level)
        for uid, ds, point, low, high in out.select(
            "unique_id", "ds", model, f"{model}-lo-{level}", f"{model}-hi-{level}"
        ).iter_rows()
    ]
    history: dict[str, list[tuple[str, float]]] = {}
    for uid, ds, y in frame.iter_rows():
        history.setdefault(uid, []).append((series.month_text(ds), y))
    return ForecastResult(model, by, level, rows, history)


def backtest(
    *,
    by: str | None = None,
    horizon: int = 6,
    windows: int = 12,
    models: Sequence[str] = MODELS,
    keys: Sequence[str] | None = None,
    end: dt.date | None = None,
) -> list[ModelScore]:
    """Rolling-origin backtest: ``windows`` origins one month apart, each forecasting ``horizon`` months.

    Only data up to ``end`` (default: all) is used. Scores cover every (series, origin, month
    ahead) whose actual value is not zero.
    """
    _check(by, horizon, models)
    if windows < 1:
        raise InputError([FieldError("--windows", f"expected at least 1; got {windows}")])
    frame = training_frame(by, keys=keys, end=end)
    shortest = int(frame.group_by("unique_id").len()["len"].min() or 0)
    if shortest < windows + horizon + 2 * SEASON:
        raise InputError(
            [FieldError("--windows", f"the series have {shortest} months: too short for {windows} windows "
                        f"of {horizon} months after two seasons of {SEASON}")]
        )  # fmt: skip
    cv = _engine(models).cross_validation(df=frame, h=horizon, n_windows=windows, step_size=1)
    return [_score(name, cv["y"].to_list(), cv[name].to_list()) for name in models]


def _score(model: str, actual: Sequence[float], predicted: Sequence[float]) -> ModelScore:
    errors = [
        abs(max(0.0, p) - a) / a
        for a, p in zip(actual, predicted, strict=True)
        if a > 0 and not math.isnan(p)
    ]
    if not errors:
        return ModelScore(model, 0, math.nan, math.nan)
    mape = 100.0 * sum(errors) / len(errors)
    within = 100.0 * sum(e <= 0.10 for e in errors) / len(errors)
    return ModelScore(model, len(errors), mape, within)
