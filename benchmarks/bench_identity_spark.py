"""Deduplication on Splink's Spark backend (local mode, 2 cores) beside DuckDB, same model.

10 million records (the issue's size) are not run here: the candidate pairs grow fourfold per
doubling of the records, and Spark local[2] would need about 4 hours (docs/IDENTITY.md, "Spark",
for the measurements and the path to a cluster). ``python -m benchmarks.identity_spark N`` runs one size.
"""

from __future__ import annotations

from benchmarks.identity_spark import row, spark_vs_duckdb
from benchmarks.report import Section


def run(quick: bool) -> Section:
    """Measure and return the Spark section of docs/PERFORMANCE.md."""
    result = spark_vs_duckdb(20_000 if quick else 100_000)
    body = (
        "Shipped model, match at 0.5; the same Parquet file read by both; Spark `local[2]` with Splink's "
        "similarity jar (the wall time after the session has started, and the start itself).\n\n"
        "| run | DuckDB | Spark |\n|---|---|---|\n" + row(result) + "\n\n"
        "Both pair counts are shown; tests/identity/test_spark.py checks that the two engines predict the "
        "same pairs on 600 records.\n"
    )
    return Section("identity_spark", "Identity deduplication on Spark (local mode) beside DuckDB", body)
