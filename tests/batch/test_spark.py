"""The same batch job on Apache Spark (local mode), from the same rule definitions: identical rows,
an invalid row included (read by the single evaluator on the driver)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter
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
            .when(pl.int_range(pl.len()) == 9)
            .then(pl.lit(["GT", "US"]))  # a US national: refused, as one by one
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
    assert got["error"][9]["errors"][0]["path"] == "/person/nationalities"


def test_an_unsigned_column_that_spark_reads_as_a_decimal_gives_the_polars_rows(
    spark: Any, synthetic: Any, tmp_path: Path
) -> None:
    """Spark reads a Parquet ``uint64`` as ``decimal(20,0)``: each age so written was an error row
    on Spark (``/person/age: expected a whole number``) and a decision in ``screen --batch``."""
    from amparo.batch.spark import screen_spark

    age = pl.col("person").struct.field("age").cast(pl.UInt64)
    frame = synthetic.head(150).with_columns(pl.col("person").struct.with_fields(age.alias("age")))
    path = tmp_path / "unsigned.parquet"
    frame.write_parquet(path)
    documents = spark.read.parquet(str(path))
    assert "decimal(20,0)" in documents.schema["person"].dataType.simpleString()
    got = pl.from_arrow(screen_spark(spark, documents, US_PACK).toArrow())
    expected = BatchScreener(US_PACK, verify_sample=0).screen_frame(pl.read_parquet(path))
    columns = ["encounter_id", "as_of", *US_PACK.program.summary_keys, "flags", "error"]
    assert got.select(columns).to_dicts() == expected.select(columns).to_dicts()
    assert got["error"].is_null().all() and frame["person"].struct.field("age").is_not_null().sum() > 5


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


def _applications(n: int, seed: int) -> list[dict[str, Any]]:
    import random

    from eu_applications import eu_application

    rng = random.Random(seed)
    documents = [eu_application(rng, i) for i in range(n)]
    documents[3]["lodged_on"] = "2023-02-30"  # refused by parse: its error, from the single evaluator
    documents[5]["applicant"]["age"] = 300
    documents[8]["lodged_on"] = "2001-01-01"  # refused by read_dates: before the pack's coverage
    del documents[11]["lodged_in"]
    documents[13]["applicant"]["nationality"] = None  # stateless: given, null
    return documents


def test_eu_applications_on_spark_give_the_polars_rows(spark: Any, tmp_path: Path) -> None:
    """The EU pack on Spark: its facts read one application at a time inside ``mapInArrow``, its
    plan (months and years added, earliest and latest, weekdays, ISO dates, mapping lookups) as
    Spark SQL; every row, its errors included, as the Polars evaluator gives it."""
    from amparo.batch.spark import screen_spark
    from amparo.rules.eu import EU_PACK

    path = tmp_path / "applications.parquet"
    pl.DataFrame(_applications(600, 21), infer_schema_length=None).write_parquet(path)
    frame = pl.read_parquet(path)
    got = pl.from_arrow(screen_spark(spark, spark.read.parquet(str(path)), EU_PACK).toArrow())
    expected = BatchScreener(EU_PACK, verify_sample=0).screen_frame(frame)
    assert got.columns == expected.columns
    assert got.to_dicts() == expected.to_dicts()
    errors = got["error"].to_list()
    assert [e is not None for e in errors[:14]] == [i in {3, 5, 8, 11} for i in range(14)]
    assert errors[8]["errors"][0]["path"] == "/lodged_on"
    assert errors[13] is None and got["framework"][13] is not None  # a stateless applicant is screened
    assert set(got["framework"].drop_nulls()) == {"dublin_iii", "ammr"}  # both frameworks came up
    assert got["flags"].list.len().sum() > 0


def test_a_mixed_file_on_spark_reads_each_row_by_its_schema(
    spark: Any, synthetic: Any, tmp_path: Path
) -> None:
    """Encounters and EU applications in one Parquet file, each row read by the pack its ``schema``
    names (a row with none: the default pack's; a schema no pack reads: the error ``screen
    --batch`` gives); the output has every pack's keys, in the Polars evaluator's order."""
    from amparo.batch.spark import screen_spark
    from amparo.cli.packs import pack_registry

    # An encounter's documents and family are objects, an application's lists: not in one column
    applications = pl.DataFrame(_applications(150, 4), infer_schema_length=None).drop("documents", "family")
    encounters = synthetic.head(150)
    mixed = pl.concat(
        [encounters.head(75), applications.head(75), encounters.tail(75), applications.tail(75)],
        how="diagonal_relaxed",
    )
    mixed = mixed.with_columns(
        pl.when(pl.int_range(pl.len()) == 20)
        .then(pl.lit("amparo/unknown@9"))
        .when(pl.int_range(pl.len()) == 30)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("schema"))
        .alias("schema")
    )
    path = tmp_path / "mixed.parquet"
    mixed.write_parquet(path)
    registry = pack_registry()
    got = pl.from_arrow(screen_spark(spark, spark.read.parquet(str(path)), registry).toArrow())
    expected = BatchScreener(registry, verify_sample=0).screen_frame(pl.read_parquet(path))
    assert got.columns == expected.columns
    assert got.to_dicts() == expected.to_dicts()
    # an error row names no pack: four applications and the unknown schema; row 30 names none and
    # is read by the default pack (the settings': us)
    assert Counter(got["pack"].to_list()) == {"us": 149, "eu": 146, None: 5}
    assert got["error"][20]["errors"][0]["path"] == "/schema"
    assert got["pack"][30] == "us" and got["error"][30] is None


def test_a_row_read_one_by_one_is_rebuilt_by_its_own_pack_as_screen_batch_does(
    spark: Any, tmp_path: Path
) -> None:
    """Twenty-seventh round (a tester): rows read one by one on the driver were rebuilt by every
    installed pack at once, so an encounter with an unknown ``applicant`` field kept the EU pack's
    null ``applicant.nationality`` and its error named that path too; ``screen --batch`` rebuilds a
    row by the pack that reads it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from amparo.batch.files import screen_file
    from amparo.batch.spark import screen_spark
    from amparo.cli.packs import pack_registry

    document = {
        "schema": "amparo/encounter@1",
        "id": "N-1",
        "encountered_on": dt.date(2023, 8, 14),
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": ["GT"], "age": 27},
        "applicant": {"nationality": None, "birth_date": dt.date(1990, 1, 1)},
    }
    table = pa.Table.from_pylist(
        [document, {**document, "id": "N-2", "applicant": {"nationality": "SY", "birth_date": None}}]
    )
    source = tmp_path / "unknown.parquet"
    pq.write_table(table, source)
    got = pl.from_arrow(screen_spark(spark, spark.read.parquet(str(source)), pack_registry()).toArrow())
    screen_file(source, tmp_path / "out.parquet", pack_registry(), progress=False, verify_sample=0)
    assert got.to_dicts() == pl.read_parquet(tmp_path / "out.parquet").to_dicts()
    assert [[e["path"] for e in error["errors"]] for error in got["error"]] == [
        ["/applicant"],
        ["/applicant"],
    ]


def test_a_schema_column_that_is_not_text_gives_the_single_evaluators_error(
    spark: Any, tmp_path: Path
) -> None:
    """A ``schema`` column of a map type stopped the job (Spark cannot take the distinct of a map)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from amparo.batch.files import screen_file
    from amparo.batch.spark import screen_spark
    from amparo.cli.packs import pack_registry

    document = {
        "id": "M-1",
        "encountered_on": dt.date(2023, 8, 14),
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": ["GT"], "age": 27},
    }
    table = pa.Table.from_pylist([document, {**document, "id": "M-2"}]).append_column(
        "schema", pa.array([[("a", "b")], None], pa.map_(pa.string(), pa.string()))
    )
    source = tmp_path / "map.parquet"
    pq.write_table(table, source)
    got = pl.from_arrow(screen_spark(spark, spark.read.parquet(str(source)), pack_registry()).toArrow())
    screen_file(source, tmp_path / "out.parquet", pack_registry(), progress=False, verify_sample=0)
    assert got.to_dicts() == pl.read_parquet(tmp_path / "out.parquet").to_dicts()
    assert got["error"][0]["errors"][0]["path"] == "/schema" and got["error"][1] is None


def test_rows_whose_text_is_not_utf8_are_the_error_rows_screen_batch_gives(
    spark: Any, synthetic: Any, tmp_path: Path
) -> None:
    """Such a row made a Python worker stop with a panic reading its route (the job failed); now its
    error row is given on the driver, as ``amparo screen --batch`` gives it, and every other row is
    screened."""
    from spoiled_text import SPOILED, expected_errors, spoilable, write_spoiled

    from amparo.batch.files import screen_file
    from amparo.batch.spark import screen_spark
    from amparo.cli.packs import pack_registry

    source = write_spoiled(spoilable(synthetic), tmp_path / "in.parquet")
    got = pl.from_arrow(screen_spark(spark, spark.read.parquet(str(source)), pack_registry()).toArrow())
    screen_file(source, tmp_path / "out.parquet", pack_registry(), progress=False, verify_sample=0)
    expected = pl.read_parquet(tmp_path / "out.parquet")
    assert got.to_dicts() == expected.to_dicts()
    errors = {i: e["errors"] for i, e in enumerate(got["error"].to_list()) if e is not None}
    assert errors == {row: [error] for row, error in expected_errors().items()}
    assert len(SPOILED) == 5


def test_spark_meanings_of_dates_and_lookups_are_the_engines(spark: Any) -> None:
    """Each date and mapping expression the EU plan uses, in Spark SQL, against the engine's own
    meaning on awkward rows: month ends, a leap day, missing values, an absent key, a key twice."""
    import datetime as dt

    from amparo.batch.spark import spark_name, spark_sql
    from amparo.engine.expr import Get, IsoDate, PlusPeriod, Weekday, earliest, fact, latest

    rows = [
        {"d": dt.date(2024, 1, 31), "e": dt.date(2023, 6, 1), "m": {"DE": 1, "IT": 2}, "k": "IT"},
        {"d": dt.date(2024, 2, 29), "e": None, "m": {"DE": 3}, "k": "FR"},
        {"d": dt.date(2023, 8, 31), "e": dt.date(2023, 8, 31), "m": None, "k": "DE"},
        {"d": None, "e": None, "m": {"DE": 4}, "k": None},
        {"d": dt.date(2025, 12, 28), "e": dt.date(2026, 1, 4), "m": {}, "k": "DE"},
    ]
    d, e = fact("d"), fact("e")
    exprs = [
        PlusPeriod(d, 1, "months"),
        PlusPeriod(d, 6, "months"),
        PlusPeriod(d, 18, "months"),
        PlusPeriod(d, 1, "years"),
        PlusPeriod(d, 3, "years"),
        PlusPeriod(d, 2, "weeks"),
        PlusPeriod(d, -1, "days"),
        earliest(d, e),
        latest(d, e),
        earliest(d),
        latest(PlusPeriod(d, 1, "months"), e, d),
        Weekday(d),
        Weekday(e),
        IsoDate(d),
        Get(fact("m"), fact("k")),
    ]
    frame = spark.createDataFrame(
        [
            (r["d"], r["e"], None if r["m"] is None else [(k, v) for k, v in r["m"].items()], r["k"])
            for r in rows
        ],
        "d date, e date, m array<struct<key:string,value:bigint>>, k string",
    )
    got = frame.selectExpr(*(f"{spark_sql(x)} AS x{i}" for i, x in enumerate(exprs))).collect()
    for row, facts in zip(got, rows, strict=True):
        assert [row[f"x{i}"] for i in range(len(exprs))] == [x.evaluate(facts) for x in exprs], facts
    assert spark_name("a.b") == "a__b"
    duplicate = spark.createDataFrame(
        [([("DE", 1), ("DE", 2)], "DE")], "m array<struct<key:string,value:bigint>>, k string"
    )
    assert duplicate.selectExpr(f"{spark_sql(Get(fact('m'), fact('k')))} AS v").first()["v"] == 1


def test_leaves_read_as_stored_get_their_arrow_type_back_in_sliced_batches(
    spark: Any, tmp_path: Path
) -> None:
    """:func:`restore` on what Spark gives (numbers, bytes) inside structs, lists and maps, batches
    sliced (offsets not at zero): the values and types of the file; and a remote IN's refusal by
    Spark said as the kind of column it is."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from amparo.batch.spark_types import noted_leaves, restore, stand_in_schema
    from amparo.cli.spark_job import _unreadable_type

    kind = pa.struct(
        [
            ("at", pa.time64("us")),
            ("marks", pa.list_(pa.struct([("h", pa.float16()), ("t", pa.time32("ms"))]))),
            ("by", pa.map_(pa.string(), pa.time64("ns"))),
        ]
    )
    values = [
        {"at": dt.time(1, 2, 3), "marks": [{"h": np.float16(1.5), "t": dt.time(4)}, None], "by": [("a", 5)]},
        None,
        {"at": None, "marks": None, "by": None},
        {"at": dt.time(23, 59), "marks": [{"h": None, "t": None}], "by": [("b", None), ("c", 7)]},
    ]
    original = pa.table({"s": pa.array(values, kind), "n": [1, 2, 3, 4]})
    path = tmp_path / "s.parquet"
    pq.write_table(original, path)
    schema = stand_in_schema(spark, [(path, pq.read_schema(path))], set())
    stored = spark.read.schema(schema).parquet(str(path)).toArrow()  # as Spark gives it
    assert stored.schema.field("s").type != kind
    leaves = noted_leaves(schema)
    for start in range(4):
        sliced = stored.slice(start)
        assert (
            restore(sliced, leaves).column("s").to_pylist() == original.slice(start).column("s").to_pylist()
        )
        assert restore(sliced.to_batches()[0], leaves).schema.field("s").type == kind
    message = _unreadable_type(RuntimeError("[UNSUPPORTED_TIME_TYPE] The data type TIME is not supported."))
    assert message.startswith("a column of times of day (Parquet TIME")
    assert "half-precision" in _unreadable_type(
        RuntimeError("Illegal Parquet type: FIXED_LEN_BYTE_ARRAY (FLOAT16).")
    )


# The job command stops the session it ran in: these come last.
def test_in_local_mode_the_workers_run_the_commands_own_python() -> None:
    """Twenty-seventh round (a tester): outside an activated virtual environment the job failed
    after half a minute (exit 3): Spark started its workers with ``python3`` from the PATH."""
    import sys

    from amparo.cli.spark_job import workers_python

    for master in (None, "local", "local[2]", "local[*]"):
        environ: dict[str, str] = {}
        workers_python(master, environ)
        assert environ == {"PYSPARK_PYTHON": sys.executable}
    given = {"PYSPARK_PYTHON": "/opt/python3.12/bin/python"}
    workers_python("local[2]", given)
    assert given == {"PYSPARK_PYTHON": "/opt/python3.12/bin/python"}  # named: kept
    for master in ("yarn", "spark://host:7077", "k8s://https://cluster"):
        environ = {}
        workers_python(master, environ)
        assert environ == {}  # the executors' Python is theirs to name


def test_the_job_command_names_a_bad_date_before_starting_spark(capsys: Any) -> None:
    from amparo.cli.spark_job import main

    assert main(["in.parquet", "out.parquet", "--as-of", "2024-13-01"]) == 2
    assert (
        "--as-of: expected a real calendar date written YYYY-MM-DD, got '2024-13-01'"
        in capsys.readouterr().err
    )


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


def test_the_job_command_refuses_out_naming_in_before_starting_spark(tmp_path: Path, capsys: Any) -> None:
    from amparo.cli.spark_job import main

    source = tmp_path / "in.parquet"
    source.write_bytes(b"kept")
    assert main([str(source), str(tmp_path / ".." / tmp_path.name / "in.parquet")]) == 2
    assert "OUT: " in capsys.readouterr().err
    assert main(["s3://bucket/in.parquet/", "s3://bucket/in.parquet"]) == 2
    assert "OUT: s3://bucket/in.parquet is the path read as IN" in capsys.readouterr().err
    assert source.read_bytes() == b"kept"  # Spark's overwrite deletes OUT before it reads IN


def test_the_job_command_refuses_an_out_holding_in_a_bad_master_and_an_unwritable_out(
    tmp_path: Path, capsys: Any
) -> None:
    """Found by a helper (twenty-third round): OUT naming the folder that held IN deleted the input
    (Spark's overwrite) and exited 0; a --master that is no master URL, or an OUT where nothing can
    be written, ended in a traceback, exit 1. Each is refused before Spark starts, naming it."""
    from amparo.cli.spark_job import main

    folder = tmp_path / "p3"
    folder.mkdir()
    source = folder / "in.parquet"
    pl.DataFrame({"id": ["E-1"]}).write_parquet(source)
    kept = source.read_bytes()
    for args, said in (
        ([str(source), str(folder)], f"OUT: {folder} holds {source}, read as IN"),
        ([f"file://{source}", f"file:{folder}"], "read as IN, and is written over"),  # Spark's own URLs
        ([f"file://{source}", f"file://{source}"], "OUT: "),
        ([str(source), str(tmp_path / "p3" / "..")], "names no folder the job can replace"),
        ([str(source), ""], "names no folder the job can replace"),
        (["s3://b/p3/in.parquet", "s3://b/p3/"], "OUT: s3://b/p3/ holds s3://b/p3/in.parquet"),
        ([str(source), str(tmp_path / "o"), "--master", "bogus://x"], "--master: expected local, local[N]"),
        ([str(source), str(tmp_path / "o"), "--master", "local[0]"], "--master: expected"),
        ([str(source), str(tmp_path / "no-such" / "o")], "OUT: "),
        ([str(tmp_path / "missing.parquet"), str(tmp_path / "o")], "IN: cannot read"),
    ):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err, err
    assert source.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p3"]


def test_the_job_command_keeps_an_existing_out_until_the_new_one_is_whole(
    spark: Any, synthetic: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Spark's overwrite deleted OUT before the job ran: one that failed or was stopped left none.
    OUT is now written beside itself and put in place once whole."""
    from amparo.batch import spark as spark_module
    from amparo.cli.spark_job import main

    source, out = tmp_path / "in.parquet", tmp_path / "out"
    synthetic.head(50).write_parquet(source)
    out.mkdir()
    (out / "marker.txt").write_text("earlier run")

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise spark_module.RuleDefinitionError("the law pack broke")

    monkeypatch.setattr(spark_module, "screen_spark", failing)
    assert main([str(source), str(out), "--master", "local[1]"]) == 4
    assert (out / "marker.txt").read_text() == "earlier run"
    monkeypatch.undo()
    assert main([str(source), str(out), "--master", "local[1]"]) == 0
    assert not (out / "marker.txt").exists()
    assert pl.read_parquet(out / "*.parquet").height == 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet", "out"]


def test_the_job_command_names_a_page_spoiled_after_the_footer(
    spark: Any, tmp_path: Path, capsys: Any
) -> None:
    """Spark reads the footer when the job is planned and the pages only when it runs: a spoiled
    page stopped the command with a traceback."""
    from spoiled_text import write_with_a_spoiled_page

    from amparo.cli.spark_job import main

    source = tmp_path / "in.parquet"
    write_with_a_spoiled_page(source, US_PACK)
    code = main([str(source), str(tmp_path / "out.parquet"), "--master", "local[1]"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"error: IN: cannot read {source} (" in err
    assert "Traceback" not in err


def test_the_job_command_reads_a_file_of_eu_applications(spark: Any, tmp_path: Path) -> None:
    """``python -m amparo.cli.spark_job`` reads each row by the pack its schema names: a file of
    EU applications gives the EU pack's rows (it read every row as an encounter before)."""
    from amparo.cli.packs import pack_registry
    from amparo.cli.spark_job import main

    source, out = tmp_path / "applications.parquet", tmp_path / "out.parquet"
    pl.DataFrame(_applications(200, 8), infer_schema_length=None).write_parquet(source)
    code = main([str(source), str(out), "--master", "local[1]"])
    got = pl.read_parquet(out / "*.parquet")  # part files, named in the order of the rows
    expected = BatchScreener(pack_registry(), verify_sample=0).screen_frame(pl.read_parquet(source))
    assert got.to_dicts() == expected.to_dicts()
    assert code == (2 if expected["error"].is_not_null().any() else 0)
    assert set(got["pack"].drop_nulls()) == {"eu"}


def test_the_job_command_reads_odd_columns_and_as_of_as_screen_batch_does(
    spark: Any, synthetic: Any, tmp_path: Path, capsys: Any
) -> None:
    """Found by fuzzing the job (twenty-first round): a column ``_row`` was written over by the
    job's own order (its rows decided where the single evaluator refuses the field); ``ID`` beside
    ``id`` stopped the job (Spark read names case-insensitively); ``--as-of`` before a document's
    day was read, where ``screen --batch`` refuses it."""
    from amparo.batch.files import screen_file
    from amparo.cli.packs import pack_registry
    from amparo.cli.spark_job import main

    n = pl.int_range(pl.len())
    frame = synthetic.head(300).with_columns(
        pl.when(n == 3).then(pl.lit("x")).otherwise(pl.lit(None, dtype=pl.String)).alias("ID"),
        pl.when(n == 5).then(pl.lit(7)).otherwise(pl.lit(None, dtype=pl.Int64)).alias("_row"),
    )
    source, out, expected_path = (
        tmp_path / "in.parquet",
        tmp_path / "out.parquet",
        tmp_path / "expected.parquet",
    )
    frame.write_parquet(source)
    # Invalid rows: exit 2, as `screen --batch` (each has its error row; the job exited 0).
    assert main([str(source), str(out), "--master", "local[1]", "--as-of", "2021-01-01"]) == 2
    report = capsys.readouterr().err.splitlines()[-1]
    got = pl.read_parquet(out / "*.parquet")
    screen_file(
        source,
        expected_path,
        pack_registry(),
        as_of=dt.date(2021, 1, 1),
        progress=False,
        verify_sample=0,
        refuse_read_before=True,
    )
    assert got.to_dicts() == pl.read_parquet(expected_path).to_dicts()
    errors = [e["errors"][0]["path"] if e else None for e in got["error"].to_list()]
    assert errors[3] == "/ID" and errors[5] == "/_row"
    assert "--as-of" in errors and errors.count(None) > 0
    invalid = len(errors) - errors.count(None)
    assert report.startswith(f"300 documents screened into {out} in ") and report.endswith(
        f"; {invalid} invalid"
    )


def test_the_job_command_reads_a_folder_as_screen_batch_does(
    spark: Any, synthetic: Any, tmp_path: Path
) -> None:
    """A folder of parts, as Spark or Hive writes one: the job read the largest part first (its rows
    came out in that order) and gave each document a Hive partition's key as a field (every row of
    ``year=2025/`` an error, ``/year`` unknown); it now reads the parts ``screen --batch`` reads, in
    the order of their paths, a part with no extension included, each with its own columns (a
    field the first part lacked was null in every other part on Spark)."""
    import pyarrow.parquet as pq

    from amparo.batch.files import screen_file
    from amparo.cli.packs import pack_registry
    from amparo.cli.spark_job import main

    table = synthetic.head(1200).to_arrow()
    folder = tmp_path / "parts"
    (folder / "year=2025").mkdir(parents=True)
    # the first part without two columns: Spark read every part with its columns (no merge)
    pq.write_table(table.slice(0, 200).drop_columns(["findings", "documents"]), folder / "part-00000.parquet")
    pq.write_table(table.slice(200, 0), folder / "part-00001.parquet")
    pq.write_table(table.slice(200, 300), folder / "part-00002.parquet", row_group_size=64)
    pq.write_table(table.slice(500, 700), folder / "year=2025" / "000000_0", row_group_size=100)
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".notes").write_bytes(b"not parquet")  # (a .crc beside a part is checked by Hadoop)
    # a linked sub-folder is not followed by screen --batch; Spark followed it (twenty-fourth round)
    (tmp_path / "elsewhere").mkdir()
    pq.write_table(table.slice(0, 10), tmp_path / "elsewhere" / "part-00009.parquet")
    (folder / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    out, expected_path = tmp_path / "out.parquet", tmp_path / "expected.parquet"
    assert main([str(folder), str(out), "--master", "local[2]"]) == 0
    got = pl.read_parquet(out / "*.parquet")
    screen_file(folder, expected_path, pack_registry(), progress=False, verify_sample=0)
    expected = pl.read_parquet(expected_path)
    assert got["encounter_id"].to_list() == table.column("id").to_pylist()
    assert got.to_dicts() == expected.to_dicts()
    assert got["error"].is_null().all()


@pytest.mark.parametrize("zone", ["UTC", None, "int96"])
def test_the_job_command_reads_nanosecond_instants_as_screen_batch_does(
    spark: Any, synthetic: Any, tmp_path: Path, zone: str | None
) -> None:
    """``encountered_at`` as pandas writes it (nanoseconds) stopped the job before any row
    (``PARQUET_TYPE_ILLEGAL``, exit 2). Now read as Arrow reads it: an instant where the column has a
    time zone, and without one the zoneless instant ``screen --batch`` refuses at its path. An INT96
    timestamp (deprecated) was an instant in UTC for Spark, decided, and zoneless for Arrow."""
    import pyarrow.parquet as pq

    from amparo.batch.files import screen_file
    from amparo.cli.packs import pack_registry
    from amparo.cli.spark_job import main

    source, out, expected_path = tmp_path / "in.parquet", tmp_path / "out.parquet", tmp_path / "e.parquet"
    if zone == "int96":
        pq.write_table(synthetic.head(100).to_arrow(), source, use_deprecated_int96_timestamps=True)
        zone = None
    else:
        instants = pl.col("encountered_at").cast(pl.Datetime("ns", zone) if zone else pl.Datetime("ns"))
        synthetic.head(100).with_columns(instants).write_parquet(source)
    code = main([str(source), str(out), "--master", "local[1]"])
    got = pl.read_parquet(out / "*.parquet")
    screen_file(source, expected_path, pack_registry(), progress=False, verify_sample=0)
    assert got.to_dicts() == pl.read_parquet(expected_path).to_dicts()
    errors = got["error"].is_not_null().sum()
    assert code == (2 if errors else 0)
    assert errors == 0 if zone else errors == synthetic.head(100)["encountered_at"].is_not_null().sum() > 0


def test_the_job_command_reads_the_file_named_not_a_pattern(synthetic: Any, tmp_path: Path) -> None:
    """Twenty-fourth round: Spark read IN as a Hadoop pattern: ``x[ab].parquet`` screened the file
    ``xa.parquet`` beside it, exit 0, and ``enc[1].parquet`` was "not found"."""
    from amparo.cli.spark_job import main

    named, other = tmp_path / "x[ab].parquet", tmp_path / "xa.parquet"
    synthetic.head(30).write_parquet(named)
    synthetic.tail(50).write_parquet(other)
    out = tmp_path / "out.parquet"
    assert main([str(named), str(out), "--master", "local[1]"]) == 0
    got = pl.read_parquet(out / "*.parquet")
    assert got["encounter_id"].to_list() == synthetic.head(30)["id"].to_list()


def test_the_job_command_names_nanoseconds_in_some_parts_only(
    synthetic: Any, tmp_path: Path, capsys: Any
) -> None:
    """Twenty-fourth round: only the first part's instants were looked at, and a folder where a later
    part held nanoseconds (pandas) stopped on Spark's ``PARQUET_TYPE_ILLEGAL`` or
    ``CANNOT_MERGE_SCHEMAS``; Spark cannot read the two as one column, and the job says which."""
    from amparo.cli.spark_job import main

    folder = tmp_path / "parts"
    folder.mkdir()
    synthetic.head(20).write_parquet(folder / "part-00000.parquet")
    nanos = pl.col("encountered_at").cast(pl.Datetime("ns", "UTC"))
    synthetic.slice(20, 20).with_columns(nanos).write_parquet(folder / "part-00001.parquet")
    assert main([str(folder), str(tmp_path / "out.parquet"), "--master", "local[1]"]) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "the column 'encountered_at' holds nanosecond timestamps in " in message
    assert "part-00001.parquet and not in " in message and not (tmp_path / "out.parquet").exists()


def _with_times_and_half_floats(frame: pl.DataFrame) -> Any:
    """``frame`` as Arrow with columns Spark does not read: times of day and half floats, top-level
    (a column a pipeline left, null on most rows), in a struct, in a list's structs, in a map."""
    import numpy as np
    import pyarrow as pa

    table = frame.to_arrow()
    n = table.num_rows
    some = [i % 7 == 3 for i in range(n)]
    clock = pa.array([dt.time(i % 24, i % 60) if s else None for i, s in enumerate(some)], pa.time64("us"))
    nanos = pa.array([i * 1_000_001 if i % 11 == 5 else None for i in range(n)], pa.time64("ns"))
    half = pa.array(np.arange(n, dtype=np.float16), mask=np.array([i % 5 != 1 for i in range(n)]))
    person = table.column("person").combine_chunks()
    names = [person.type.field(i).name for i in range(person.type.num_fields)]
    children = [person.field(i) for i in range(person.type.num_fields)]
    at = names.index("age")
    ages = children[at].to_pylist()
    children[at] = pa.array(  # a known field of the wrong type: the error screen --batch gives
        [a if i % 13 != 6 or a is None else a + 0.5 for i, a in enumerate(ages)], pa.float64()
    ).cast(pa.float16())
    children.append(pa.array([dt.time(1, 2) if i % 17 == 2 else None for i in range(n)], pa.time32("ms")))
    items = pa.array(
        [[{"at": dt.time(3)}, None] if i % 19 == 4 else None for i in range(n)],
        pa.list_(pa.struct([("at", pa.time64("us"))])),
    )
    marks = pa.array(
        [[("k", np.float16(1.5))] if i % 23 == 8 else None for i in range(n)],
        pa.map_(pa.string(), pa.float16()),
    )
    return (
        table.set_column(
            table.schema.get_field_index("person"),
            "person",
            pa.StructArray.from_arrays(children, names=[*names, "clock"]),
        )
        .append_column("clock", clock)
        .append_column("nanos", nanos)
        .append_column("half", half)
        .append_column("stops", items)
        .append_column("marks", marks)
    )


def test_the_job_command_reads_times_of_day_and_half_floats_as_screen_batch_does(
    synthetic: Any, tmp_path: Path
) -> None:
    """Found by testers: a Parquet column of times of day (``time64``) or half floats
    (``float16``), top-level or nested, stopped the job (Spark's ``UNSUPPORTED_TIME_TYPE``,
    ``PARQUET_TYPE_ILLEGAL``, with Java stack traces); ``screen --batch`` reads the file: a field
    encounter v1 lacks is the row's error where it is set, nothing where it is null. Spark now
    reads them as stored, and the Python side gives them their Arrow type back: the same rows."""
    import pyarrow.parquet as pq

    from amparo.batch.files import screen_file
    from amparo.cli.packs import pack_registry
    from amparo.cli.spark_job import main

    folder = tmp_path / "parts"
    folder.mkdir()
    table = _with_times_and_half_floats(synthetic.head(400))
    pq.write_table(table.slice(0, 150), folder / "part-00000.parquet")
    pq.write_table(table.slice(150), folder / "part-00001.parquet", row_group_size=100)
    out, expected_path = tmp_path / "out.parquet", tmp_path / "expected.parquet"
    code = main([str(folder), str(out), "--master", "local[2]"])
    screen_file(folder, expected_path, pack_registry(), progress=False, verify_sample=0)
    got, expected = pl.read_parquet(out / "*.parquet"), pl.read_parquet(expected_path)
    assert got.to_dicts() == expected.to_dicts()
    assert code == 2
    paths = Counter(e["errors"][0]["path"] for e in got["error"].drop_nulls().to_list())
    assert {"/clock", "/nanos", "/half", "/person/clock", "/person/age", "/stops/1", "/marks"} <= set(paths)
    assert got["error"].is_null().sum() > 50  # the rows where every such column is null: decided


def test_the_job_command_names_a_time_column_of_another_type_in_another_part(
    synthetic: Any, tmp_path: Path, capsys: Any
) -> None:
    """A column of times of day in one part and of whole numbers in another cannot be read by Spark
    as one column (both are read as numbers): refused, naming the column, its types and both parts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from amparo.cli.spark_job import main

    folder = tmp_path / "parts"
    folder.mkdir()
    table = synthetic.head(20).to_arrow()
    pq.write_table(
        table.append_column("clock", pa.array([dt.time(1)] * 20, pa.time64("us"))), folder / "a.parquet"
    )
    pq.write_table(table.append_column("clock", pa.array([5] * 20, pa.int64())), folder / "b.parquet")
    assert main([str(folder), str(tmp_path / "out.parquet"), "--master", "local[1]"]) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "the column 'clock' is time64[us] in " in message and "a.parquet and int64 in " in message
    assert "Traceback" not in message and not (tmp_path / "out.parquet").exists()
