"""The same model on Splink's Spark backend, in local mode (needs pyspark and a JVM).

The Spark side runs in a process of its own: Splink's similarity functions come from a jar that a
JVM loads only when it starts, and another test of the suite (the batch evaluator's Spark run) may
already have started this process's JVM without it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

CHILD = r"""
import json, os, sys
from pyspark.sql import SparkSession
from splink import DuckDBAPI, Linker, SparkAPI
from splink.backends.spark import similarity_jar_location
import pyarrow as pa
from amparo.identity import synth
from amparo.identity.linkage import load_default_model
from amparo.identity.model import for_dialect, register_spark_functions
from amparo.identity.names import MODEL_COLUMNS, normalise_record

# Typos where Splink's jar and DuckDB disagree on Jaro-Winkler (a level apart), besides 600 records.
crafted = [
    {"record_id": "X1", "given_names": "VICENTE", "surnames": "LOPEZ GARCIA", "birth_date": "1990-01-01"},
    {"record_id": "X2", "given_names": "VICNTE", "surnames": "LOPEZ GARCIA", "birth_date": "1990-01-01"},
    {"record_id": "X3", "given_names": "FERNANPO", "surnames": "RAMOS", "birth_date": "1985-05-05"},
    {"record_id": "X4", "given_names": "FARNANDO", "surnames": "RAMOS", "birth_date": "1985-05-05"},
    {"record_id": "X5", "given_names": "ANA", "surnames": "HERNANDEZ MILLAN", "birth_date": "1970-02-02"},
    {"record_id": "X6", "given_names": "ANA", "surnames": "HERNENDEZ", "birth_date": "1970-02-02"},
]
records = [normalise_record(e) for e in [*synth.generate(600, 3).encounters, *crafted]]
trained = load_default_model()[0]
os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers' Python must have rapidfuzz
spark = (
    SparkSession.builder.master("local[1]")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.ui.enabled", "false")
    .config("spark.jars", similarity_jar_location())
    .getOrCreate()
)
spark.sparkContext.setCheckpointDir(sys.argv[1])
register_spark_functions(spark)
try:
    frame = spark.createDataFrame([[r[c] for c in MODEL_COLUMNS] for r in records], schema=
        "unique_id string, given_1 string, given_2 string, surname_1 string, surname_2 string, dob string, "
        "dob_year int, dob_month int, dob_day int, sex string, nationality string, document_number string, "
        "address string, locality string, postcode string")
    spark_pairs = (
        Linker(SparkAPI(spark_session=spark).register(frame), for_dialect(trained, "spark", "dedupe_only"), log_level=None)
        .inference.predict(warning_mode="never")
        .as_record_list()
    )
finally:
    spark.stop()
duck_pairs = (
    Linker(DuckDBAPI().register(pa.Table.from_pylist(records)), for_dialect(trained, "duckdb", "dedupe_only"), log_level=None)
    .inference.predict(warning_mode="never")
    .as_record_list()
)
key = lambda r: "|".join(sorted([r["unique_id_l"], r["unique_id_r"]]))
print(json.dumps({
    "spark": {key(r): r["match_probability"] for r in spark_pairs},
    "duckdb": {key(r): r["match_probability"] for r in duck_pairs},
}))
"""


def test_spark_local_mode_scores_every_pair_like_duckdb(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "checkpoints")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    scored = json.loads(done.stdout.strip().splitlines()[-1])
    spark, duckdb = scored["spark"], scored["duckdb"]
    assert set(spark) == set(duckdb)  # the same blocked pairs...
    assert {k for k, p in spark.items() if p >= 0.5} == {k for k, p in duckdb.items() if p >= 0.5}
    assert sum(p >= 0.5 for p in duckdb.values()) > 50
    # ... each scored alike, the typos where the jar's Jaro-Winkler differs included.
    assert {"X1|X2", "X3|X4", "X5|X6"} <= set(duckdb)
    assert {k: round(p, 9) for k, p in spark.items()} == {k: round(p, 9) for k, p in duckdb.items()}
