"""The batch job on a Spark cluster, as a command (the edge where its errors become exit codes):

    python -m amparo.cli.spark_job IN.parquet OUT.parquet [--master URL] [--as-of DATE] [--lang en|es]
    spark-submit --master yarn --conf spark.sql.session.timeZone=UTC --py-files amparo.zip \\
        src/amparo/cli/spark_job.py IN.parquet OUT.parquet

(``amparo.zip``: amparo's wheel under a name Spark puts on the workers' path, docs/BATCH.md.)

Each row is read by the installed law pack its ``schema`` column names (encounter v1, EU
application v1; the default pack where it names none), as ``amparo screen --batch`` reads a file.

OUT, local or remote (``hdfs://``, ``s3a://``), is written beside itself under a hidden name and
put in place once whole (:mod:`amparo.batch.spark_output`): a job that fails or is stopped (Ctrl-C:
exit 130, one line; SIGTERM: 143) leaves an existing OUT as it was. A ``spark://`` master that does
not answer is named before Spark starts (what is refused then: :mod:`amparo.cli.spark_job_checks`).
With ``--lang es`` the report and every error are said in Spanish (English by default, as before).

Exit 0 when done, 2 when any row was invalid (each has its error row), as ``amparo screen --batch``;
2 too when an option or the input is wrong (named, no traceback); 3 when pyspark is
not installed, or Spark's Python workers cannot import amparo; the codes of
:mod:`amparo.cli.exit_codes` for amparo's own errors (4: the law pack).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import MutableMapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from amparo.cli import _said, spark_job_checks
from amparo.cli.batch import screened_line
from amparo.cli.closed_streams import stand_in_for_closed_streams
from amparo.cli.exit_codes import CONFIG, INTERRUPTED, INVALID_INPUT, TERMINATED, exit_code_for
from amparo.cli.options import checked_language, errors_in_english, parse_date
from amparo.cli.packs import pack_registry, refuse_as_of_before_every_pack
from amparo.cli.spark_job_checks import local_path as _local_path
from amparo.cli.spark_job_checks import (
    refuse_what_is_no_parquet_folder,
    refuse_writing_over_the_input,
    refused_master,
    unreachable_master,
    unreadable_input,
)
from amparo.cli.usage_errors import argparse_in, language_asked
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, MissingExtra, Phrase


def _is_local(path: str) -> bool:
    return _local_path(path) is not None


def _submitted_master() -> str | None:
    """The master ``spark-submit`` was given (its ``--master``, ``spark.master``), where it
    started this process; ``None`` otherwise."""
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        return None
    try:
        from pyspark import SparkContext

        SparkContext._ensure_initialized()
        master = SparkContext._jvm.java.lang.System.getProperty("spark.master")  # type: ignore[union-attr]
    except Exception:  # Spark says what it finds when it starts
        return None
    return str(master) if master else None


def _staged_local(out: str) -> AbstractContextManager[Path | None]:
    """Where Spark writes a local OUT (:func:`~amparo.batch.spark_output.staged_local`, made
    before Spark starts); ``None`` for a remote one (staged once Spark runs: :func:`_run`)."""
    from amparo.batch.spark_output import staged_local

    target = _local_path(out)
    return nullcontext(None) if target is None else staged_local(target)


def _stopped(signum: int, _frame: object) -> None:
    """SIGINT (Ctrl-C), SIGTERM, SIGHUP: the JVM this process started killed first (its tasks would
    go on writing; ended with SIGTERM, its shutdown logs every task it stops with a Java stack
    trace) and its scratch folder removed, then the folder being written, one line said, and the
    process ended (130, 143, 129). Not an exception raised into the main thread: Py4J, waiting on
    Spark, logs it with its stack trace, and so does PySpark's own handler of SIGINT (replaced)."""
    from amparo.batch.spark_output import remove_live_parts

    context = getattr(sys.modules.get("pyspark"), "SparkContext", None)
    proc = getattr(getattr(context, "_gateway", None), "proc", None)
    said = os.dup(2)  # standard error kept for the one line; PySpark's threads (its accumulator
    quiet = os.open(os.devnull, os.O_WRONLY)  # server) print their stack traces when the JVM ends
    os.dup2(quiet, 2)
    if proc is not None and proc.poll() is None:  # None under spark-submit: its JVM is our parent
        proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(timeout=10)
    for scratch in _SCRATCH:
        shutil.rmtree(scratch, ignore_errors=True)
    remove_live_parts()
    os.write(said, f"{_said('interrupted' if signum == signal.SIGINT else 'terminated')}\n".encode())
    os._exit(
        INTERRUPTED if signum == signal.SIGINT else TERMINATED if signum == signal.SIGTERM else 128 + signum
    )


#: The folder the JVM this command starts keeps its scratch files in (``spark.local.dir``), removed
#: when the job ends however it ends (killed, the JVM would leave them in the system's temp folder).
_SCRATCH: list[str] = []

#: Whether this process is the command (``main()`` called without arguments), not a caller's.
_AS_COMMAND = [False]

#: The signals that stop the job: each ends it through :func:`_stopped`.
_STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _first_line(exc: BaseException) -> str:
    """Spark's own words for why it failed: the Java exception's, when the error came from the JVM."""
    java = getattr(exc, "java_exception", None)
    text = str(java.toString()) if java is not None else str(exc)
    return (text.strip().splitlines() or [type(exc).__name__])[0]


def main(argv: list[str] | None = None) -> int:
    stand_in_for_closed_streams()  # `2>&-`: the job still runs, its messages dropped
    parser = argparse.ArgumentParser(prog="python -m amparo.cli.spark_job")
    parser.add_argument(
        "source",
        help="documents, Parquet (any path Spark reads): each row read by the law pack its schema "
        "column names (encounters where there is none)",
    )
    parser.add_argument("out", help="where to write one row per document, Parquet (overwritten)")
    parser.add_argument("--master", default=None, help="Spark master URL (default: the session's)")
    parser.add_argument("--as-of", default=None, help="read the law on this date (YYYY-MM-DD)")
    parser.add_argument("--lang", default="en", help="language of the report and messages: en or es")
    with argparse_in(language_asked(sys.argv[1:] if argv is None else argv)):  # before --lang is read
        args = parser.parse_args(argv)
    errors_in_english()  # until --lang, checked first, says otherwise (a caller's earlier run)
    spark_job_checks.PLAIN_PATHS_LOCAL[0] = spark_job_checks.plain_paths_are_local(args.master)
    _AS_COMMAND[0] = argv is None  # the process is the command: the JVM it starts ends with it
    try:
        checked_language(args.lang)  # first: the errors that follow are said in it
        as_of = parse_date(args.as_of, "--as-of")  # before Spark starts
        registry = pack_registry()  # every installed pack, the default from the settings
        refuse_as_of_before_every_pack(as_of, registry)  # as screen --batch: once, not a row each
        refuse_what_is_no_parquet_folder(args.out)
        refuse_writing_over_the_input(args.source, args.out)
        refused = refused_master(args.master) or unreachable_master(args.master, "--master")
        if refused is not None:
            raise refused
    except AmparoError as exc:
        _say_error(exc)
        return exit_code_for(exc)
    unreadable = unreadable_input(args.source)
    if unreadable is not None:
        _say_error(
            Phrase("IN: cannot read {source} as Parquet ({reason})", source=args.source, reason=unreadable)
        )
        return INVALID_INPUT
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = MissingExtra("pyspark", "spark")
        _say_error(missing)
        return exit_code_for(missing)
    previous = {number: signal.signal(number, _stopped) for number in _STOPPING}
    try:
        with _staged_local(args.out) as written:
            return _run(args, as_of, registry, written)
    except _JobFailed as exc:
        _say_error(exc)
        return exc.code
    except AmparoError as exc:
        _say_error(exc)
        return exit_code_for(exc)
    except KeyboardInterrupt:  # Ctrl-C where a library caught the signal first: removed on the way out
        sys.stderr.write(f"{_said('interrupted')}\n")
        return INTERRUPTED
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        while _SCRATCH:
            shutil.rmtree(_SCRATCH.pop(), ignore_errors=True)


def _say_error(problem: AmparoError | str) -> None:
    """``error: `` and the problem on standard error, in the language ``--lang`` chose."""
    sys.stderr.write(f"error: {_said(problem)}\n")


def workers_python(master: str | None, environ: MutableMapping[str, str]) -> None:
    """In local mode, Spark's Python workers run this Python (``PYSPARK_PYTHON``, unless given):
    Spark otherwise starts ``python3`` from the PATH, which outside an activated virtual
    environment cannot import amparo, and the job failed after half a minute with exit 3 (a
    tester). On a cluster the executors' Python is theirs to name."""
    if (master or "local").startswith("local") and not environ.get("PYSPARK_PYTHON"):
        environ["PYSPARK_PYTHON"] = sys.executable


def _run(args: argparse.Namespace, as_of: dt.date | None, registry: PackRegistry, local: Path | None) -> int:
    """The job: Spark started, the documents read and screened into ``local`` (a local OUT's staged
    folder) or beside a remote OUT; an error raised for the output to be removed (the exit code it
    carries)."""
    from py4j.protocol import Py4JJavaError
    from pyspark import SparkContext
    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    from amparo.batch.parquet_input import parquet_parts
    from amparo.batch.spark import SESSION_SETTINGS, screen_spark
    from amparo.batch.spark_input import read_parquet
    from amparo.batch.spark_output import staged_remote

    builder = SparkSession.builder.appName("amparo-batch").config("spark.sql.session.timeZone", "UTC")
    for key, value in SESSION_SETTINGS.items():  # for the whole job, the final write included
        builder = builder.config(key, value)
    if args.master:
        builder = builder.master(args.master)
    # The JVM this command starts (none yet in this process, not spark-submit's): its scratch files
    # in a folder of the job's own (killed on a signal, it would leave them in the temp folder).
    # Not where main() is called in a process that goes on (the JVM outlives the job there).
    own_jvm = _AS_COMMAND[0] and "PYSPARK_GATEWAY_PORT" not in os.environ and SparkContext._gateway is None
    if own_jvm:
        workers_python(args.master or _spark_default("spark.master"), os.environ)
    if own_jvm and (args.master or "local").startswith("local") and not os.environ.get("SPARK_LOCAL_DIRS"):
        _SCRATCH.append(tempfile.mkdtemp(prefix="amparo-spark-"))
        own = f"-Djava.io.tmpdir={_SCRATCH[-1]}"
        given = _spark_default("spark.driver.extraJavaOptions")  # kept: ours goes before it
        builder = builder.config("spark.local.dir", _SCRATCH[-1]).config(
            "spark.driver.extraJavaOptions", f"{own} {given}" if given else own
        )
    master = (
        (args.master, "--master")
        if args.master
        else (_submitted_master(), "spark.master (spark-submit --master)")
    )
    refused = None if args.master else unreachable_master(*master)  # --master: looked at in main
    if refused is not None:
        raise refused
    try:
        spark = builder.getOrCreate()
    except (PySparkException, Py4JJavaError, RuntimeError, OSError) as exc:
        raise _master_failed(exc, *master) or _JobFailed(
            Phrase(
                "--master: Spark could not start at {master} ({reason})",
                master=args.master,
                reason=_first_line(exc),
            )
            if args.master
            else Phrase("Spark could not start ({reason})", reason=_first_line(exc)),
            INVALID_INPUT if args.master else CONFIG,
        ) from None
    for number in _STOPPING:  # PySpark's context put its own handler of SIGINT in place of ours
        signal.signal(number, _stopped)
    try:
        try:
            source = _local_path(args.source)
            documents = read_parquet(
                spark, args.source, parquet_parts(source) if source is not None else None
            )
        except (PySparkException, Py4JJavaError) as exc:
            raise _master_failed(exc, *master) or _JobFailed(
                Phrase(
                    "IN: cannot read {source} as Parquet ({reason})",
                    source=args.source,
                    reason=_unreadable_type(exc, _first_line(exc)),
                ),
                INVALID_INPUT,
            ) from None
        try:
            started = time.perf_counter()
            screened = screen_spark(spark, documents, registry, as_of=as_of, refuse_read_before=True)
            with nullcontext(str(local)) if local is not None else staged_remote(spark, args.out) as written:
                screened.write.mode("overwrite").parquet(written)
                rows, invalid = _counted(spark, written)
        except (PySparkException, Py4JJavaError) as exc:
            text = str(exc)
            if "FAILED_READ_FILE" in text:  # a page spoiled after the footer was read
                raise _JobFailed(
                    Phrase(
                        "IN: cannot read {source} ({reason})", source=args.source, reason=_first_line(exc)
                    ),
                    INVALID_INPUT,
                ) from None
            if "No module named '" in text:  # amparo, or one of its libraries (polars)
                raise _JobFailed(_NO_MODULE, CONFIG) from None
            failed = _master_failed(exc, *master)
            if failed is not None:  # the master never took the job
                raise failed from None
            # Anything else is the cluster's or the machine's (a full disk, a lost executor).
            raise _JobFailed(
                Phrase("Spark stopped the job ({reason})", reason=_first_line(exc)), CONFIG
            ) from None
    finally:
        spark.stop()
    seconds = time.perf_counter() - started
    sys.stderr.write(screened_line(rows, invalid, args.out, seconds, args.lang) + "\n")
    return INVALID_INPUT if invalid else 0  # as `amparo screen --batch`: 2 when any row was invalid


def _master_failed(exc: BaseException, master: str | None, setting: str) -> _JobFailed | None:
    """The master taking no job, said as such: Spark retries a ``spark://`` master that does not
    answer for about a minute, then stops its context, and the next call fails on "a stopped
    SparkContext" (said before as the input's or the master's "could not start")."""
    text = str(exc)
    if master is None or not ("stopped SparkContext" in text or "All masters are unresponsive" in text):
        return None
    return _JobFailed(
        Phrase(
            "{setting}: the Spark master at {master} could not be reached, or did not take the job "
            "(Spark gave up on it and stopped); give the address of a running master",
            setting=setting,
            master=master,
        ),
        INVALID_INPUT,
    )


def _unreadable_type(exc: BaseException, reason: str = "") -> str:
    """What Spark could not read, where it refused a column's type (a remote IN: a local one's
    times of day and half floats are read as stored, :mod:`amparo.batch.spark_types`), before
    ``reason`` (Spark's words); ``reason`` alone otherwise."""
    text = str(exc)
    if "UNSUPPORTED_TIME_TYPE" in text or "(TIME(" in text:
        what = Phrase("times of day (Parquet TIME, Arrow time32/time64)")
    elif "(FLOAT16)" in text:
        what = Phrase("half-precision floats (Parquet FLOAT16, Arrow float16)")
    else:
        return reason
    return Phrase(
        "a column of {what}, which Spark reads only from a local IN: drop the column, "
        "or give IN as a local path; {reason}",
        what=what,
        reason=reason,
    )


def _counted(spark: Any, written: str) -> tuple[int, int]:
    """The rows of the written output and those that are errors: a local folder read here with
    Arrow (its ``error`` column alone; Spark leaves the hidden folder out), a remote one by Spark."""
    if _is_local(written):
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        from amparo.batch.parquet_input import parquet_parts

        rows = invalid = 0
        for part in parquet_parts(Path(written), option="OUT"):
            column = pq.read_table(part, columns=["error"]).column("error")
            rows, invalid = rows + len(column), invalid + len(column) - column.null_count
        return rows, invalid
    from pyspark.sql import functions as F

    counts = (
        spark.read.parquet(written)
        .select(F.count(F.lit(1)).alias("rows"), F.count(F.col("error")).alias("invalid"))
        .first()
    )
    return int(counts["rows"]), int(counts["invalid"])


_NO_MODULE = Phrase(
    "Spark's Python workers cannot import amparo or its libraries: install it where they run "
    "(PYSPARK_PYTHON set to a Python that has it, or amparo's wheel renamed .zip and given with "
    "--py-files, its libraries installed on the workers: docs/BATCH.md)"
)


class _JobFailed(AmparoError):
    """The job could not be done, for a reason named on one line (its exit code with it)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _spark_default(key: str) -> str | None:
    """``key``'s value in Spark's defaults file (``$SPARK_CONF_DIR/spark-defaults.conf``, else
    under ``$SPARK_HOME/conf`` or PySpark's own folder), as ``spark-submit`` reads it: a setting the
    job gives replaces the file's, so the job adds its own to the file's instead."""
    from pyspark.find_spark_home import _find_spark_home

    folder = os.environ.get("SPARK_CONF_DIR") or os.path.join(_find_spark_home(), "conf")
    try:
        text = Path(folder, "spark-defaults.conf").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = None
    for line in text.splitlines():  # a Java properties file: key, then =, : or white space, then value
        setting = re.match(r"\s*([^\s=:#!]+)\s*[=:\s]\s*(.*?)\s*$", line)
        if setting is not None and setting.group(1) == key:
            found = setting.group(2)
    return found or None


if __name__ == "__main__":
    raise SystemExit(main())
