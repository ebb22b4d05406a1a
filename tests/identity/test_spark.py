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
import json, sys
from pyspark.sql import SparkSession
from splink import DuckDBAPI, Linker, SparkAPI
from splink.backends.spark import similarity_jar_location
import pyarrow as pa
from amparo.identity import synth
from amparo.identity.linkage import load_default_model
from amparo.identity.model import for_dialect
from amparo.identity.names import MODEL_COLUMNS, normalise_record

records = [normalise_record(e) for e in synth.generate(600, 3).encounters]
trained = load_default_model()[0]
spark = (
    SparkSession.builder.master("local[1]")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.ui.enabled", "false")
    .config("spark.jars", similarity_jar_location())
    .getOrCreate()
)
spark.sparkContext.setCheckpointDir(sys.argv[1])
try:
    frame = spark.createDataFrame([[r[c] for c in MODEL_COLUMNS] for r in records], schema=
        "unique_id string, given_1 string, given_2 string, surname_1 string, surname_2 string, dob string, "
        "dob_year int, dob_month int, dob_day int, sex string, nationality string, document_number string, "
        "address string, locality string, postcode string")
    spark_pairs = (
        Linker(SparkAPI(spark_session=spark).register(frame), for_dialect(trained, "spark", "dedupe_only"), log_level=None)
        .inference.predict(threshold_match_probability=0.5, warning_mode="never")
        .as_record_list()
    )
finally:
    spark.stop()
duck_pairs = (
    Linker(DuckDBAPI().register(pa.Table.from_pylist(records)), for_dialect(trained, "duckdb", "dedupe_only"), log_level=None)
    .inference.predict(threshold_match_probability=0.5, warning_mode="never")
    .as_record_list()
)
key = lambda r: sorted([r["unique_id_l"], r["unique_id_r"]])
print(json.dumps({"spark": [key(r) for r in spark_pairs], "duckdb": [key(r) for r in duck_pairs]}))
"""


def test_spark_local_mode_scores_like_duckdb(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "checkpoints")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pairs = json.loads(done.stdout.strip().splitlines()[-1])
    spark = {tuple(p) for p in pairs["spark"]}
    duckdb = {tuple(p) for p in pairs["duckdb"]}
    assert spark == duckdb
    assert len(duckdb) > 50
