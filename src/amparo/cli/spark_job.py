"""The batch job on a Spark cluster, as a command (the edge where its errors become exit codes):

    python -m amparo.cli.spark_job IN.parquet OUT.parquet [--master URL] [--as-of DATE]
    spark-submit --master yarn --conf spark.sql.session.timeZone=UTC --py-files amparo.whl \\
        $(python -c 'import amparo.cli.spark_job as m; print(m.__file__)') IN.parquet OUT.parquet

Each row is read by the installed law pack its ``schema`` column names (encounter v1, EU
application v1; the default pack where it names none), as ``amparo screen --batch`` reads a file.

Exit 0 when done; 2 when an option or the input is wrong (named, no traceback); 3 when pyspark is
not installed, or Spark's Python workers cannot import amparo; the codes of
:mod:`amparo.cli.exit_codes` for amparo's own errors (4: the law pack).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from amparo.cli.exit_codes import CONFIG, INVALID_INPUT, exit_code_for
from amparo.cli.options import parse_date
from amparo.errors import AmparoError, FieldError, InputError, MissingExtra


def _refuse_writing_over_the_input(source: str, out: str) -> None:
    """OUT naming IN would have Spark delete the input before reading it (``overwrite``)."""
    from amparo.batch.output_file import refuse_overwriting

    if "://" not in source and "://" not in out:
        refuse_overwriting(Path(out), [("IN", Path(source))], option="OUT")
    elif source.rstrip("/") == out.rstrip("/"):
        raise InputError([FieldError("OUT", f"{out} is the path read as IN; give another path to write")])


def _first_line(exc: BaseException) -> str:
    """Spark's own words for why it failed: the Java exception's, when the error came from the JVM."""
    java = getattr(exc, "java_exception", None)
    text = str(java.toString()) if java is not None else str(exc)
    return (text.strip().splitlines() or [type(exc).__name__])[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m amparo.cli.spark_job")
    parser.add_argument(
        "source",
        help="documents, Parquet (any path Spark reads): each row read by the law pack its schema "
        "column names (encounters where there is none)",
    )
    parser.add_argument("out", help="where to write one row per document, Parquet (overwritten)")
    parser.add_argument("--master", default=None, help="Spark master URL (default: the session's)")
    parser.add_argument("--as-of", default=None, help="read the law on this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    try:
        as_of = parse_date(args.as_of, "--as-of")  # before Spark starts
        _refuse_writing_over_the_input(args.source, args.out)
    except AmparoError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exit_code_for(exc)
    try:
        from py4j.protocol import Py4JJavaError
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        missing = MissingExtra("pyspark", "spark")
        sys.stderr.write(f"error: {missing}\n")
        return exit_code_for(missing)
    from amparo.batch.spark import SESSION_SETTINGS, screen_spark
    from amparo.batch.spark_input import read_parquet
    from amparo.cli.packs import pack_registry

    builder = SparkSession.builder.appName("amparo-batch").config("spark.sql.session.timeZone", "UTC")
    for key, value in SESSION_SETTINGS.items():  # for the whole job, the final write included
        builder = builder.config(key, value)
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        try:
            documents = read_parquet(spark, args.source)
        except (PySparkException, Py4JJavaError) as exc:
            sys.stderr.write(f"error: IN: cannot read {args.source} as Parquet ({_first_line(exc)})\n")
            return INVALID_INPUT
        registry = pack_registry()  # every installed pack, the default from the settings
        try:
            screened = screen_spark(spark, documents, registry, as_of=as_of, refuse_read_before=True)
            screened.write.mode("overwrite").parquet(args.out)
        except (PySparkException, Py4JJavaError) as exc:
            if "FAILED_READ_FILE" in str(exc):  # a page spoiled after the footer was read
                sys.stderr.write(f"error: IN: cannot read {args.source} ({_first_line(exc)})\n")
                return INVALID_INPUT
            if "No module named '" not in str(exc):  # amparo, or one of its libraries (polars)
                raise
            sys.stderr.write(
                "error: Spark's Python workers cannot import amparo or its libraries: install it where they run "
                "(PYSPARK_PYTHON set to a Python that has it, or a wheel given with --py-files)\n"
            )
            return CONFIG
    except AmparoError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exit_code_for(exc)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
