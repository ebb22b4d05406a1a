"""The Spark job's input as ``amparo screen --batch`` reads it: a folder's parts found the same way
(every file, sub-folders' too, none whose name starts with ``_`` or ``.``; no Hive partition
column added to the documents), and each row's place in the input counted with the parts in the
order of their paths (:func:`amparo.batch.parquet_input.parquet_parts`), where Spark reads the
largest part first."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

#: Spark's reader options for a folder of parts: every file under it, no partition discovery
#: (a ``year=2025`` folder would otherwise add a ``year`` field to each document, which the single
#: evaluator refuses as unknown, and root parts beside such a folder stop the read).
READ_OPTIONS = {"recursiveFileLookup": "true"}

_FILE, _PARTITION, _SHIFT = "_amparo_file", "_amparo_partition", "_amparo_shift"
_PARTITION_BITS = 33  # monotonically_increasing_id: the partition's id above the row's place in it


def read_parquet(spark: Any, source: str) -> Any:
    """The documents of the Parquet file or folder ``source``."""
    return spark.read.options(**READ_OPTIONS).parquet(source)


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
