"""The same model on Splink's Spark backend, in local mode (needs pyspark and a JVM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from amparo.identity import synth
from amparo.identity.linkage import load_default_model
from amparo.identity.model import for_dialect
from amparo.identity.names import MODEL_COLUMNS, normalise_record

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.filterwarnings("ignore")]


def test_spark_local_mode_scores_like_duckdb(tmp_path: Path) -> None:
    pyspark = pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession
    from splink import DuckDBAPI, Linker, SparkAPI
    from splink.backends.spark import similarity_jar_location

    records = [normalise_record(e) for e in synth.generate(600, 3).encounters]
    trained = load_default_model()[0]
    model = for_dialect(trained, "duckdb", "dedupe_only")
    spark_model = for_dialect(trained, "spark", "dedupe_only")
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(str(tmp_path / "checkpoints"))
    try:
        frame = spark.createDataFrame([[r[c] for c in MODEL_COLUMNS] for r in records], schema=
            "unique_id string, given_1 string, given_2 string, surname_1 string, surname_2 string, dob string, "
            "dob_year int, dob_month int, dob_day int, sex string, nationality string, document_number string, "
            "address string, locality string, postcode string")  # fmt: skip
        spark_api = SparkAPI(spark_session=spark)
        spark_pairs = (
            Linker(spark_api.register(frame), spark_model, log_level=None)
            .inference.predict(threshold_match_probability=0.5, warning_mode="never")
            .as_record_list()
        )
    finally:
        spark.stop()
    import pyarrow as pa  # type: ignore[import-untyped]

    duck_api = DuckDBAPI()
    table = pa.Table.from_pylist(records)
    duck_pairs = (
        Linker(duck_api.register(table), model, log_level=None)
        .inference.predict(threshold_match_probability=0.5, warning_mode="never")
        .as_record_list()
    )
    key = lambda r: (min(r["unique_id_l"], r["unique_id_r"]), max(r["unique_id_l"], r["unique_id_r"]))  # noqa: E731
    assert {key(r) for r in spark_pairs} == {key(r) for r in duck_pairs}
    assert len(duck_pairs) > 50
    del pyspark
