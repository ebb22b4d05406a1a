"""How the Spark job command fails, stops and leaves OUT (issue 14, found by testers): a
``spark://`` master that does not answer, Ctrl-C and SIGTERM while it writes, a remote OUT put in
place once whole, and what a job killed outright leaves beside a local OUT."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

pytestmark = pytest.mark.spark


def test_the_job_command_names_an_unreachable_master_before_starting_spark(
    synthetic: Any, tmp_path: Path, capsys: Any
) -> None:
    """Found by testers: a ``spark://`` master where none listens was retried by Spark for about a
    minute, then said as ``--master: Spark could not start at ... (Cannot call methods on a stopped
    SparkContext.)``. It is now tried before Spark starts and named as not reachable, exit 2."""
    import socket

    from amparo.cli.spark_job import _master_failed, main

    source = tmp_path / "in.parquet"
    synthetic.head(5).write_parquet(source)
    with socket.socket() as free:  # a port no one listens on once closed
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    master = f"spark://127.0.0.1:{port}"
    assert main([str(source), str(tmp_path / "out"), "--master", master]) == 2
    err = capsys.readouterr().err
    assert f"--master: the Spark master at {master} could not be reached (connection refused)" in err
    assert "Traceback" not in err and "SparkContext" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]
    # a master that takes the connection but no job: Spark stops its context, said as the master's
    failed = _master_failed(
        RuntimeError("Cannot call methods on a stopped SparkContext."), "spark://h:7077", "spark.master"
    )
    assert failed is not None and failed.code == 2
    assert str(failed).startswith("spark.master: the Spark master at spark://h:7077 could not be reached")


def _job(source: Path, out: str, **popen: Any) -> Any:
    import subprocess

    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, **popen.pop("env", {})}
    command = [sys.executable, "-m", "amparo.cli.spark_job", str(source), out, "--master", "local[1]"]
    return subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, text=True, **popen
    )  # with: closed, waited


@pytest.mark.parametrize(
    ("number", "code", "said"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
def test_the_job_command_stopped_while_it_writes_says_one_line_and_keeps_out(
    synthetic: Any, tmp_path: Path, number: str, code: int, said: str
) -> None:
    """Found by testers: Ctrl-C during a job printed Py4J's stack traces (PySpark's own handler
    raised into a call waiting on the JVM). Stopped while Spark writes OUT (Ctrl-C reaches the whole
    process group, as from a terminal; SIGTERM the process), the job says one line and ends
    130 or 143, an existing OUT as it was and nothing of the new one left beside it."""
    import signal
    import time

    pytest.importorskip("pyspark")

    work, scratch = tmp_path / "work", tmp_path / "tmp"  # the JVM's scratch folder made in scratch
    work.mkdir()
    scratch.mkdir()
    source, out = work / "in.parquet", work / "out"
    pl.concat([synthetic] * 4).write_parquet(source)
    out.mkdir()
    (out / "marker.txt").write_text("earlier run")
    with _job(source, str(out), start_new_session=True, env={"TMPDIR": str(scratch)}) as job:
        try:
            deadline = time.monotonic() + 240
            while job.poll() is None and time.monotonic() < deadline:
                if any((part / "out" / "_temporary").exists() for part in work.glob(".out.spark-*.part")):
                    break  # Spark writes the rows
                time.sleep(0.05)
            if job.poll() is not None:  # ended before it was stopped: its own error, the pipe closed by with
                pytest.fail(job.stderr.read() if job.stderr else "")
            if number == "SIGINT":
                os.killpg(job.pid, signal.SIGINT)
            else:
                job.send_signal(signal.SIGTERM)
            _, err = job.communicate(timeout=60)
            assert job.returncode == code, err
            assert err.strip().splitlines()[-1].strip("\r ").endswith(said), err[-2000:]
            assert "Traceback" not in err and "Py4J" not in err and "\tat " not in err, err[-4000:]
        finally:
            if job.poll() is None:  # a failed check: never left running (with waits for it)
                job.kill()
    assert (out / "marker.txt").read_text() == "earlier run"
    assert sorted(p.name for p in work.iterdir()) == ["in.parquet", "out"]
    assert list(scratch.iterdir()) == []  # the JVM's scratch files (spark.local.dir) removed


def test_the_job_command_puts_a_remote_out_in_place_once_whole(
    synthetic: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Found by testers: a remote OUT (``hdfs://``, ``s3a://``) was written by Spark in place: its
    ``overwrite`` deleted the earlier OUT before the job wrote a row, so a job that failed left none
    (or half of one). It is now written beside itself and renamed in place through Hadoop's file
    system once whole: here a ``file:`` URL taken for a remote one, as local mode can emulate it."""
    pytest.importorskip("pyspark")
    from pyspark.sql import functions as F

    from amparo.batch import spark as spark_module
    from amparo.cli import spark_job

    source, out = tmp_path / "in.parquet", tmp_path / "remote-out"
    synthetic.head(50).write_parquet(source)
    out.mkdir()
    (out / "marker.txt").write_text("earlier run")
    local_path = spark_job._local_path
    monkeypatch.setattr(
        spark_job, "_local_path", lambda text: None if "remote-out" in text else local_path(text)
    )

    def failing(session: Any, *args: Any, **kwargs: Any) -> Any:  # fails while Spark writes
        return session.range(3).select(F.raise_error(F.lit("the disk broke")).alias("x"))

    screen_spark = spark_module.screen_spark
    monkeypatch.setattr(spark_module, "screen_spark", failing)
    assert spark_job.main([str(source), f"file://{out}", "--master", "local[1]"]) == 3
    assert (out / "marker.txt").read_text() == "earlier run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet", "remote-out"]
    monkeypatch.setattr(spark_module, "screen_spark", screen_spark)
    assert spark_job.main([str(source), f"file://{out}", "--master", "local[1]"]) == 0
    assert not (out / "marker.txt").exists()
    assert pl.read_parquet(out / "*.parquet")["encounter_id"].to_list() == synthetic.head(50)["id"].to_list()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet", "remote-out"]


def _killed_while_writing(out: Path, *, between_the_renames: bool = False) -> None:
    """A job's staging of ``out`` left as SIGKILL leaves it (the process killed inside it)."""
    import subprocess

    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from amparo.batch.spark_output import staged_local\n"
        "out = Path(sys.argv[1])\n"
        "with staged_local(out) as written:\n"
        "    written.mkdir()\n"
        "    (written / 'part-00000.parquet').write_text('half')\n"
        "    if sys.argv[2] == 'swap':\n"
        "        os.replace(out, written.parent / 'old')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    mode = "swap" if between_the_renames else "write"
    assert subprocess.run([sys.executable, "-c", script, str(out), mode], check=False).returncode == -9


def test_a_job_killed_outright_leaves_a_folder_the_next_job_removes(tmp_path: Path) -> None:
    """Found by testers: a job killed with SIGKILL left its hidden folder beside OUT, for good. The
    next job writing OUT removes such folders of its own naming, and only those whose job has
    ended (their lock free): not another job's live folder, nor a name like it that is not its own
    (``screen --batch``'s ``.out.<hex>.part``, a link, a folder without a lock)."""
    from amparo.batch.spark_output import remove_leftovers, staged_local

    out = tmp_path / "out"
    out.mkdir()
    (out / "marker.txt").write_text("earlier run")
    _killed_while_writing(out)
    dead = [p for p in tmp_path.iterdir() if p.name.startswith(".out.spark-")]
    assert len(dead) == 1 and (dead[0] / "lock").read_text().strip().isdigit()
    others = [
        tmp_path / ".out.1234abcd.part",  # screen --batch's own
        tmp_path / ".out.spark-0123456789abcdef.part",  # no lock in it
        tmp_path / ".out.spark-0123456789ABCDEF.part",
        tmp_path / ".other.spark-0123456789abcdef.part",
    ]
    for other in others:
        other.mkdir()
    (others[2] / "lock").write_text("1\n")
    (others[3] / "lock").write_text("1\n")
    (tmp_path / ".out.spark-fedcba9876543210.part").symlink_to(dead[0], target_is_directory=True)
    others.append(tmp_path / ".out.spark-fedcba9876543210.part")
    with staged_local(out) as live:  # the next job: the dead folder removed as it starts
        assert not dead[0].exists()
        assert remove_leftovers(out) == []  # this job's own folder is live: kept
        assert live.parent.exists() and all(o.exists() or o.is_symlink() for o in others)
        assert (out / "marker.txt").read_text() == "earlier run"
        live.mkdir()
        (live / "new.txt").write_text("new run")
    assert (out / "new.txt").read_text() == "new run"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", *(o.name for o in others)])
    # killed between the two renames, the earlier OUT moved aside and no OUT: put back, then removed
    _killed_while_writing(out, between_the_renames=True)
    assert not out.exists()
    assert len(remove_leftovers(out)) == 1
    assert (out / "new.txt").read_text() == "new run"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", *(o.name for o in others)])


def test_the_job_command_removes_what_a_killed_job_left(synthetic: Any, tmp_path: Path) -> None:
    """The job command itself clears a killed job's folder beside OUT before it writes."""
    pytest.importorskip("pyspark")
    from amparo.cli.spark_job import main

    source, out = tmp_path / "in.parquet", tmp_path / "out"
    synthetic.head(20).write_parquet(source)
    _killed_while_writing(out)
    assert any(p.name.startswith(".out.spark-") for p in tmp_path.iterdir())
    assert main([str(source), str(out), "--master", "local[1]"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet", "out"]


def test_the_scratch_folder_option_is_added_to_the_users_java_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job gives its JVM a scratch folder through ``spark.driver.extraJavaOptions``, which
    replaces the value in Spark's defaults file: the job reads that value and keeps it."""
    from amparo.cli.spark_job import _spark_default

    (tmp_path / "spark-defaults.conf").write_text(
        "# spark.driver.extraJavaOptions -Dcommented=1\n"
        "spark.driver.extraJavaOptions \t -Dfoo=1 -Dbar=2  \n"
        "spark.executor.memory=2g\n"
        "spark.sql.shuffle.partitions: 8\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    assert _spark_default("spark.driver.extraJavaOptions") == "-Dfoo=1 -Dbar=2"
    assert _spark_default("spark.executor.memory") == "2g"
    assert _spark_default("spark.sql.shuffle.partitions") == "8"
    assert _spark_default("spark.master") is None
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path / "none"))
    assert _spark_default("spark.driver.extraJavaOptions") is None


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("-", "OUT: the job writes a folder of Parquet parts, which standard output (-) cannot hold"),
        (
            "screened.jsonl",
            "screened.jsonl is named as a text file, but the job writes a folder of Parquet parts",
        ),
        ("screened.jsonl.gz", "is named as a text file"),
        ("existing.parquet", "existing.parquet is a file; the job writes a folder of Parquet parts"),
    ],
)
def test_an_out_that_is_no_parquet_folder_is_refused_before_spark_starts(
    synthetic: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, out: str, said: str
) -> None:
    """Found by testers: ``-`` made a folder named ``-``, ``o.jsonl`` a folder of Parquet parts
    named so, and a file given as OUT was replaced by a folder, each with exit 0."""
    from amparo.cli.spark_job import main

    monkeypatch.chdir(tmp_path)
    synthetic.head(5).write_parquet(tmp_path / "in.parquet")
    (tmp_path / "existing.parquet").write_text("an earlier file\n")
    assert main(["in.parquet", out]) == 2
    assert said in " ".join(capsys.readouterr().err.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.parquet", "in.parquet"]
    assert (tmp_path / "existing.parquet").read_text() == "an earlier file\n"
