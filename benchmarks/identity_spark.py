"""Deduplication with the shipped model on Splink's Spark backend (local mode) beside DuckDB.

Same records, same model (``model.for_dialect`` rebuilds the comparisons in Spark SQL and copies
m, u and lambda), same threshold; the two must predict the same pairs. Run on its own:
``python -m benchmarks.identity_spark N`` (it prints one Markdown table row).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def spark_vs_duckdb(n: int, *, cores: int = 2, seed: int = 1) -> dict[str, Any]:
    """Wall times (s) of deduplicating ``n`` synthetic records on Spark local[cores] and DuckDB."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
    from pyspark.sql import SparkSession
    from splink import DuckDBAPI, Linker, SparkAPI
    from splink.backends.spark import similarity_jar_location

    from amparo.identity import synth
    from amparo.identity.linkage import _arrow_table, load_default_model
    from amparo.identity.model import for_dialect
    from amparo.identity.names import normalise_record

    records = [normalise_record(e) for e in synth.generate(n, seed).encounters]
    table: pa.Table = _arrow_table(records)
    trained = load_default_model()[0]
    out: dict[str, Any] = {"records": n, "cores": cores}
    with tempfile.TemporaryDirectory() as tmp:
        pq.write_table(table, Path(tmp) / "records.parquet")
        started = time.perf_counter()
        duck = Linker(
            DuckDBAPI().register(table), for_dialect(trained, "duckdb", "dedupe_only"), log_level=None
        )
        duck_pairs = duck.inference.predict(threshold_match_probability=0.5, warning_mode="never")
        duck_count = len(duck_pairs.as_record_list())
        out["duckdb_s"] = time.perf_counter() - started
        started = time.perf_counter()
        spark = (
            SparkSession.builder.master(f"local[{cores}]")
            .config("spark.sql.shuffle.partitions", str(4 * cores))
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "6g")
            .config("spark.jars", similarity_jar_location())
            .getOrCreate()
        )
        spark.sparkContext.setCheckpointDir(str(Path(tmp) / "checkpoints"))
        out["spark_start_s"] = time.perf_counter() - started
        try:
            started = time.perf_counter()
            frame = spark.read.parquet(str(Path(tmp) / "records.parquet"))
            linker = Linker(
                SparkAPI(spark_session=spark).register(frame),
                for_dialect(trained, "spark", "dedupe_only"),
                log_level=None,
            )
            pairs = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
            spark_count = pairs.as_spark_dataframe().count()
            out["spark_s"] = time.perf_counter() - started
        finally:
            spark.stop()
    out["duckdb_pairs"], out["spark_pairs"] = int(duck_count), int(spark_count)
    return out


def row(result: dict[str, Any]) -> str:
    """One Markdown table row of :func:`spark_vs_duckdb`'s result."""
    return (
        f"| dedupe {result['records']:,} records, shipped model | {result['duckdb_s']:.1f} s "
        f"({result['duckdb_pairs']:,} pairs) | {result['spark_s']:.1f} s + {result['spark_start_s']:.1f} s start "
        f"({result['spark_pairs']:,} pairs), local[{result['cores']}] |"
    )


if __name__ == "__main__":
    print(row(spark_vs_duckdb(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
