"""The ``Blend`` and ``PolicyBlend`` forecasts: the geometric mean of the naive and the seasonal-naive forecasts,
with prediction intervals from its own past errors, and proportional reconciliation.

Why this model. Border encounters move in regimes (Title 42, the 2023 and 2024 rules, the fall of
2025) that neither a seasonal pattern nor a trend carries across: the last month knows the
current level, the same month a year earlier knows the season, and each is wrong in its own way.
Their geometric mean, ``sqrt((y_T + 1) * (y_{T+h-12} + 1)) - 1``, beat SeasonalNaive at every
horizon on the total, the nationality and the demographic series in the rolling backtest to
2024-12 (docs/PERFORMANCE.md), where AutoETS, AutoARIMA, AutoTheta and ARIMA with the law
book's regime regressors did not.

Intervals. At an origin T, the log errors ``log((y_{t+h} + 1) / (f_{t,h} + 1))`` of every earlier
origin t whose horizon-h month is known are weighted by ``0.5 ** (age / HALF_LIFE)`` and their
weighted quantiles give the band (split-conformal in spirit, per series and per horizon). The
five-year half-life was chosen on the backtest to 2024-12 among 12, 24, 36, 42, 48, 60 months and
no decay; the coverage it gives is reported, not assumed.

Reconciliation. Forecasts of parts (nationalities, demographics) and of their total are made
separately; :func:`reconcile` makes them coherent (the parts add up to the total): bottom-up by
default, which scored best in the backtest to 2024-12 against proportional weighted least squares
and hierarchicalforecast's MinTrace (OLS and structural WLS), or proportionally.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

SEASON = 12
HALF_LIFE = 60.0  # months
MIN_PAST_ERRORS = 6


def point(y: Sequence[float], last: int, h: int, regime: Sequence[Hashable] | None = None) -> float:
    """The Blend forecast ``h`` months after index ``last`` of ``y`` (needs ``last >= SEASON - 1``).

    With ``regime`` (one policy regime per index of ``y``, see :mod:`amparo.flows.regimes`): when
    the same month a year earlier was under another regime than the last month, its level is
    replaced by last year's seasonal shape applied to the current level,
    ``y_T * (y_{T+h-12} + 1) / (y_{T-12} + 1)`` (PolicyBlend).
    """
    back = SEASON * math.ceil(h / SEASON)
    seasonal = y[last + h - back]
    if regime is not None and regime[last] != regime[last + h - back]:
        if last - back < 0:
            return y[last]
        seasonal = y[last] * (seasonal + 1.0) / (y[last - back] + 1.0)
    return math.sqrt((y[last] + 1.0) * (seasonal + 1.0)) - 1.0


def seasonal_naive(y: Sequence[float], last: int, h: int) -> float:
    """The value of the same month a year (or whole years) earlier."""
    return y[last + h - SEASON * math.ceil(h / SEASON)]


def _weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    total = sum(w for _v, w in pairs)
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running / total >= q:
            return value
    return pairs[-1][0]


def interval(
    y: Sequence[float], last: int, h: int, level: int, regime: Sequence[Hashable] | None = None
) -> tuple[float, float]:
    """The ``level``% band around :func:`point` from past errors at horizon ``h`` (log scale)."""
    first = SEASON * math.ceil(h / SEASON) - h  # the first origin with a seasonal value
    origins = range(max(first, SEASON - 1), last - h + 1)
    errors = [math.log((y[t + h] + 1.0) / (max(point(y, t, h, regime), 0.0) + 1.0)) for t in origins]
    centre = max(point(y, last, h, regime), 0.0)
    if len(errors) < MIN_PAST_ERRORS:
        return 0.0, 2.0 * centre + 1.0  # too little history to say more
    weights = [0.5 ** ((last - h - t) / HALF_LIFE) for t in origins]
    tail = (1.0 - level / 100.0) / 2.0
    low = _weighted_quantile(errors, weights, tail)
    high = _weighted_quantile(errors, weights, 1.0 - tail)
    return max(0.0, (centre + 1.0) * math.exp(low) - 1.0), max(0.0, (centre + 1.0) * math.exp(high) - 1.0)


def forecast(
    y: Sequence[float], horizon: int, level: int, regime: Sequence[Hashable] | None = None
) -> list[tuple[float, float, float]]:
    """``(forecast, low, high)`` for each of the next ``horizon`` months after the end of ``y``."""
    last = len(y) - 1
    out = []
    for h in range(1, horizon + 1):
        low, high = interval(y, last, h, level, regime)
        out.append((max(point(y, last, h, regime), 0.0), low, high))
    return out


def reconcile(
    total: float, parts: Mapping[str, float], method: str = "bottom_up"
) -> tuple[float, dict[str, float]]:
    """Total and parts made coherent: the parts add up to the total.

    ``bottom_up`` (the default) keeps the parts and replaces the total by their sum: in the
    backtest to 2024-12 it scored best of the methods tried (docs/PERFORMANCE.md).
    ``proportional`` moves every forecast in proportion to itself (weighted least squares with
    variances proportional to the forecasts): with ``d`` the total minus the sum of the parts and
    ``W`` the sum of all forecasts, each part becomes ``f_i + f_i * d / W`` and the total
    ``f_total - f_total * d / W``.
    """
    if method == "bottom_up":
        return sum(parts.values()), dict(parts)
    gap = total - sum(parts.values())
    weights = sum(parts.values()) + total
    if weights <= 0:
        return total, dict(parts)
    moved = {k: v + v * gap / weights for k, v in parts.items()}
    return total - total * gap / weights, moved
