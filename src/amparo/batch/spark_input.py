"""The Spark job's input as ``amparo screen --batch`` reads it: a folder's parts found the same way
(every file, sub-folders' too, none whose name starts with ``_`` or ``.``; no Hive partition
column added to the documents), and each row's place in the input counted with the parts in the
order of their paths (:func:`amparo.batch.parquet_input.parquet_parts`), where Spark reads the
largest part first; instants Spark reads otherwise than Arrow read as Arrow reads them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from amparo.batch.spark_types import LITERAL_PATHS
from amparo.errors import FieldError, InputError, Phrase

#: Spark's reader options for a folder of parts: every file under it, no partition discovery
#: (a ``year=2025`` folder would otherwise add a ``year`` field to each document, which the single
#: evaluator refuses as unknown, and root parts beside such a folder stop the read), and the
#: parts' schemas merged (Spark reads every part with the first one's columns otherwise: a field
#: the first part lacks was null in every other part, silently, where ``screen --batch`` reads each
#: part with its own).
READ_OPTIONS = {"recursiveFileLookup": "true", "mergeSchema": "true"}

_FILE, _PARTITION, _SHIFT = "_amparo_file", "_amparo_partition", "_amparo_shift"
_PARTITION_BITS = 33  # monotonically_increasing_id: the partition's id above the row's place in it


#: Spark reads a nanosecond timestamp (pandas' default) as a whole number under this setting, and
#: refuses the file without it (``PARQUET_TYPE_ILLEGAL``).
NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong"


def read_parquet(spark: Any, source: str, parts: Sequence[Path] | None = None) -> Any:
    """The documents of the Parquet file or folder ``source`` (``parts``: its part files, when it
    is local: Spark is given exactly the files ``screen --batch`` reads, each named literally, so
    that a name holding ``[``, ``*`` or ``{`` is not a pattern matching other files and a linked
    sub-folder is not followed), their instants read as Arrow reads them, where Spark reads them
    otherwise:

    - a top-level column of nanosecond timestamps (``encountered_at`` as pandas writes it), which
      Spark refuses: read as whole numbers (:data:`NANOS_AS_LONG`) and turned back into the instant
      (in a time zone) or local time (none), to the microsecond; one nested in a struct or list
      stays a whole number (a field encounter v1 does not have);
    - a top-level INT96 timestamp (a deprecated form), an instant in UTC for Spark and a local
      time without a zone for Arrow: a local time (``screen --batch`` refuses it at its path);
    - times of day and half floats, which Spark does not read: read as stored, their Arrow type
      given back in each batch (:mod:`amparo.batch.spark_types`)."""
    from pyspark.sql import functions as F

    from amparo.batch.spark_types import refuse_mixed, stand_in_schema, unreadable_leaves

    found = _timestamp_columns(parts) if parts else None
    if found is not None and found.nested_nanos | set(found.nanos):
        spark.conf.set(NANOS_AS_LONG, "true")
    if parts:
        reader = spark.read.options(**READ_OPTIONS, **LITERAL_PATHS)
        if found is not None and any(unreadable_leaves(f.type) for _, s in found.schemas for f in s):
            refuse_mixed(found.schemas)
            reader = reader.schema(stand_in_schema(spark, found.schemas, found.int96))
        frame = reader.parquet(*map(_literal, parts))
    else:
        frame = spark.read.options(**READ_OPTIONS).parquet(source)
    for name, zoned in (found.nanos if found else {}).items():
        micros = F.expr(f"timestamp_micros(div({_quoted(name)}, 1000))")
        frame = frame.withColumn(name, micros if zoned else micros.cast("timestamp_ntz"))
    for name in found.int96 if found else ():
        frame = frame.withColumn(name, F.col(_quoted(name)).cast("timestamp_ntz"))
    return frame


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@dataclass(frozen=True)
class _Timestamps:
    """The timestamp columns of a Parquet schema that Spark reads otherwise than Arrow."""

    nanos: dict[str, bool]  # top-level nanosecond columns -> whether they have a time zone
    nested_nanos: set[str]  # leaf paths of nested ones
    int96: set[str]  # top-level INT96 columns
    schemas: list[tuple[Path, Any]]  # each part's Arrow schema


def _literal(path: Path) -> str:
    """A local file as a ``file:`` path (read with :data:`LITERAL_PATHS`: ``x[ab].parquet`` is that
    file, where Hadoop's patterns matched ``xa.parquet``, and ``enc[1].parquet`` nothing)."""
    return "file://" + os.path.abspath(path)


def _timestamp_columns(parts: Sequence[Path]) -> _Timestamps | None:
    """The timestamp columns of local Parquet parts that Spark reads otherwise than Arrow, over
    every part (a nanosecond column in a later part only was refused by Spark); ``None`` where
    one cannot be read here (Spark says what it finds). A top-level column of nanoseconds in some
    parts and not in others cannot be read as one column by Spark: refused, naming both."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    found = _Timestamps({}, set(), set(), [])
    kinds: dict[str, tuple[bool, Path]] = {}  # column -> (nanoseconds, a part where it is so)
    for part in parts:
        try:
            schema = pq.ParquetFile(part).schema
        except (pa.ArrowException, OSError):
            return None
        arrow = schema.to_arrow_schema()
        found.schemas.append((part, arrow))
        for i in range(len(schema)):
            column = schema.column(i)
            top = "." not in column.path
            logical = str(column.logical_type).lower()  # a time of day in nanoseconds is no instant
            nanos = (
                column.physical_type == "INT64"
                and logical.startswith("timestamp")
                and "unit=nanoseconds" in logical
            )
            if column.physical_type == "INT96":
                if top:
                    found.int96.add(column.path)
            elif nanos and not top:
                found.nested_nanos.add(column.path)
            elif nanos:
                found.nanos[column.path] = arrow.field(column.path).type.tz is not None
            if top:
                kinds.setdefault(column.path, (nanos, part))
                if kinds[column.path][0] != nanos:
                    ns, other = (part, kinds[column.path][1]) if nanos else (kinds[column.path][1], part)
                    raise InputError(
                        [
                            FieldError(
                                "IN",
                                Phrase(
                                    "the column {column} holds nanosecond timestamps in {ns} and "
                                    "not in {other}: Spark cannot read them as one column (write every "
                                    "part alike, or screen them with `amparo screen --batch`)",
                                    column=repr(column.path),
                                    ns=ns,
                                    other=other,
                                ),
                            )
                        ]
                    )
    return found


def _path_of(uri: str) -> PurePosixPath:
    """The path a file URI names (``file:///a/b%20c.parquet`` → ``/a/b c.parquet``), compared as
    ``parquet_parts`` compares paths: by their components."""
    return PurePosixPath(unquote(urlparse(uri).path))


def with_input_order(documents: Any, column: str) -> Any:
    """``documents`` with ``column``: each row's place in the input, a unique long, rows in the
    order of the parts' paths and each part's rows in its order (where Spark numbers them in the
    order it reads: the largest part first). One pass over the files' rows, none of their columns,
    counts how many rows each part holds in each of Spark's partitions; a DataFrame not read from
    several files keeps Spark's numbering."""
    from pyspark.sql import functions as F

    numbered = documents.withColumn(column, F.monotonically_increasing_id())
    if len(documents.inputFiles()) < 2 or {_FILE, _PARTITION, _SHIFT} & set(documents.columns):
        return numbered
    tagged = numbered.withColumn(_FILE, F.input_file_name())
    partition = F.shiftright(column, _PARTITION_BITS).alias(_PARTITION)
    pieces = (
        tagged.groupBy(_FILE, partition)
        .agg(F.min(column).alias("first"), F.max(column).alias("last"), F.count(F.lit(1)).alias("rows"))
        .collect()
    )
    if any(p["last"] - p["first"] + 1 != p["rows"] for p in pieces):
        return numbered  # a part's rows not one run in a partition: Spark's own order (not seen)
    pieces.sort(key=lambda p: (_path_of(p[_FILE]), p["first"]))
    shifts, start = [], 0
    for piece in pieces:
        shifts.append((piece[_FILE], piece[_PARTITION], start - piece["first"]))
        start += piece["rows"]
    spark = documents.sparkSession
    table = spark.createDataFrame(shifts, f"{_FILE} string, {_PARTITION} bigint, {_SHIFT} bigint")
    return (
        tagged.withColumn(_PARTITION, F.shiftright(column, _PARTITION_BITS))
        .join(F.broadcast(table), on=[_FILE, _PARTITION], how="inner")
        .withColumn(column, F.col(column) + F.col(_SHIFT))
        .drop(_FILE, _PARTITION, _SHIFT)
    )
