"""The Spark job's input as ``amparo screen --batch`` reads it: a folder's parts found the same way
(every file, sub-folders' too, none whose name starts with ``_`` or ``.``; no Hive partition
column added to the documents), and each row's place in the input counted with the parts in the
order of their paths (:func:`amparo.batch.parquet_input.parquet_parts`), where Spark reads the
largest part first."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from amparo.errors import AmparoError

#: Spark's reader options for a folder of parts: every file under it, no partition discovery
#: (a ``year=2025`` folder would otherwise add a ``year`` field to each document, which the single
#: evaluator refuses as unknown, and root parts beside such a folder stop the read).
READ_OPTIONS = {"recursiveFileLookup": "true"}

_FILE, _PARTITION, _SHIFT = "_amparo_file", "_amparo_partition", "_amparo_shift"
_PARTITION_BITS = 33  # monotonically_increasing_id: the partition's id above the row's place in it


#: Spark reads a nanosecond timestamp (pandas' default) as a whole number under this setting, and
#: refuses the file without it (``PARQUET_TYPE_ILLEGAL``).
NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong"


def read_parquet(spark: Any, source: str) -> Any:
    """The documents of the Parquet file or folder ``source``. A top-level column of nanosecond
    timestamps (``encountered_at`` as pandas writes it) is read as the instant (in a time zone) or
    the local time (none) Arrow reads, to the microsecond, as ``screen --batch`` reads it; one
    nested in a struct or list stays a whole number (a field encounter v1 does not have)."""
    from pyspark.sql import functions as F

    nanos = _nanosecond_columns(source)
    if nanos is not None:
        spark.conf.set(NANOS_AS_LONG, "true")
    frame = spark.read.options(**READ_OPTIONS).parquet(source)
    for name, zoned in (nanos or {}).items():
        micros = F.expr(f"timestamp_micros(div(`{name.replace('`', '``')}`, 1000))")
        frame = frame.withColumn(name, micros if zoned else micros.cast("timestamp_ntz"))
    return frame


def _nanosecond_columns(source: str) -> dict[str, bool] | None:
    """Where a local Parquet file (or a folder's first part) holds nanosecond timestamps: each
    top-level such column and whether it has a time zone (``{}``: only nested ones); ``None``
    where it holds none or cannot be read here (a remote path: Spark says what it finds)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    from amparo.batch.parquet_input import parquet_parts

    path = Path(source)
    try:
        schema = pq.read_schema(parquet_parts(path)[0]) if path.exists() else None
    except (AmparoError, pa.ArrowException, OSError):
        return None
    if schema is None:
        return None

    def nanos(dtype: Any) -> bool:
        if pa.types.is_timestamp(dtype):
            return bool(dtype.unit == "ns")
        if pa.types.is_struct(dtype):
            return any(nanos(dtype.field(i).type) for i in range(dtype.num_fields))
        if pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
            return nanos(dtype.value_type)
        if pa.types.is_map(dtype):
            return nanos(dtype.key_type) or nanos(dtype.item_type)
        return False

    if not any(nanos(f.type) for f in schema):
        return None
    return {
        f.name: f.type.tz is not None for f in schema if pa.types.is_timestamp(f.type) and f.type.unit == "ns"
    }


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
