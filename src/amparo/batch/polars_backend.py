"""Run a column plan (:mod:`amparo.batch.plan`) with Polars: rule conditions through
:func:`amparo.engine.columnar.to_polars`, switches as ``when/then`` chains, lists as ``concat_list``."""

from __future__ import annotations

from typing import Any

from amparo.batch.plan import Collect, Column, Plan, Switch, ValueType
from amparo.engine.columnar import polars_module, to_polars
from amparo.engine.expr import Lit


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
        if column.order == "first":
            return listed.list.unique(maintain_order=True)
        return listed.list.eval(pl.element().sort())  # list.sort has a high fixed cost per call
    out = to_polars(column)
    target = polars_dtype(dtype)
    return out.cast(target) if target is not None and dtype not in {"null"} else out


def _value(value: Any, target: Any) -> Any:
    if isinstance(value, Lit):
        return _lit(value.value, target)
    out = to_polars(value)
    return out.cast(target) if target is not None else out


def _word_name(name: str, index: int) -> str:
    return f"{name}#{index}"


def _columns(name: str, column: Column, dtype: ValueType | None) -> list[Any]:
    pl = polars_module()
    if isinstance(column, Collect) and column.maskable and column.items:
        return [
            pl.sum_horizontal([to_polars(cond).cast(pl.Int64) * bit for cond, bit in word]).alias(
                _word_name(name, k)
            )
            for k, word in enumerate(column.words())
        ]
    return [_compile(column, dtype).alias(name)]


def compile_stages(plan: Plan) -> list[list[Any]]:
    """The plan's Polars expressions, stage by stage (RuleDefinitionError where an expression has
    no Polars form). Built once per plan: building them costs more than running them on a chunk."""
    return [
        [e for name, col, dtype in stage.columns for e in _columns(name, col, dtype)] for stage in plan.stages
    ]


def run_plan(plan: Plan, facts: Any, stages: list[list[Any]] | None = None) -> Any:
    """``facts`` (a Polars LazyFrame or DataFrame, one row per document, facts and anchor dates as
    columns) with the plan's columns added, lazily (``stages``: :func:`compile_stages` of the plan,
    when the caller keeps them). A list column of constants is left as bit words (``name#0``,
    ...): :func:`decode_lists` turns them into lists per distinct word."""
    frame = (facts.rechunk() if hasattr(facts, "rechunk") else facts).lazy()  # one chunk per column
    for exprs in stages if stages is not None else compile_stages(plan):
        frame = frame.with_columns(exprs)
    return frame


def list_columns(plan: Plan) -> dict[str, Collect]:
    """The plan's list columns computed as bit words, by name."""
    return {
        name: column
        for stage in plan.stages
        for name, column, _ in stage.columns
        if isinstance(column, Collect) and column.maskable and column.items
    }


def word_columns(plan: Plan, name: str) -> list[str]:
    return [_word_name(name, k) for k in range(len(list_columns(plan)[name].words()))]


def decode_lists(frame: Any, plan: Plan, names: dict[str, str]) -> Any:
    """``frame`` (eager) with each list column ``names[source]`` decoded from its bit words; the
    words are dropped. Each distinct word combination is decoded once."""
    pl = polars_module()
    collects = list_columns(plan)
    for source, target in names.items():
        words = word_columns(plan, source)
        table = frame.select(words).unique()
        decoded = [collects[source].decode(tuple(row)) for row in table.iter_rows()]
        table = table.with_columns(pl.Series(target, decoded, dtype=pl.List(pl.String)))
        frame = frame.join(table, on=words, how="left", nulls_equal=True, maintain_order="left").drop(words)
    return frame
