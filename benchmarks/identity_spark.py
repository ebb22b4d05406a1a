"""Deduplication with the shipped model on Splink's Spark backend (local mode) beside DuckDB.

Same records, same model (``model.for_dialect`` rebuilds the comparisons in Spark SQL and copies
m, u and lambda), same threshold; the two must predict the same pairs. The records are written
once as Parquet part files, chunk by chunk (:func:`write_population`), so ten million never sit in
Python's memory; each engine reads the files and counts its pairs itself. Run on its own:
``python -m benchmarks.identity_spark N [duckdb|spark|both] [--scale national] [--records DIR]``
(it prints one Markdown table row: wall times, pairs predicted and how many of them are true by
the generator's person ids), or ``N pairs`` for the candidate pairs of each blocking rule.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

#: Records generated per part file: one synthetic population of this size (its own seed) each.
CHUNK = 250_000


def _write_part(args: tuple[int, int, int, Path]) -> int:
    """Generate one part (``size`` records, seed ``seed``) and write it as Parquet."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    from amparo.identity import synth
    from amparo.identity.linkage import _arrow_table
    from amparo.identity.names import normalise_record

    part, size, seed, directory = args
    records, persons = [], []
    for encounter in synth.generate(size, seed).encounters:
        record = normalise_record(encounter)
        record["unique_id"] = f"C{part:04d}{record['unique_id']}"
        records.append(record)
        persons.append(f"C{part:04d}{encounter['person_id']}")
    table = _arrow_table(records).append_column("person_id", pa.array(persons, pa.string()))
    pq.write_table(table, directory / f"part-{part:04d}.parquet")
    return len(records)


def write_population(n: int, directory: Path, *, seed: int = 1, workers: int = 2) -> int:
    """Write ``n`` normalised synthetic records into ``directory`` as Parquet parts.

    Each part is a whole synthetic population of :data:`CHUNK` records (a person's repeat visits
    stay in one part) with its own seed derived from ``seed``; record ids are prefixed with the
    part number, so they stay unique. ``person_id`` (the truth, not a model column) is kept for
    measuring recall. Returns the number of records written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    sizes = [min(CHUNK, n - start) for start in range(0, n, CHUNK)]
    jobs = [(part, size, seed * 100_003 + part, directory) for part, size in enumerate(sizes)]
    if workers <= 1 or len(jobs) == 1:
        return sum(map(_write_part, jobs))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_write_part, jobs))


def _predict(linker: Any, trained: dict[str, Any], prior: str) -> Any:
    """Predict at 0.5, with the model's prior (``prior="model"``) or one re-estimated on the
    records first (``"data"``, as ``linkage.link_records`` does: lambda falls as 1/N)."""
    from amparo.identity.model import estimate_prior

    if prior == "data":
        estimate_prior(linker, keep_if_none=float(trained["probability_two_random_records_match"]))
    return linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")


def duckdb_predict(
    con: Any, directory: Path, trained: dict[str, Any], scale: str = "standard", prior: str = "model"
) -> str:
    """Load the Parquet parts in ``directory`` as the table ``records`` of the DuckDB connection
    ``con``, deduplicate them with the model (blocking rules of ``scale``) and return the name of
    the table of predicted pairs."""
    from splink import DuckDBAPI, Linker

    from amparo.identity.model import for_dialect

    con.execute(f"CREATE TABLE records AS SELECT * FROM read_parquet('{directory}/*.parquet')")
    linker = Linker(
        DuckDBAPI(connection=con).register("records"),
        for_dialect(trained, "duckdb", "dedupe_only", scale=scale),
        log_level=None,
    )
    return str(_predict(linker, trained, prior).physical_name)


def _duckdb(
    directory: Path, trained: dict[str, Any], tmp: Path, scale: str = "standard", prior: str = "model"
) -> tuple[float, int, int]:
    """Deduplicate on DuckDB: (seconds, pairs predicted, of them true: same ``person_id``)."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(str(tmp / "dedupe.duckdb"))
    con.execute(f"SET temp_directory = '{tmp / 'duckdb-spill'}'")
    pairs = duckdb_predict(con, directory, trained, scale, prior)
    row = con.execute(f"SELECT count(*) FROM {pairs}").fetchone()
    seconds = time.perf_counter() - started
    true = con.execute(
        f"SELECT count(*) FROM {pairs} p JOIN records l ON l.unique_id = p.unique_id_l "
        "JOIN records r ON r.unique_id = p.unique_id_r WHERE l.person_id = r.person_id"
    ).fetchone()
    con.close()
    return seconds, int(row[0]) if row else 0, int(true[0]) if true else 0


def _spark(
    directory: Path,
    trained: dict[str, Any],
    tmp: Path,
    cores: int,
    scale: str = "standard",
    prior: str = "model",
) -> tuple[float, float, int, int]:
    """Deduplicate on Spark local[cores]: (seconds, start seconds, pairs, true pairs)."""
    from pyspark.sql import SparkSession
    from splink import Linker, SparkAPI
    from splink.backends.spark import similarity_jar_location

    from amparo.identity.model import for_dialect, register_spark_functions

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers' Python must have rapidfuzz
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.sql.shuffle.partitions", str(4 * cores))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "12g")
        .config("spark.local.dir", str(tmp / "spark-local"))
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(str(tmp / "checkpoints"))
    register_spark_functions(spark)
    start_s = time.perf_counter() - started
    try:
        started = time.perf_counter()
        frame = spark.read.parquet(str(directory))
        linker = Linker(
            SparkAPI(spark_session=spark).register(frame),
            for_dialect(trained, "spark", "dedupe_only", scale=scale),
            log_level=None,
        )
        pairs = _predict(linker, trained, prior)
        predicted = pairs.as_spark_dataframe().select("unique_id_l", "unique_id_r").persist()
        count = predicted.count()
        seconds = time.perf_counter() - started
        people = frame.select("unique_id", "person_id")
        left = people.withColumnRenamed("unique_id", "unique_id_l").withColumnRenamed("person_id", "person_l")
        right = people.withColumnRenamed("unique_id", "unique_id_r").withColumnRenamed(
            "person_id", "person_r"
        )
        joined = predicted.join(left, "unique_id_l").join(right, "unique_id_r")
        true = joined.where(joined.person_l == joined.person_r).count()
        return seconds, start_s, int(count), int(true)
    finally:
        spark.stop()


def block_pairs(con: Any, columns: tuple[str, ...]) -> int:
    """Candidate pairs an equi-join rule on ``columns`` generates in the table ``records`` of the
    DuckDB connection ``con``: the sum over its blocks of c(c-1)/2 (nulls never agree)."""
    known = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    found = con.execute(
        "SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS c FROM records WHERE {known} GROUP BY {', '.join(columns)})"
    ).fetchone()
    return int(found[0]) if found else 0


def candidate_pairs(directory: Path, scale: str = "standard") -> dict[str, int]:
    """Pairs each equi-join prediction rule of ``scale`` generates on the records in
    ``directory`` (:func:`block_pairs`; Splink then drops pairs an earlier rule found), by rule."""
    import duckdb

    from amparo.identity.model import NATIONAL_PREDICTION_BLOCKS, PREDICTION_BLOCKS

    con = duckdb.connect()
    con.execute(f"CREATE TABLE records AS SELECT * FROM read_parquet('{directory}/*.parquet')")
    blocks = NATIONAL_PREDICTION_BLOCKS if scale == "national" else PREDICTION_BLOCKS
    out = {"+".join(columns): block_pairs(con, columns) for columns in blocks}
    con.close()
    return out


def spark_vs_duckdb(
    n: int,
    *,
    cores: int = 2,
    seed: int = 1,
    engines: str = "both",
    scale: str = "standard",
    records: Path | None = None,
    prior: str = "model",
) -> dict[str, Any]:
    """Wall times (s) of deduplicating ``n`` synthetic records on Spark local[cores] and DuckDB
    with the blocking rules of ``scale``. ``records``: a directory :func:`write_population`
    filled before (with ``n`` and ``seed``), else the records are written to a temporary one.
    ``prior``: the model's (``"model"``) or re-estimated on the records (``"data"``)."""
    from amparo.identity.linkage import load_default_model

    trained = load_default_model()[0]
    out: dict[str, Any] = {"records": n, "cores": cores, "scale": scale, "prior": prior}
    with tempfile.TemporaryDirectory(dir=records.parent if records else None) as name:
        tmp = Path(name)
        started = time.perf_counter()
        if records is None:
            records = tmp / "records"
            write_population(n, records, seed=seed, workers=cores)
        out["generate_s"] = time.perf_counter() - started
        if engines == "pairs":
            out["candidate_pairs"] = candidate_pairs(records, scale)
        if engines in ("both", "duckdb"):
            out["duckdb_s"], out["duckdb_pairs"], out["duckdb_true"] = _duckdb(
                records, trained, tmp, scale, prior
            )
        if engines in ("both", "spark"):
            out["spark_s"], out["spark_start_s"], out["spark_pairs"], out["spark_true"] = _spark(
                records, trained, tmp, cores, scale, prior
            )
    return out


def row(result: dict[str, Any]) -> str:
    """One Markdown table row of :func:`spark_vs_duckdb`'s result."""
    duck = (
        f"{result['duckdb_s']:.1f} s ({result['duckdb_pairs']:,} pairs, {result['duckdb_true']:,} true)"
        if "duckdb_s" in result
        else "not run"
    )
    spark = (
        f"{result['spark_s']:.1f} s + {result['spark_start_s']:.1f} s start "
        f"({result['spark_pairs']:,} pairs, {result['spark_true']:,} true), local[{result['cores']}]"
        if "spark_s" in result
        else "not run"
    )
    prior = ", prior re-estimated on the records" if result.get("prior") == "data" else ""
    return f"| dedupe {result['records']:,} records, shipped model, {result['scale']} blocking{prior} | {duck} | {spark} |"


def main(argv: list[str] | None = None) -> None:
    import argparse

    from amparo.identity.model import BLOCKING_SCALES

    parser = argparse.ArgumentParser(prog="python -m benchmarks.identity_spark", description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=100_000, help="records (default 100,000)")
    parser.add_argument("engines", nargs="?", default="both", choices=["both", "duckdb", "spark", "pairs"])
    parser.add_argument("--scale", default="standard", choices=BLOCKING_SCALES, help="blocking rules")
    parser.add_argument(
        "--records", type=Path, help="Parquet parts written before by write_population (n, seed 1)"
    )
    parser.add_argument(
        "--prior", default="model", choices=["model", "data"], help="lambda: the model's, or re-estimated"
    )
    args = parser.parse_args(argv)
    result = spark_vs_duckdb(
        args.n, engines=args.engines, scale=args.scale, records=args.records, prior=args.prior
    )
    if "candidate_pairs" in result:
        for rule, count in result["candidate_pairs"].items():
            print(f"{rule}: {count:,}")
        print(f"total: {sum(result['candidate_pairs'].values()):,} candidate pairs on {args.n:,} records")
    else:
        print(row(result), f"(records written in {result['generate_s']:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
