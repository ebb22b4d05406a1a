"""Deduplication on Splink's Spark backend (local mode, 2 cores) beside DuckDB, same model.

Both blocking scales on the same records: the standard rules and the national ones
(``model.NATIONAL_PREDICTION_BLOCKS``). Ten million records take an hour of both cores and are
run by hand (``python -m benchmarks.identity_spark 10000000 both --scale national``); their
figures are in the section "Identity deduplication at national scale" of docs/PERFORMANCE.md,
which ``make bench`` leaves as it is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.identity_spark import row, spark_vs_duckdb, write_population
from benchmarks.report import Section


def run(quick: bool) -> Section:
    """Measure and return the Spark section of docs/PERFORMANCE.md."""
    n = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as name:
        records = Path(name) / "records"
        write_population(n, records)
        rows = [row(spark_vs_duckdb(n, scale=scale, records=records)) for scale in ("standard", "national")]
    body = (
        "Shipped model, match at 0.5; the same Parquet parts read by both; Spark `local[2]` with Splink's "
        "similarity jar and DuckDB's Jaro-Winkler (`model.register_spark_functions`); the wall time after "
        'the session has started, and the start itself. "true": pairs of one person by the generator\'s '
        "truth.\n\n"
        "| run | DuckDB | Spark |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "tests/identity/test_spark.py checks that the two engines give every blocked pair the same "
        'probability. Larger runs: "Identity deduplication at national scale" below.\n'
    )
    return Section("identity_spark", "Identity deduplication on Spark (local mode) beside DuckDB", body)
