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


def test_sql_literals_have_the_values_and_types_of_spark_literals(spark: Any) -> None:
    """The plan reaches Spark as SQL text: every literal reads back as the value, of the type
    ``F.lit`` gives it (an instant as its UTC wall time: the session reads UTC)."""
    import datetime as dt

    from pyspark.sql import functions as F

    from amparo.batch.spark import sql_literal

    values = [
        None,
        True,
        False,
        0,
        -5,
        2**40,
        1.5,
        -0.25,
        "MX",
        "it's",
        "back\\slash",
        "comillas 'simples' y \\n literal",
        dt.date(2024, 6, 5),
        ("MX", "GT"),
    ]
    row = (
        spark.range(1)
        .select(
            *(F.expr(sql_literal(v)).alias(f"v{i}") for i, v in enumerate(values)),
            *(F.expr(f"typeof({sql_literal(v)})").alias(f"t{i}") for i, v in enumerate(values)),
            *(F.typeof(F.lit(v)).alias(f"l{i}") for i, v in enumerate(values[:13])),
            F.expr(
                "date_format("
                + sql_literal(dt.datetime(2024, 6, 5, 4, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))))
                + ", 'yyyy-MM-dd HH:mm')"
            ).alias("instant"),
        )
        .first()
    )
    assert row is not None
    assert [row[f"v{i}"] for i in range(len(values))] == [
        list(v) if isinstance(v, tuple) else v for v in values
    ]
    types = [row[f"t{i}"] for i in range(len(values))]
    assert types[:13] == [row[f"l{i}"] for i in range(13)]
    assert types == [
        "void", "boolean", "boolean", "int", "int", "bigint", "double", "double",
        "string", "string", "string", "string", "date", "array<string>",
    ]  # fmt: skip
    assert row["instant"] == "2024-06-05 09:30"


def test_the_session_gets_its_own_settings_back(spark: Any) -> None:
    from amparo.batch.spark import SESSION_SETTINGS, session_settings

    first = next(iter(SESSION_SETTINGS))
    spark.conf.set(first, "true")
    before = {key: spark.conf.get(key, None) for key in SESSION_SETTINGS}
    with session_settings(spark):
        assert {key: spark.conf.get(key) for key in SESSION_SETTINGS} == dict(SESSION_SETTINGS)
    assert {key: spark.conf.get(key, None) for key in SESSION_SETTINGS} == before
    assert spark.conf.get(first) == "true"


def test_the_job_command_names_a_bad_date_before_starting_spark(capsys: Any) -> None:
    from amparo.cli.spark_job import main

    assert main(["in.parquet", "out.parquet", "--as-of", "2024-13-01"]) == 2
    assert "--as-of: expected a date written YYYY-MM-DD, got '2024-13-01'" in capsys.readouterr().err


def test_the_job_command_names_an_input_spark_cannot_read(spark: Any, tmp_path: Path, capsys: Any) -> None:
    from amparo.cli.spark_job import main

    garbage = tmp_path / "not.parquet"
    garbage.write_text("not parquet")
    missing = tmp_path / "missing.parquet"
    for source in (missing, garbage):
        code = main([str(source), str(tmp_path / "out.parquet"), "--master", "local[1]"])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.startswith(f"error: IN: cannot read {source} as Parquet (")
        assert "Traceback" not in err
        assert not (tmp_path / "out.parquet").exists()
