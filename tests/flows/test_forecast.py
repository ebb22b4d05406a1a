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


def test_blend_is_the_geometric_mean_of_naive_and_seasonal_naive() -> None:
    from amparo.flows import blend

    y = [float(v) for v in range(100, 124)]  # 24 months
    expected = math.sqrt((123 + 1) * (112 + 1)) - 1  # last month, and the same month a year earlier
    assert blend.point(y, 23, 1) == pytest.approx(expected)
    # Under another regime a year earlier, last year's shape is put on this year's level.
    regime = ["old"] * 18 + ["new"] * 6
    shaped = 123 * (112 + 1) / (111 + 1)
    assert blend.point(y, 23, 1, regime) == pytest.approx(math.sqrt(124 * (shaped + 1)) - 1)


def test_reconciled_parts_add_up_to_the_total() -> None:
    from amparo.flows import blend

    total, parts = blend.reconcile(1000.0, {"a": 600.0, "b": 300.0, "c": 0.0}, method="proportional")
    assert sum(parts.values()) == pytest.approx(total)
    assert 900.0 < total < 1000.0 and parts["c"] == 0.0
    assert parts["a"] / parts["b"] == pytest.approx(2.0)


def test_policy_regimes_come_from_the_law_book() -> None:
    import datetime as dt

    from amparo.flows import regimes

    assert regimes.regime(dt.date(2021, 6, 1)) == ("title42_order",)
    assert regimes.regime(dt.date(2023, 6, 1)) == ()
    assert "eo_14165" in regimes.regime(dt.date(2025, 3, 1))
    assert regimes.regime(dt.date(2024, 12, 1)) == ("securing_border_2024",)


def test_policy_blend_backtest_scores_horizons_and_coverage() -> None:
    scores = forecast.backtest(by="citizenship", keys=["SV", "GT"], horizon=3, windows=4,
                               models=["PolicyBlend", "SeasonalNaive"])  # fmt: skip
    blend_score = scores[0]
    assert blend_score.model == "PolicyBlend" and blend_score.forecasts == 2 * 4 * 3
    assert set(blend_score.by_horizon) == {1, 2, 3}
    assert blend_score.coverage is not None and 0 <= blend_score.coverage <= 100


def test_reconciled_forecast_adds_up_and_states_its_age(amparo: Run) -> None:
    result = amparo("flows", "forecast", "--by", "demographic", "--reconcile", "--horizon", "2", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    for month in {r["month"] for r in rows}:
        parts = sum(r["forecast"] for r in rows if r["month"] == month and r["series"] != "total")
        total = next(r["forecast"] for r in rows if r["month"] == month and r["series"] == "total")
        assert parts == pytest.approx(total, abs=1.0)
    assert "Fitted on data to 2025-08" in result.err and "already past" in result.err


def test_forecast_says_which_months_are_past() -> None:
    import datetime as dt

    result = forecast.forecast(horizon=3, model="PolicyBlend")
    assert result.last_month == "2025-08"
    assert result.past_months(dt.date(2025, 10, 20)) == ["2025-09"]
    assert "1 of the 3 forecast months" in result.staleness(today=dt.date(2025, 10, 20))
    assert result.past_months(dt.date(2025, 9, 1)) == []


def test_bottom_up_keeps_the_parts() -> None:
    from amparo.flows import blend

    total, parts = blend.reconcile(1000.0, {"a": 600.0, "b": 300.0})
    assert parts == {"a": 600.0, "b": 300.0} and total == 900.0


def test_an_instrument_may_have_several_periods() -> None:
    import datetime as dt

    from amparo.flows import regimes

    mpp = [p for p in regimes.periods(("mpp",)) if p.instrument == "mpp"]
    assert [p.start for p in mpp][:2] == [dt.date(2019, 1, 28), dt.date(2021, 12, 6)]
    assert mpp[0].end == dt.date(2021, 1, 21) and mpp[-1].end is None
