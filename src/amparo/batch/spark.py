"""The batch job on Apache Spark, from the same rule definitions: the pack's column plan
(:mod:`amparo.batch.plan`) compiled to Spark's native column expressions (no Python UDF reads a
rule), so the rules run in the JVM on every executor.

Facts come from the pack's own column form (:meth:`~amparo.engine.pack.ColumnarPack.extract_fact_columns`)
applied to whole Arrow batches with ``mapInArrow`` (vectorised, one call per batch, never per row).
List columns (flags, the values of a ``values`` key) are computed as bit words natively and decoded
through a small table of the distinct words, joined back. Rows the columns cannot vouch for (a
document the pack might refuse, a date no rule version covers) are collected and screened by the
single evaluator, as in the Polars evaluator, so errors are its own.

On a cluster::

    spark-submit --master yarn --py-files amparo.zip -m amparo.batch.spark IN.parquet OUT.parquet
    # or: python -m amparo.batch.spark IN.parquet OUT.parquet --master spark://host:7077
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

from amparo.batch.plan import (
    FLAGS,
    NO_VERSION,
    SUMMARY,
    Collect,
    Column,
    Plan,
    Switch,
    ValueType,
    compile_plan,
    summary_column,
)
from amparo.engine.expr import (
    And,
    Compare,
    Contains,
    Expr,
    Fact,
    Intersects,
    IsIn,
    IsSet,
    Lit,
    Not,
    Or,
    PlusPeriod,
)
from amparo.engine.pack import (
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
    ColumnarPack,
    LawPack,
)
from amparo.errors import MissingExtra, RuleDefinitionError


def _functions() -> Any:
    try:
        from pyspark.sql import functions
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("pyspark", "spark") from exc
    return functions


def spark_name(name: str) -> str:
    """A column name Spark reads without quoting (plan names carry dots and hashes)."""
    return name.replace(".", "__").replace("#", "__w")


def _lit(value: Any) -> Any:
    F = _functions()
    if isinstance(value, tuple | list):
        return F.array(*(F.lit(v) for v in value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return F.lit(value.astimezone(dt.UTC).replace(tzinfo=None))  # the session reads UTC
    return F.lit(value)


def to_spark(expr: Expr) -> Any:
    """The Spark column with the meaning of ``expr`` (a comparison with a missing value is false)."""
    F = _functions()
    if isinstance(expr, Fact):
        return F.col(spark_name(expr.name))
    if isinstance(expr, Lit):
        return _lit(expr.value)
    if isinstance(expr, Compare):
        left, right = to_spark(expr.left), to_spark(expr.right)
        op = {
            "<": left.__lt__,
            "<=": left.__le__,
            ">": left.__gt__,
            ">=": left.__ge__,
            "==": left.__eq__,
            "!=": left.__ne__,
        }[expr.op]
        return F.coalesce(op(right), F.lit(False))
    if isinstance(expr, IsIn):
        return F.coalesce(to_spark(expr.operand).isin(sorted(expr.values, key=str)), F.lit(False))
    if isinstance(expr, Contains):
        return F.coalesce(F.array_contains(to_spark(expr.collection), to_spark(expr.item)), F.lit(False))
    if isinstance(expr, Intersects):
        return F.coalesce(F.arrays_overlap(to_spark(expr.left), to_spark(expr.right)), F.lit(False))
    if isinstance(expr, IsSet):
        return to_spark(expr.operand).isNotNull()
    if isinstance(expr, And | Or):
        out = to_spark(expr.operands[0])
        for operand in expr.operands[1:]:
            out = (out & to_spark(operand)) if isinstance(expr, And) else (out | to_spark(operand))
        return F.coalesce(out, F.lit(False))
    if isinstance(expr, Not):
        return ~F.coalesce(to_spark(expr.operand), F.lit(False))
    if isinstance(expr, PlusPeriod) and expr.unit in {"days", "weeks"}:
        return F.date_add(to_spark(expr.start), expr.amount * (7 if expr.unit == "weeks" else 1))
    raise RuleDefinitionError(f"no Spark meaning for {type(expr).__name__}")


_TYPES = {
    "bool": "boolean",
    "str": "string",
    "int": "bigint",
    "float": "double",
    "date": "date",
    "datetime": "timestamp",
    "outcome": "tinyint",
    "version": "smallint",
}


def _column(name: str, column: Column, dtype: ValueType | None) -> list[tuple[str, Any]]:
    F = _functions()
    if isinstance(column, Switch):
        cast = _TYPES.get(column.dtype or "")
        chain: Any = None
        for condition, value in column.branches:
            then = to_spark(value)
            then = then.cast(cast) if cast else then
            chain = (
                F.when(to_spark(condition), then) if chain is None else chain.when(to_spark(condition), then)
            )
        otherwise = to_spark(column.otherwise)
        otherwise = otherwise.cast(cast) if cast else otherwise
        return [(name, chain.otherwise(otherwise) if chain is not None else otherwise)]
    if isinstance(column, Collect):
        if not column.maskable:
            raise RuleDefinitionError(f"{name}: a list of computed values has no Spark form here")
        return [
            (
                f"{name}#{k}",
                sum(
                    (F.when(to_spark(cond), F.lit(bit)).otherwise(F.lit(0)) for cond, bit in word),
                    F.lit(0).cast("bigint"),
                ),
            )
            for k, word in enumerate(column.words())
        ]
    out = to_spark(column)
    cast = _TYPES.get(dtype or "")
    return [(name, out.cast(cast) if cast else out)]


CHECKPOINT_EVERY = 12


def run_plan_spark(plan: Plan, facts: Any) -> Any:
    """``facts`` (a Spark DataFrame of facts and anchor dates) with the plan's columns added."""
    frame = facts
    for index, stage in enumerate(plan.stages, start=1):
        columns = [pair for name, col, dtype in stage.columns for pair in _column(name, col, dtype)]
        frame = frame.withColumns({spark_name(n): c for n, c in columns})
        if index % CHECKPOINT_EVERY == 0:
            # A long chain of projections makes Catalyst's analysis quadratic; cut the lineage.
            frame = frame.localCheckpoint(eager=False)
    return frame


def _arrow_for_spark(frame: Any) -> Any:
    """A Polars frame as an Arrow table of the types Spark reads (plain strings and lists)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    def plain(kind: Any) -> Any:
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            return pa.string()
        if pa.types.is_large_list(kind) or pa.types.is_list_view(kind) or pa.types.is_list(kind):
            return pa.list_(plain(kind.value_type))
        return kind

    table = frame.to_arrow()
    return table.cast(pa.schema([pa.field(f.name, plain(f.type)) for f in table.schema]))


def _facts_schema(pack: ColumnarPack, sample: Any, as_of: dt.date | None, wanted: Collection[str]) -> Any:
    import polars as pl
    from pyspark.sql.pandas.types import from_arrow_schema

    facts = pack.extract_fact_columns(sample, as_of, wanted).with_columns(
        pl.lit(0, dtype=pl.Int64).alias("_row")
    )
    return from_arrow_schema(_arrow_for_spark(facts.rename({c: spark_name(c) for c in facts.columns})).schema)


def screen_spark(spark: Any, documents: Any, pack: LawPack, *, as_of: dt.date | None = None) -> Any:
    """The batch output (``encounter_id``, ``pack``, ``as_of``, summary keys, ``flags``, ``error``)
    of a Spark DataFrame of documents in the pack's columnar form."""
    import polars as pl

    from amparo.batch.columns import conform, documents_of
    from amparo.batch.runner import BatchScreener

    F = _functions()
    if not isinstance(pack, ColumnarPack):
        raise RuleDefinitionError(f"law pack {pack.id} has no column form for Spark")
    plan = compile_plan(pack.law_book(), pack.program).levelled()
    schema = dict(pack.document_schema())
    sample, _ = conform(_polars_frame(documents.limit(1).toArrow()), schema)
    facts_schema = _facts_schema(pack, sample, as_of, plan.facts)
    missing = sorted({spark_name(f) for f in plan.facts} - set(facts_schema.fieldNames()))
    if missing:
        raise RuleDefinitionError(f"law pack {pack.id}: its column form lacks the facts {missing}")

    def extract(batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            whole = _polars_frame(batch)
            frame, suspect = conform(whole.drop("_row"), schema)
            facts = pack.extract_fact_columns(frame, as_of, plan.facts).with_columns(
                (pl.col(VOUCHED_COLUMN) & ~suspect).alias(VOUCHED_COLUMN), whole["_row"].cast(pl.Int64)
            )
            yield from _arrow_for_spark(facts.rename({c: spark_name(c) for c in facts.columns})).to_batches()

    indexed = documents.withColumn("_row", F.monotonically_increasing_id())  # input order, kept
    parallelism = spark.sparkContext.defaultParallelism
    if indexed.rdd.getNumPartitions() < parallelism:  # e.g. one file of one split: every core works
        indexed = indexed.repartition(parallelism)
    facts = indexed.mapInArrow(extract, facts_schema)
    evaluated = run_plan_spark(plan, facts)
    lists = {
        name: column
        for stage in plan.stages
        for name, column, _ in stage.columns
        if isinstance(column, Collect) and column.items
    }
    keys = plan.summary_keys
    beyond = F.greatest(F.col(spark_name(READ_ON_COLUMN)), F.col(spark_name(OCCURRED_ON_COLUMN))) > F.lit(
        pack.current_to
    )
    out = evaluated.select(
        "_row",
        F.col(spark_name(DOCUMENT_ID_COLUMN)).alias("encounter_id"),
        F.lit(pack.id).alias("pack"),
        F.col(spark_name(READ_ON_COLUMN)).alias("as_of"),
        *(F.col(spark_name(summary_column(k))).alias(k) for k in keys if summary_column(k) not in lists),
        *(
            F.col(spark_name(f"{n}#{i}")).alias(spark_name(f"{n}#{i}"))
            for n, c in lists.items()
            for i in range(len(c.words()))
        ),
        beyond.alias("_beyond"),
        (~F.col(spark_name(VOUCHED_COLUMN)) | F.coalesce(F.col(spark_name(NO_VERSION)), F.lit(True))).alias(
            "_redo"
        ),
    ).cache()  # the few output columns, not the plan's hundreds: read by each action below
    for name, collect in lists.items():
        words = [spark_name(f"{name}#{i}") for i in range(len(collect.words()))]
        extra = ["_beyond"] if name == FLAGS else []
        distinct = out.select(*words, *extra).distinct().collect()
        target = "flags" if name == FLAGS else name.removeprefix(SUMMARY)
        table = [
            (
                *row,
                collect.decode(tuple(row[w] for w in words))
                + (["law_pack_not_current"] if extra and row["_beyond"] else []),
            )
            for row in distinct
        ]
        decoded = spark.createDataFrame(table, [*words, *extra, target]) if table else None
        if decoded is not None:
            out = out.join(F.broadcast(decoded), on=[*words, *extra], how="left")
        out = out.drop(*words)
    out = out.drop("_beyond")
    # The rows the columns cannot vouch for: read by the single evaluator on the driver.
    redo = out.filter("_redo").select("_row").collect()
    result = out.filter(~F.col("_redo")).drop("_redo").withColumn("error", F.lit(None).cast(_error_type()))
    if redo:
        rows = [r["_row"] for r in redo]
        frame = _polars_frame(indexed.filter(F.col("_row").isin(rows)).toArrow())
        screener = BatchScreener(pack, as_of=as_of, verify_sample=0)
        singles = [
            screener.single_row(int(row), document, pack)
            for row, document in zip(frame["_row"].to_list(), documents_of(frame.drop("_row")), strict=True)
        ]
        from pyspark.sql.types import StructField, StructType

        fixed = [tuple(single.get(c) for c in result.columns) for single in singles]
        nullable = StructType([StructField(f.name, f.dataType, True) for f in result.schema.fields])
        result = result.unionByName(spark.createDataFrame(fixed, schema=nullable))
    return result.orderBy("_row").drop("_row")


def _polars_frame(arrow: Any) -> Any:
    """A Polars frame of an Arrow table or batch."""
    import polars as pl

    return pl.from_arrow(arrow)


def _error_type() -> str:
    return "struct<type:string,title:string,errors:array<struct<path:string,message:string>>>"


def main(argv: list[str] | None = None) -> int:
    """``python -m amparo.batch.spark IN.parquet OUT.parquet [--master URL] [--as-of DATE]``."""
    from pyspark.sql import SparkSession

    from amparo.engine.registry import installed_registry

    parser = argparse.ArgumentParser(prog="python -m amparo.batch.spark")
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--master", default=None)
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args(argv)
    builder = SparkSession.builder.appName("amparo-batch").config("spark.sql.session.timeZone", "UTC")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    registry = installed_registry()
    pack = registry.for_schema("amparo/encounter@1") or registry.default
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    screen_spark(spark, spark.read.parquet(args.source), pack, as_of=as_of).write.mode("overwrite").parquet(
        args.out
    )
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
