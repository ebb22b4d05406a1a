"""The same batch job on Apache Spark (local mode), from the same rule definitions: identical rows,
an invalid row included (read by the single evaluator on the driver)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from amparo.batch.runner import BatchScreener
from amparo.rules.us import US_PACK

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors' Python must have amparo
    session = (
        SparkSession.builder.master("local[1]")
        .appName("amparo-batch-test")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_gives_the_polars_rows(spark: Any, synthetic: Any, tmp_path: Path) -> None:
    from amparo.batch.spark import screen_spark

    frame = synthetic.head(120)
    person = (
        frame["person"]
        .struct.unnest()
        .with_columns(
            pl.when(pl.int_range(pl.len()) == 7)
            .then(pl.lit(["XX"]))
            .otherwise(pl.col("nationalities"))
            .alias("nationalities")
        )
    )
    frame = frame.with_columns(pl.struct(person).alias("person"))
    path = tmp_path / "in.parquet"
    frame.write_parquet(path)
    got = pl.from_arrow(screen_spark(spark, spark.read.parquet(str(path)), US_PACK).toArrow())
    expected = BatchScreener(US_PACK, verify_sample=0).screen_frame(frame)
    columns = ["encounter_id", "as_of", *US_PACK.program.summary_keys, "flags"]
    assert got.select(columns).to_dicts() == expected.select(columns).to_dicts()
    assert got["error"].is_not_null().to_list() == expected["error"].is_not_null().to_list()
    assert got["error"][7]["errors"][0]["path"] == "/person/nationalities/0"
