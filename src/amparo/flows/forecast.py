"""Monthly encounter forecasts, and rolling-origin backtests against a baseline.

Models: ``Blend`` (the default; :mod:`amparo.flows.blend`), and AutoETS, AutoARIMA and AutoTheta
from statsforecast (seasonal period 12), against SeasonalNaive (the value of the same month a year
earlier). A backtest refits every model at each origin of a rolling window and scores the
forecasts it would have made: MAPE overall and at each horizon, the share of forecasts within 10%
of what happened, and how often the actual count fell inside the prediction interval. The
annual-sum backtest scores 12-month totals, the measure the Danish Refugee Council's Foresight
model reports. Counts cannot be negative, so forecasts and interval bounds are clipped at zero.
Every forecast says the last month of data it was fitted on, and which of its months are
already past.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from amparo.errors import FieldError, InputError, MissingExtra
from amparo.flows import series

MODELS: tuple[str, ...] = ("PolicyBlend", "Blend", "AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive")
DEFAULT_MODEL = "PolicyBlend"
#: Models computed here rather than by statsforecast.
_OWN_MODELS = ("PolicyBlend", "Blend")
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
    reconciled: bool = False

    @property
    def last_month(self) -> str:
        """The last month of data the forecast was fitted on (``YYYY-MM``)."""
        return max(m for h in self.history.values() for m, _v in h)

    def past_months(self, today: dt.date | None = None) -> list[str]:
        """The forecast months that have already ended by ``today``: newer data may exist for them."""
        now = today or dt.date.today()
        current = series.month_text(dt.date(now.year, now.month, 1))
        return sorted({r.month for r in self.rows if r.month < current})

    def staleness(self, language: str = "en", today: dt.date | None = None) -> str:
        """Plain sentences: the data's last month and publication, and whether the horizon is past."""
        from amparo.flows.datasets import CBP_SW

        past = self.past_months(today)
        months = sorted({r.month for r in self.rows})
        if language == "es":
            text = f"Ajustado con datos hasta {self.last_month}. Fuente: {CBP_SW.cite()}."
            if past:
                text += (f" {len(past)} de los {len(months)} meses pronosticados ({past[0]}–{past[-1]}) "
                         "ya pasaron: compárelos con datos más recientes.")  # fmt: skip
            return text
        text = f"Fitted on data to {self.last_month}. Source: {CBP_SW.cite()}."
        if past:
            text += (f" {len(past)} of the {len(months)} forecast months ({past[0]}–{past[-1]}) are already "
                     "past: compare them with newer data.")  # fmt: skip
        return text


@dataclass(frozen=True)
class ModelScore:
    """How one model did in a backtest."""

    model: str
    forecasts: int
    mape: float
    within_10: float
    by_horizon: dict[int, float] = field(default_factory=dict)  # MAPE at each month ahead
    coverage: float | None = None  # % of actual counts inside the interval

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready scores (MAPE, within-10% and coverage in percent)."""
        return {
            "model": self.model,
            "forecasts": self.forecasts,
            "mape": self.mape,
            "within_10": self.within_10,
            "mape_by_horizon": self.by_horizon,
            "coverage": self.coverage,
        }


@dataclass(frozen=True)
class Scored:
    """One backtest forecast: the series, how far ahead, what happened, the forecast and its band."""

    series: str
    ahead: int
    actual: float
    forecast: float
    low: float = math.nan
    high: float = math.nan


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


def _regime(model: str, months: Sequence[dt.date]) -> list[tuple[str, ...]] | None:
    from amparo.flows import regimes

    return regimes.regimes(months) if model == "PolicyBlend" else None


def _blend_rows(
    frame: Any, horizon: int, level: int, model: str
) -> list[tuple[str, dt.date, float, float, float]]:
    from amparo.flows import blend

    out = []
    for (uid,), group in frame.group_by("unique_id", maintain_order=True):
        values = group["y"].to_list()
        last = group["ds"].max()
        regime = _regime(model, group["ds"].to_list())
        for h, (point, low, high) in enumerate(blend.forecast(values, horizon, level, regime), start=1):
            out.append((str(uid), _add_months(last, h), point, low, high))
    return out


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def forecast(
    *,
    by: str | None = None,
    horizon: int = 6,
    model: str = DEFAULT_MODEL,
    level: int = 80,
    keys: Sequence[str] | None = None,
    reconcile: bool = False,
) -> ForecastResult:
    """Forecast the next ``horizon`` months of each series with ``model`` and a ``level``% interval.

    With ``reconcile`` (and ``by``), a ``total`` series is added and made coherent with the parts
    (bottom-up: the sum of the parts; see :func:`amparo.flows.blend.reconcile`).
    """
    _check(by, horizon, [model], level)
    if reconcile and (by is None or keys is not None):
        raise InputError([FieldError("--reconcile", "needs --by citizenship or demographic, all series")])
    frame = training_frame(by, keys=keys)
    if reconcile:
        import polars as pl

        total = training_frame(None).with_columns(pl.lit("total").alias("unique_id"))
        frame = pl.concat([frame, total.select(frame.columns)])
    if model in _OWN_MODELS:
        raw = _blend_rows(frame, horizon, level, model)
    else:
        out = _engine([model]).forecast(df=frame, h=horizon, level=[level])
        raw = list(out.select(
            "unique_id", "ds", model, f"{model}-lo-{level}", f"{model}-hi-{level}"
        ).iter_rows())  # fmt: skip
    if reconcile:
        raw = _reconciled(raw)
    rows = [
        ForecastRow(uid, series.month_text(ds), max(0.0, point), max(0.0, low), max(0.0, high), level)
        for uid, ds, point, low, high in raw
    ]
    history: dict[str, list[tuple[str, float]]] = {}
    for uid, ds, y in frame.iter_rows():
        history.setdefault(uid, []).append((series.month_text(ds), y))
    return ForecastResult(model, by, level, rows, history, reconciled=reconcile)


def _reconciled(
    raw: list[tuple[str, dt.date, float, float, float]],
) -> list[tuple[str, dt.date, float, float, float]]:
    """Points reconciled month by month; each band is moved with its point (same ratio)."""
    from amparo.flows import blend

    out = []
    for month in sorted({r[1] for r in raw}):
        rows = {r[0]: r for r in raw if r[1] == month}
        parts = {k: max(0.0, r[2]) for k, r in rows.items() if k != "total"}
        total, moved = blend.reconcile(max(0.0, rows["total"][2]), parts)
        for key, value in [*moved.items(), ("total", total)]:
            _uid, _ds, point, low, high = rows[key]
            ratio = value / point if point > 0 else 1.0
            out.append((key, month, value, low * ratio, high * ratio))
    return out


def backtest(
    *,
    by: str | None = None,
    horizon: int = 6,
    windows: int = 12,
    models: Sequence[str] = MODELS,
    keys: Sequence[str] | None = None,
    end: dt.date | None = None,
    level: int = 80,
    reconcile: bool = False,
) -> list[ModelScore]:
    """Rolling-origin backtest: ``windows`` origins one month apart, each forecasting ``horizon`` months.

    Only data up to ``end`` (default: all) is used. Scores cover every (series, origin, month
    ahead) whose actual value is not zero. With ``reconcile``, the PolicyBlend forecasts of the parts
    and of the total are reconciled at each origin (bottom-up) and scored together as
    ``PolicyBlend+reconciled``.
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
    scored: dict[str, list[Scored]] = {}
    library = [m for m in models if m not in _OWN_MODELS]
    if library:
        cv = _engine(library).cross_validation(
            df=frame, h=horizon, n_windows=windows, step_size=1, level=[level]
        )
        cv = cv.sort("unique_id", "cutoff", "ds")
        ahead = _months_between(cv["cutoff"].to_list(), cv["ds"].to_list())
        for name in library:
            scored[name] = [
                Scored(uid, a, y, p, lo, hi)
                for uid, a, y, p, lo, hi in zip(
                    cv["unique_id"].to_list(), ahead, cv["y"].to_list(), cv[name].to_list(),
                    cv[f"{name}-lo-{level}"].to_list(), cv[f"{name}-hi-{level}"].to_list(), strict=True,
                )
            ]  # fmt: skip
    for own in _OWN_MODELS:
        if own in models or (reconcile and own == DEFAULT_MODEL):
            scored.update(_blend_backtest(frame, by, horizon, windows, level, end, reconcile, own))
    order = [*models, *([f"{DEFAULT_MODEL}+reconciled"] if reconcile else [])]
    return [score(name, scored[name]) for name in order if name in scored]


def _months_between(starts: Sequence[dt.date], ends: Sequence[dt.date]) -> list[int]:
    return [(e.year - s.year) * 12 + e.month - s.month for s, e in zip(starts, ends, strict=True)]


def _blend_backtest(
    frame: Any,
    by: str | None,
    horizon: int,
    windows: int,
    level: int,
    end: dt.date | None,
    reconcile: bool,
    model: str,
) -> dict[str, list[Scored]]:
    from amparo.flows import blend

    groups = list(frame.group_by("unique_id", maintain_order=True))
    values = {str(uid): group["y"].to_list() for (uid,), group in groups}
    regime = {str(uid): _regime(model, group["ds"].to_list()) for (uid,), group in groups}
    reconcile = reconcile and model == DEFAULT_MODEL
    plain: list[Scored] = []
    reconciled: list[Scored] = []
    top_frame = training_frame(None, end=end) if reconcile else None
    total = top_frame["y"].to_list() if top_frame is not None else []
    top_regime = _regime(model, top_frame["ds"].to_list()) if top_frame is not None else None
    for origin in range(windows):
        for h in range(1, horizon + 1):
            forecasts, actuals = {}, {}
            for uid, y in values.items():
                last = len(y) - horizon - windows + origin
                point = max(blend.point(y, last, h, regime[uid]), 0.0)
                low, high = blend.interval(y, last, h, level, regime[uid])
                forecasts[uid], actuals[uid] = point, y[last + h]
                plain.append(Scored(uid, h, y[last + h], point, low, high))
            if reconcile and by is not None:
                top_last = len(total) - horizon - windows + origin
                top = max(blend.point(total, top_last, h, top_regime), 0.0)
                new_total, moved = blend.reconcile(top, forecasts)
                reconciled += [Scored(uid, h, actuals[uid], moved[uid]) for uid in values]
                reconciled.append(Scored("total", h, total[top_last + h], new_total))
    out = {model: plain}
    if reconcile:
        out[f"{model}+reconciled"] = reconciled
    return out


def score(model: str, rows: Sequence[Scored]) -> ModelScore:
    """MAPE (overall and by months ahead), within-10% and interval coverage of backtest forecasts."""
    kept = [r for r in rows if r.actual > 0 and not math.isnan(r.forecast)]
    base = _score(model, [r.actual for r in kept], [r.forecast for r in kept])
    by_horizon = {
        h: _score(
            model, [r.actual for r in kept if r.ahead == h], [r.forecast for r in kept if r.ahead == h]
        ).mape
        for h in sorted({r.ahead for r in kept})
    }
    banded = [r for r in rows if not math.isnan(r.low) and not math.isnan(r.high)]
    coverage = (
        100.0 * sum(max(0.0, r.low) <= r.actual <= max(0.0, r.high) for r in banded) / len(banded)
        if banded
        else None
    )
    return ModelScore(model, base.forecasts, base.mape, base.within_10, by_horizon, coverage)


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


@dataclass(frozen=True)
class AnnualScore:
    """12-month totals forecast at each origin, scored as Foresight scores its annual forecasts."""

    model: str
    forecasts: int
    mape: float
    within_10: float


def annual_backtest(
    *, by: str | None = None, origins: int = 24, end: dt.date | None = None
) -> list[AnnualScore]:
    """At each of ``origins`` consecutive months, forecast the next 12 months' total with PolicyBlend,
    Blend and SeasonalNaive (the last 12 months again) and score each against what happened."""
    from amparo.flows import blend

    frame = training_frame(by, end=end)
    errors: dict[str, list[float]] = {"PolicyBlend": [], "Blend": [], "SeasonalNaive": []}
    for (_uid,), group in frame.group_by("unique_id", maintain_order=True):
        y = group["y"].to_list()
        regime = _regime("PolicyBlend", group["ds"].to_list())
        for origin in range(origins):
            last = len(y) - 12 - origins + origin
            if last < SEASON - 1:
                continue
            actual = sum(y[last + 1 : last + 13])
            if actual <= 0:
                continue
            made = {
                "PolicyBlend": sum(max(blend.point(y, last, h, regime), 0.0) for h in range(1, 13)),
                "Blend": sum(max(blend.point(y, last, h), 0.0) for h in range(1, 13)),
                "SeasonalNaive": sum(blend.seasonal_naive(y, last, h) for h in range(1, 13)),
            }
            for name, value in made.items():
                errors[name].append(abs(value - actual) / actual)
    return [
        AnnualScore(name, len(e), 100.0 * sum(e) / len(e), 100.0 * sum(x <= 0.10 for x in e) / len(e))
        for name, e in errors.items()
        if e
    ]
