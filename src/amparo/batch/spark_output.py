"""Where the Spark job writes OUT: beside it, under a hidden name of its own, put in place of OUT
only once whole (Spark's ``overwrite`` deletes the path it writes before it writes a row: a job
that failed or was stopped left no output, or half of one).

A local OUT (:func:`staged_local`) is written in ``.OUT.spark-<16 hex>.part/out``; the folder holds
a file ``lock``, locked (``flock``) by the job while it runs and naming its process. A job that
ends removes its folder (SIGINT, SIGTERM and SIGHUP too: :func:`remove_live_parts`); one killed
outright (SIGKILL, the machine lost) leaves it, and the next job writing the same OUT removes it
(:func:`remove_leftovers`): only a folder of that exact name whose lock it can take (its job has
ended) and that names a process; an earlier OUT it holds (``old``: killed between the two renames)
is put back first where there is no OUT.

A remote OUT (:func:`staged_remote`: ``hdfs://``, ``s3a://``, any path Spark writes through Hadoop)
is written in ``.OUT.spark-<16 hex>.part`` beside it and renamed in place through Hadoop's file
system; there is no lock there: a job stopped or killed can leave that folder, and, killed between
the two renames, ``.OUT.spark-<16 hex>.old`` holding the earlier OUT (docs/BATCH.md, "Spark")."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from amparo.errors import FieldError, InputError, Phrase, system_reason

LOCK = "lock"
#: The signals held while OUT is swapped (stopped between the two renames, OUT would be under no name).
HELD = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})

#: The local folders being written now, removed by :func:`remove_live_parts`.
_LIVE: set[Path] = set()


def part_name(out_name: str, token: str, suffix: str = "part") -> str:
    return f".{out_name}.spark-{token}.{suffix}"


def _is_part_name(name: str, out_name: str) -> bool:
    return re.fullmatch(re.escape(f".{out_name}.spark-") + r"[0-9a-f]{16}\.part", name) is not None


def _refused(out: Path, what: Phrase, exc: OSError) -> InputError:
    reason = system_reason(exc, lower=True)
    return InputError(
        [FieldError("OUT", Phrase("{out}: {what} ({reason})", out=out, what=what, reason=reason))]
    )


#: What went wrong with OUT (said in the user's language, as the rest of the job's errors).
_NO_FOLDER = Phrase("cannot write a folder there")
_NOT_IN_PLACE = Phrase("the new output could not be put in place")


@contextmanager
def staged_local(out: Path) -> Iterator[Path]:
    """The folder Spark writes a local ``out`` at; put in place of ``out`` when the block ends
    without an error, with :data:`HELD` held during the two renames; removed in every case."""
    remove_leftovers(out)
    part = out.with_name(part_name(out.name, secrets.token_hex(8)))
    try:
        part.mkdir()
    except OSError as exc:
        raise _refused(out, _NO_FOLDER, exc) from None
    _LIVE.add(part)
    try:
        lock = os.open(part / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        shutil.rmtree(part, ignore_errors=True)
        _LIVE.discard(part)
        raise _refused(out, _NO_FOLDER, exc) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.write(lock, f"{os.getpid()}\n".encode())  # written once locked: a lock taken and named
        yield part / "out"
        held = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
        try:
            _swap(part, out)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    finally:
        shutil.rmtree(part, ignore_errors=True)
        _LIVE.discard(part)
        os.close(lock)


def _swap(part: Path, out: Path) -> None:
    written, old = part / "out", part / "old"
    replaced = out.exists() or out.is_symlink()
    try:
        if replaced:
            os.replace(out, old)
        os.replace(written, out)
    except OSError as exc:
        if replaced and (old.exists() or old.is_symlink()) and not (out.exists() or out.is_symlink()):
            os.replace(old, out)  # the earlier output back in place
        raise _refused(out, _NOT_IN_PLACE, exc) from None


def remove_live_parts() -> None:
    """Remove the folders this process is writing (a handler of a stopping signal calls it)."""
    for part in list(_LIVE):
        shutil.rmtree(part, ignore_errors=True)


def remove_leftovers(out: Path) -> list[Path]:
    """Remove what jobs killed outright left beside ``out`` (the folders removed): each folder named
    ``.OUT.spark-<16 hex>.part`` (no link) whose ``lock`` names a process and can be locked (the job
    that held it has ended). Anything else is left, another job's live folder included."""
    removed: list[Path] = []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not _is_part_name(entry.name, out.name) or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            lock = os.open(entry / LOCK, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(lock).st_size == 0:  # made, not yet locked: perhaps a job starting
                continue
            old = entry / "old"
            if (old.exists() or old.is_symlink()) and not (out.exists() or out.is_symlink()):
                os.replace(old, out)  # killed between the two renames: the earlier OUT back
            shutil.rmtree(entry)
            removed.append(entry)
        except OSError:  # locked (its job runs), or gone meanwhile
            continue
        finally:
            os.close(lock)
    return removed


@contextmanager
def staged_remote(spark: Any, out: str) -> Iterator[str]:
    """The path Spark writes a remote ``out`` at, beside it; renamed in place of ``out`` through
    Hadoop's file system when the block ends without an error (the earlier ``out`` renamed aside
    first, removed last); removed when it ends with one."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(out.rstrip("/") or out)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    token = secrets.token_hex(8)
    part = jvm.org.apache.hadoop.fs.Path(target.getParent(), part_name(target.getName(), token))
    old = jvm.org.apache.hadoop.fs.Path(target.getParent(), part_name(target.getName(), token, "old"))
    try:
        yield str(part.toString())
        held = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
        try:
            replaced = bool(fs.exists(target))
            if replaced and not fs.rename(target, old):
                raise InputError(
                    [FieldError("OUT", Phrase("{out}: the earlier output could not be moved aside", out=out))]
                )
            if not fs.rename(part, target):
                if replaced:
                    fs.rename(old, target)
                raise InputError(
                    [FieldError("OUT", Phrase("{out}: the new output could not be put in place", out=out))]
                )
            if replaced:
                fs.delete(old, True)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    finally:
        with contextlib.suppress(Exception):  # best effort: the JVM may be gone
            if fs.exists(part):
                fs.delete(part, True)
