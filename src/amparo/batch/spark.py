"""The batch job on Apache Spark, from the same rule definitions: the pack's column plan
(:mod:`amparo.batch.plan`) compiled to Spark's native column expressions (no Python UDF reads a
rule), so the rules run in the JVM on every executor. Each plan column reaches Spark as one SQL
expression (:func:`spark_sql`), parsed there, and the job runs under :data:`SESSION_SETTINGS`.

Facts come from the pack's own column form (:meth:`~amparo.engine.pack.ColumnarPack.extract_fact_columns`)
applied to whole Arrow batches with ``mapInArrow`` (vectorised, one call per batch, never per row).
List columns (flags, the values of a ``values`` key) are computed as bit words natively and decoded
through a small table of the distinct words, joined back. Rows the columns cannot vouch for (a
document the pack might refuse, a date no rule version covers) are collected and screened by the
single evaluator, as in the Polars evaluator, so errors are its own.

On a cluster: the command :mod:`amparo.cli.spark_job` (``python -m amparo.cli.spark_job IN OUT
--master URL``, or its file given to ``spark-submit``)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from amparo.batch.arrow_text import other_rows, refused_rows
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
from amparo.batch.spark_input import with_input_order
from amparo.batch.spark_types import noted_leaves, restore
from amparo.engine.columnar import MAPPING_FIELDS
from amparo.engine.expr import (
    And,
    Compare,
    Contains,
    Earliest,
    Expr,
    Fact,
    Get,
    Intersects,
    IsIn,
    IsoDate,
    IsSet,
    Latest,
    Lit,
    Not,
    Or,
    PlusPeriod,
    Weekday,
)
from amparo.engine.pack import (
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
    ColumnarPack,
    LawPack,
)
from amparo.engine.registry import PackRegistry
from amparo.errors import FieldError, InputError, MissingExtra, Phrase, RuleDefinitionError

if TYPE_CHECKING:
    from amparo.batch.runner import BatchScreener


def _functions() -> Any:
    try:
        from pyspark.sql import functions
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("pyspark", "spark") from exc
    return functions


def spark_name(name: str) -> str:
    """A column name Spark reads without quoting (plan names carry dots and hashes)."""
    return name.replace(".", "__").replace("#", "__w")


def sql_literal(value: Any) -> str:
    """``value`` as a Spark SQL literal of the type ``F.lit`` gives it (an instant as the UTC wall
    time the session reads: its time zone must be UTC)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)  # INT, or BIGINT past 32 bits, as F.lit
    if isinstance(value, float):
        return f"{value!r}D" if math.isfinite(value) else f"CAST('{value!r}' AS DOUBLE)"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return f"TIMESTAMP'{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE'{value.isoformat()}'"
    if isinstance(value, tuple | list):
        return "array(" + ", ".join(sql_literal(v) for v in value) + ")"
    raise RuleDefinitionError(f"no Spark literal for {type(value).__name__} {value!r}")


def _false_if_null(sql: str) -> str:
    return f"coalesce({sql}, false)"


_OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "<>"}


def spark_sql(expr: Expr) -> str:
    """The Spark SQL expression with the meaning of ``expr`` (a comparison with a missing value is
    false). Text, parsed once by Spark: building the same expression as Column objects took one
    call from Python to the JVM per node (about 42,000 calls, 9.5 s, for the US pack's plan)."""
    if isinstance(expr, Fact):
        return "`" + spark_name(expr.name).replace("`", "``") + "`"
    if isinstance(expr, Lit):
        return sql_literal(expr.value)
    if isinstance(expr, Compare):
        return _false_if_null(f"({spark_sql(expr.left)} {_OPERATORS[expr.op]} {spark_sql(expr.right)})")
    if isinstance(expr, IsIn):
        if not expr.values:
            return "false"
        values = ", ".join(sql_literal(v) for v in sorted(expr.values, key=str))
        return _false_if_null(f"({spark_sql(expr.operand)} IN ({values}))")
    if isinstance(expr, Contains):
        return _false_if_null(f"array_contains({spark_sql(expr.collection)}, {spark_sql(expr.item)})")
    if isinstance(expr, Intersects):
        return _false_if_null(f"arrays_overlap({spark_sql(expr.left)}, {spark_sql(expr.right)})")
    if isinstance(expr, IsSet):
        return f"({spark_sql(expr.operand)} IS NOT NULL)"
    if isinstance(expr, And | Or):
        joiner = " AND " if isinstance(expr, And) else " OR "
        return _false_if_null("(" + joiner.join(spark_sql(o) for o in expr.operands) + ")")
    if isinstance(expr, Not):
        return f"(NOT {_false_if_null(spark_sql(expr.operand))})"
    if isinstance(expr, PlusPeriod):
        return _plus_period(expr)
    if isinstance(expr, Earliest | Latest):
        operands = [spark_sql(o) for o in expr.operands]
        if len(operands) == 1:
            return operands[0]
        # least/greatest skip nulls, and are null only when every operand is (as the engine's)
        return ("least(" if isinstance(expr, Earliest) else "greatest(") + ", ".join(operands) + ")"
    if isinstance(expr, Weekday):  # Spark's weekday: 0 Monday ... 6 Sunday; ISO: 1 ... 7
        return f"(weekday({spark_sql(expr.operand)}) + 1)"
    if isinstance(expr, IsoDate):
        return f"date_format({spark_sql(expr.operand)}, 'yyyy-MM-dd')"
    if isinstance(expr, Get):
        return _lookup(spark_sql(expr.mapping), spark_sql(expr.key))
    raise RuleDefinitionError(f"no Spark meaning for {type(expr).__name__}")


def _plus_period(expr: PlusPeriod) -> str:
    """The period's last day (:func:`amparo.engine.periods.add_period`): Spark's ``add_months``
    clips to the end of a shorter month as the engine does (2024-01-31 + 1 month = 2024-02-29), and
    keeps the day of a month's last day (2024-02-29 + 1 month = 2024-03-29, not the 31st)."""
    start = spark_sql(expr.start)
    if expr.unit in {"days", "weeks"}:
        return f"date_add({start}, {expr.amount * (7 if expr.unit == 'weeks' else 1)})"
    return f"add_months({start}, {expr.amount * (12 if expr.unit == 'years' else 1)})"


def _lookup(mapping: str, key: str) -> str:
    """``mapping[key]`` of a mapping fact in its column form (a list of ``{key, value}`` structs,
    :data:`~amparo.engine.columnar.MAPPING_FIELDS`): the first entry whose key equals the key, else
    null (a null mapping, a null key, no such entry)."""
    name, value = (f"`{field}`" for field in MAPPING_FIELDS)
    return f"try_element_at(filter({mapping}, entry__ -> entry__.{name} = {key}), 1).{value}"


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


def _cast(sql: str, kind: str | None) -> str:
    return f"CAST({sql} AS {kind})" if kind else sql


def _column(name: str, column: Column, dtype: ValueType | None) -> list[tuple[str, Any]]:
    """The Spark columns of one plan column (a list column: one per bit word), each parsed from text."""
    F = _functions()
    if isinstance(column, Switch):
        cast = _TYPES.get(column.dtype or "")
        otherwise = _cast(spark_sql(column.otherwise), cast)
        if not column.branches:
            return [(name, F.expr(otherwise))]
        branches = " ".join(
            f"WHEN {spark_sql(condition)} THEN {_cast(spark_sql(value), cast)}"
            for condition, value in column.branches
        )
        return [(name, F.expr(f"CASE {branches} ELSE {otherwise} END"))]
    if isinstance(column, Collect):
        if not column.maskable:
            raise RuleDefinitionError(f"{name}: a list of computed values has no Spark form here")
        return [
            (
                f"{name}#{k}",
                F.expr(
                    " + ".join(
                        [
                            "CAST(0 AS bigint)",
                            *(f"CASE WHEN {spark_sql(cond)} THEN {bit} ELSE 0 END" for cond, bit in word),
                        ]
                    )
                ),
            )
            for k, word in enumerate(column.words())
        ]
    return [(name, F.expr(_cast(spark_sql(column), _TYPES.get(dtype or ""))))]


#: Stages between two cuts of the lineage (each cut stores every row of the frame so far). The EU
#: pack's plan has 63 stages: cut every 12, 100,000 applications took 59.7 s in ``local[2]``; never
#: cut, 49.5 s (fifteenth round, one run each), its analysis no longer the cost it once was.
CHECKPOINT_EVERY = 64

#: Session settings the batch job runs under (measured on 2,000,000 encounters, local[2], 2 cores:
#: docs/BATCH.md, "Spark"). A plan of hundreds of columns makes whole-stage code generation write
#: methods too large for the JVM to compile (it interprets them): per-operator code is faster. Arrow
#: batches of 100,000 rows give the pack's column form chunks it reads efficiently (10,000 by
#: default), and no byte limit spares Spark measuring the nested documents' batch after every row.
#: The column that keeps the input's order; a document with a column of that name is refused (it
#: would be written over). Spark reads names case-insensitively unless told (below).
ROW_INDEX = "_amparo_row"

SESSION_SETTINGS: Mapping[str, str] = {
    # ``id`` and ``ID`` are two fields, as in JSON: the single evaluator refuses an unknown one.
    "spark.sql.caseSensitive": "true",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
    "spark.sql.execution.arrow.maxBytesPerBatch": "2147483647",
}


@contextmanager
def session_settings(spark: Any, settings: Mapping[str, str] = SESSION_SETTINGS) -> Iterator[None]:
    """``settings`` on the session while the batch job computes (its one pass over the data runs
    inside :func:`screen_spark`, whose output is cached), the session's own values put back after."""
    conf = spark.conf
    before = {key: conf.get(key, None) for key in settings}
    try:
        for key, value in settings.items():
            conf.set(key, value)
        yield
    finally:
        for key, value in before.items():
            if value is None:
                conf.unset(key)
            else:
                conf.set(key, value)


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


def _fact_reader(pack: LawPack, plan: Plan, as_of: dt.date | None) -> tuple[Any, Callable[[Any], Any]]:
    """The Spark schema of the facts ``mapInArrow`` gives, and how a Polars frame of documents
    becomes them. A :class:`ColumnarPack` reads the whole frame in its column form (the schema is
    that form over no rows: the types need no data, nor a Spark job to read any); another pack
    reads the documents one at a time, into the types it declares (:class:`TypedFactsPack`)."""
    import polars as pl

    from amparo.batch.columns import conform, documents_of
    from amparo.batch.facts import declared_fact_schema, facts_of_documents

    if isinstance(pack, ColumnarPack):
        document_schema = dict(pack.document_schema())

        def read(frame: Any) -> Any:
            documents, suspect = conform(frame, document_schema, pack)
            facts = pack.extract_fact_columns(documents, as_of, plan.facts)
            return facts.with_columns((pl.col(VOUCHED_COLUMN) & ~suspect).alias(VOUCHED_COLUMN))

        empty = pack.extract_fact_columns(pl.DataFrame(schema=document_schema), as_of, plan.facts)
    else:
        anchors = {rule.anchor for rule in pack.law_book().rules.values()}
        fact_schema = declared_fact_schema(pack, plan.facts, anchors)

        def read(frame: Any) -> Any:
            return facts_of_documents(pack, documents_of(frame, [pack]), as_of, fact_schema)

        empty = pl.DataFrame(schema=fact_schema)
    return _spark_schema(empty.with_columns(pl.lit(0, dtype=pl.Int64).alias(ROW_INDEX))), read


def _spark_schema(frame: Any, *, rename: bool = True) -> Any:
    """The Spark schema of a Polars frame's columns (their names as Spark reads them: ``rename``)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    if rename:
        frame = frame.rename({c: spark_name(c) for c in frame.columns})
    return from_arrow_schema(_arrow_for_spark(frame).schema)


def screen_spark(
    spark: Any,
    documents: Any,
    packs: LawPack | PackRegistry,
    *,
    as_of: dt.date | None = None,
    refuse_read_before: bool = False,
) -> Any:
    """The batch output (``encounter_id``, ``pack``, ``as_of``, summary keys, ``flags``, ``error``)
    of a Spark DataFrame of documents (computed under :data:`SESSION_SETTINGS`). Given a registry,
    each row is read by the pack its ``schema`` column names (the default pack where it names none,
    or where there is no such column), as ``screen --batch`` reads a frame, and the output has every
    pack's keys (null where a key is not its row's pack's); a row naming no installed pack gets the
    single evaluator's error. ``refuse_read_before``: a document dated after ``as_of`` gets the
    error ``amparo screen --as-of`` gives it, as ``screen --batch`` gives it (the job's reading)."""
    registry = packs if isinstance(packs, PackRegistry) else PackRegistry([packs])
    with session_settings(spark):
        return _screen_spark(spark, documents, registry, as_of, refuse_read_before)


def _screen_spark(
    spark: Any, documents: Any, registry: PackRegistry, as_of: dt.date | None, refuse_read_before: bool
) -> Any:
    import polars as pl

    from amparo.batch.runner import BatchScreener

    F = _functions()
    if any(name.lower() == ROW_INDEX for name in documents.columns):
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "the column {name} is the name the Spark job orders rows by; rename it",
                        name=repr(ROW_INDEX),
                    ),
                )
            ]
        )
    stored = noted_leaves(documents.schema)  # leaves read as stored: their Arrow type given back
    indexed = with_input_order(documents, ROW_INDEX)  # input order, kept
    parallelism = spark.sparkContext.defaultParallelism
    if indexed.rdd.getNumPartitions() < parallelism:  # e.g. one file of one split: every core works
        indexed = indexed.repartition(parallelism)
    # the output's columns and types; the rows the single evaluator reads
    screener = BatchScreener(registry, as_of=as_of, verify_sample=0, refuse_read_before=refuse_read_before)
    routes: dict[str | None, list[Any]] = {}  # pack id (None: no installed pack) -> row conditions
    if len(registry) == 1 or "schema" not in documents.columns:
        routes[registry.default.id] = [F.lit(True)]
    elif documents.schema["schema"].dataType.typeName() != "string":
        # A schema that is not text (a number, a map) names no pack: the single evaluator says so;
        # a null one is the default pack's.
        routes[registry.default.id] = [F.col("schema").isNull()]
        routes[None] = [F.col("schema").isNotNull()]
    else:
        unknown = False
        for (schema,) in documents.select("schema").distinct().collect():
            pack = registry.default if schema is None else registry.for_schema(str(schema))
            if pack is None:  # read below, as every row no pack takes
                unknown = True
                continue
            condition = F.col("schema").isNull() if schema is None else F.col("schema") == F.lit(schema)
            routes.setdefault(pack.id, []).append(condition)
        if unknown:
            # Not each value collected: one whose bytes are not UTF-8 comes back to Python changed
            # (U+FFFD in their place) and would match no row, which would be lost.
            taken = [c for conditions in routes.values() for c in conditions]
            routes[None] = (
                [~F.coalesce(functools.reduce(lambda a, b: a | b, taken), F.lit(False))]
                if taken
                else [F.lit(True)]
            )
    results: list[Any] = []
    redo: dict[int, LawPack | None] = {}  # the rows the single evaluator reads, by their pack
    for pack_id, conditions in routes.items():
        condition = functools.reduce(lambda a, b: a | b, conditions)
        rows = indexed if len(routes) == 1 else indexed.filter(condition)
        if pack_id is None:
            redo.update((r[ROW_INDEX], None) for r in rows.select(ROW_INDEX).collect())
            continue
        pack = registry.get(pack_id)
        result, again = _screen_pack(spark, rows, pack, as_of, refuse_read_before, stored)
        results.append(result)
        redo.update(dict.fromkeys(again, pack))
    columns = _spark_schema(pl.DataFrame(schema={ROW_INDEX: pl.Int64, **screener.schema}), rename=False)
    out = (
        functools.reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), results)
        if results
        else None
    )
    if redo:
        fixed = spark.createDataFrame(_single_rows(indexed, redo, screener, stored), schema=columns)
        out = fixed if out is None else out.unionByName(fixed, allowMissingColumns=True)
    if out is None:
        return spark.createDataFrame([], schema=columns).drop(ROW_INDEX)
    out = out.select(
        *(
            (F.col(f.name) if f.name in out.columns else F.lit(None)).cast(f.dataType).alias(f.name)
            for f in columns.fields
        )
    )
    return out.orderBy(ROW_INDEX).drop(ROW_INDEX)


def _single_rows(
    indexed: Any,
    redo: Mapping[int, LawPack | None],
    screener: BatchScreener,
    stored: Mapping[str, Any],
) -> list[tuple[Any, ...]]:
    """The output rows of the documents the columns cannot vouch for, read by the single evaluator
    on the driver (a row naming no installed pack: its error, as ``screen --batch`` gives it)."""
    F = _functions()
    table = restore(indexed.filter(F.col(ROW_INDEX).isin(list(redo))).toArrow(), stored)
    refused = refused_rows(table)
    names = [ROW_INDEX, *screener.schema]
    singles: list[dict[str, Any]] = []
    if refused:
        errors = screener.screen_documents([None] * len(refused), dict(enumerate(refused.values())))
        at = table.column(ROW_INDEX).take(list(refused)).to_pylist()
        singles += [{**error, ROW_INDEX: row} for row, error in zip(at, errors.to_dicts(), strict=True)]
        table = other_rows(table, refused)
    frame = _polars_frame(table)
    rows = [int(r) for r in frame[ROW_INDEX].to_list()]
    documents = _documents_by_pack(frame.drop(ROW_INDEX), [redo[row] for row in rows])
    singles += [
        {**screener.single_row(row, document, pack), ROW_INDEX: row}
        for row, document in zip(rows, documents, strict=True)
        if (pack := redo[row]) is not None
    ]
    unread = [(row, document) for row, document in zip(rows, documents, strict=True) if redo[row] is None]
    if unread:
        errors = screener.screen_documents([document for _, document in unread]).to_dicts()
        singles += [{**error, ROW_INDEX: row} for (row, _), error in zip(unread, errors, strict=True)]
    return [tuple(single.get(name) for name in names) for single in singles]


def _documents_by_pack(frame: Any, packs: list[LawPack | None]) -> list[Any]:
    """Each row's document rebuilt as ``screen --batch`` rebuilds it: by the pack that reads it (a
    null field that pack requires stays null; another pack's does not), by none for a row naming
    no installed pack. Rebuilt by every pack at once, a US row kept the EU pack's null
    ``applicant.nationality`` of an unknown field, and its error named that path too (a tester)."""
    from amparo.batch.columns import documents_of

    documents: list[Any] = [None] * frame.height
    for pack in {id(p): p for p in packs}.values():
        positions = [i for i, p in enumerate(packs) if p is pack]
        for i, document in zip(positions, documents_of(frame[positions], [pack]), strict=True):
            documents[i] = document
    return documents


def _screen_pack(
    spark: Any,
    indexed: Any,
    pack: LawPack,
    as_of: dt.date | None,
    refuse_read_before: bool = False,
    stored: Mapping[str, Any] | None = None,
) -> tuple[Any, list[int]]:
    """The output rows of one pack's documents that its columns vouch for (``ROW_INDEX`` kept), and the
    ``ROW_INDEX`` of each other one (the single evaluator reads it)."""
    import polars as pl

    F = _functions()
    plan = compile_plan(pack.law_book(), pack.program).levelled()
    facts_schema, read = _fact_reader(pack, plan, as_of)
    missing = sorted({spark_name(f) for f in plan.facts} - set(facts_schema.fieldNames()))
    if missing:
        raise RuleDefinitionError(f"law pack {pack.id}: its column form lacks the facts {missing}")

    def extract(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            table = restore(pa.Table.from_batches([batch]), stored or {})
            # A row whose text is not UTF-8 is not read here: its facts are none, it is not
            # vouched for, and the driver gives its error row (_single_rows).
            refused = refused_rows(table)
            whole = _polars_frame(other_rows(table, refused))
            facts = read(whole.drop(ROW_INDEX)).with_columns(whole[ROW_INDEX].cast(pl.Int64))
            if refused:
                rows = table.column(ROW_INDEX).take(list(refused)).to_pylist()
                unread = pl.DataFrame(
                    {ROW_INDEX: rows, VOUCHED_COLUMN: [False] * len(rows)},
                    schema={ROW_INDEX: pl.Int64, VOUCHED_COLUMN: pl.Boolean},
                )
                facts = pl.concat([facts, unread], how="diagonal_relaxed")
            yield from _arrow_for_spark(facts.rename({c: spark_name(c) for c in facts.columns})).to_batches()

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
        ROW_INDEX,
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
        (
            ~F.col(spark_name(VOUCHED_COLUMN))
            | F.coalesce(F.col(spark_name(NO_VERSION)), F.lit(True))
            | (
                F.coalesce(F.col(spark_name(OCCURRED_ON_COLUMN)) > F.lit(as_of), F.lit(False))
                if refuse_read_before and as_of is not None
                else F.lit(False)
            )
        ).alias("_redo"),
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
        # Typed, not inferred: a word or ``_beyond`` may be null on every row, the lists all empty.
        types = [*(f"{w} bigint" for w in words), *(f"{e} boolean" for e in extra), f"{target} array<string>"]
        decoded = spark.createDataFrame(table, ", ".join(types)) if table else None
        if decoded is not None:
            out = out.join(F.broadcast(decoded), on=[*words, *extra], how="left")
        out = out.drop(*words)
    out = out.drop("_beyond")
    redo = [int(r[ROW_INDEX]) for r in out.filter("_redo").select(ROW_INDEX).collect()]
    return out.filter(~F.col("_redo")).drop("_redo"), redo


def _polars_frame(arrow: Any) -> Any:
    """A Polars frame of an Arrow table or batch."""
    import polars as pl

    return pl.from_arrow(arrow)
