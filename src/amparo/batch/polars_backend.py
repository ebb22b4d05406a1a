"""Run a column plan (:mod:`amparo.batch.plan`) with Polars: rule conditions through
:func:`amparo.engine.columnar.to_polars`, switches as ``when/then`` chains, lists as ``concat_list``."""

from __future__ import annotations

from typing import Any

from amparo.batch.plan import Collect, Column, Plan, Switch, ValueType
from amparo.engine.columnar import to_polars
from amparo.engine.expr import Lit
from amparo.errors import MissingExtra


def polars_module() -> Any:
    try:
        import polars
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("polars", "analytics") from exc
    return polars


def polars_dtype(dtype: ValueType | None) -> Any:
    pl = polars_module()
    return {
        "bool": pl.Boolean,
        "str": pl.String,
        "int": pl.Int64,
        "float": pl.Float64,
        "date": pl.Date,
        "datetime": pl.Datetime("us", "UTC"),
        "null": pl.Null,
        "outcome": pl.UInt8,
        "version": pl.UInt16,
        None: None,
    }[dtype]


def _lit(value: Any, dtype: Any) -> Any:
    pl = polars_module()
    return pl.lit(value, dtype=dtype) if dtype is not None else pl.lit(value)


def _compile(column: Column, dtype: ValueType | None) -> Any:
    pl = polars_module()
    if isinstance(column, Switch):
        target = polars_dtype(column.dtype)
        if not column.branches:
            return _value(column.otherwise, target)
        chain: Any = pl
        for condition, value in column.branches:
            chain = chain.when(to_polars(condition)).then(_value(value, target))
        return chain.otherwise(_value(column.otherwise, target))
    if isinstance(column, Collect):
        if not column.items:
            return pl.lit([], dtype=pl.List(pl.String))
        parts = [
            pl.when(to_polars(cond)).then(
                pl.lit(value) if isinstance(value, str) else to_polars(value).cast(pl.String)
            )
            for cond, value in column.items
        ]
        listed = pl.concat_list(parts).list.drop_nulls()
        return listed.list.unique(maintain_order=True) if column.order == "first" else listed.list.sort()
    out = to_polars(column)
    target = polars_dtype(dtype)
    return out.cast(target) if target is not None and dtype not in {"null"} else out


def _value(value: Any, target: Any) -> Any:
    if isinstance(value, Lit):
        return _lit(value.value, target)
    out = to_polars(value)
    return out.cast(target) if target is not None else out


def run_plan(plan: Plan, facts: Any) -> Any:
    """``facts`` (a Polars LazyFrame or DataFrame, one row per document, facts and anchor dates as
    columns) with the plan's columns added, lazily."""
    frame = facts.lazy()
    for stage in plan.stages:
        frame = frame.with_columns([_compile(col, dtype).alias(name) for name, col, dtype in stage.columns])
    return frame
