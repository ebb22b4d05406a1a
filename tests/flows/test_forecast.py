"""Forecasts and a rolling-origin backtest on a small series (the full backtest is benchmarks/bench_flows.py)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

from amparo.errors import InputError
from amparo.flows import forecast

from .conftest import CliResult

Run = Callable[..., CliResult]


def test_backtest_scores_each_model_against_the_baseline() -> None:
    scores = forecast.backtest(
        by="citizenship", keys=["SV"], horizon=2, windows=2, models=["AutoETS", "SeasonalNaive"]
    )
    assert [s.model for s in scores] == ["AutoETS", "SeasonalNaive"]
    for score in scores:
        assert score.forecasts == 4  # 2 origins x 2 months ahead, one series
        assert score.mape >= 0 and not math.isnan(score.mape)
        assert 0 <= score.within_10 <= 100


def test_score_counts_forecasts_within_ten_percent() -> None:
    score = forecast._score("m", [100.0, 100.0, 100.0, 0.0], [105.0, 120.0, -5.0, 3.0])
    assert score.forecasts == 3  # the zero actual cannot be scored
    assert score.within_10 == pytest.approx(100 / 3)
    assert score.mape == pytest.approx((5 + 20 + 100) / 3)


def test_forecast_has_intervals_around_the_point(amparo: Run) -> None:
    result = amparo(
        "flows", "forecast", "--by", "demographic", "--horizon", "2", "--model", "SeasonalNaive", "--json"
    )
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert len(rows) == 2 * 4  # two months for each of the four demographics
    for row in rows:
        assert row["lo_80"] <= row["forecast"] <= row["hi_80"]
        assert row["lo_80"] >= 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"horizon": 0}, "--horizon"), ({"by": "sector"}, "--by"), ({"model": "Prophet"}, "--model")],
)
def test_bad_forecast_options(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        forecast.forecast(**kwargs)  # type: ignore[arg-type]
    assert [e.path for e in info.value.errors] == [field]
