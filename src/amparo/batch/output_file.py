"""A file a batch command writes row by row (``screen --batch``, ``impact --out``, ``synth``).

It is written beside its place under a hidden temporary name and renamed into place only once
whole: a run stopped half-way (a bad input, Ctrl-C, a full disk) leaves no half-written file, and
a file already there under that name stays as it was. A file the command reads is never one it
writes over: ``--out`` naming the input is refused before anything is read. (The Spark job's
folder of parts is staged by :mod:`amparo.batch.spark_output`.)
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from amparo.batch.standard_streams import is_written_as_it_goes
from amparo.errors import FieldError, InputError, Phrase, system_reason


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)  # a link or another spelling of the same file too
    except OSError:  # one of them does not exist (yet)
        return False


def refuse_overwriting(out: Path, inputs: Sequence[tuple[str, Path]], option: str = "--out") -> None:
    """InputError when ``out`` is one of ``inputs`` (each ``(its option, its path)``). Standard
    output and ``/dev/null`` are not checked: a terminal or ``/dev/null`` may be standard input too."""
    if is_written_as_it_goes(out):
        return
    for name, source in inputs:
        if source.is_dir() and out.resolve() == source.resolve():
            raise InputError(
                [
                    FieldError(
                        option,
                        Phrase(
                            "{path} is the folder read as {option}; give another path to write",
                            path=out,
                            option=name,
                        ),
                    )
                ]
            )
        if source.is_dir() and out.resolve().is_relative_to(source.resolve()):
            raise InputError(
                [
                    FieldError(
                        option,
                        Phrase(
                            "{path} is inside the folder read as {option}; write it elsewhere",
                            path=out,
                            option=name,
                        ),
                    )
                ]
            )
        if _same_file(out, source):
            raise InputError(
                [
                    FieldError(
                        option,
                        Phrase(
                            "{path} is the file read as {option}; give another file name to write",
                            path=out,
                            option=name,
                        ),
                    )
                ]
            )


@contextmanager
def staged(out: Path, option: str = "--out") -> Iterator[Path]:
    """The temporary path to write ``out`` at; renamed to ``out`` when the block ends without an
    error, removed when it ends with one (standard output: itself). A place where no file can be
    written (no permission, a read-only or virtual file system) is refused naming ``option`` and
    ``out`` before anything is computed, not the temporary name once the writer opens it."""
    if is_written_as_it_goes(out):  # a pipe is written as it goes (and /dev/null is no file)
        _WRITING.append(out)
        try:
            yield out
        finally:
            _WRITING.remove(out)
        return
    if out.is_symlink():  # written through the link, as cp writes: the link is kept
        out = out.resolve()
    part = _hidden_part(out, option)
    _keep_mode(out, part)  # before a row is written into it
    try:
        yield part
        if part.exists():
            os.replace(part, out)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if _disk_full(exc):  # said naming OUT, not as the writer's library words it (or as a bug)
            raise InputError(
                [
                    FieldError(
                        option,
                        Phrase(
                            "{path}: the disk is full; free some space and run the command again",
                            path=out,
                        ),
                    )
                ]
            ) from None
        raise
    finally:
        _PARTS.discard(part)


def _disk_full(exc: BaseException) -> bool:
    """Whether writing failed for want of space: an OSError saying so, or a library's error that
    carries the system's words (Polars: ``... (os error 28)``, Arrow: ``[errno 28] ...``)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if not isinstance(exc, Exception):
        return False
    text = str(exc)
    return any(
        words in text
        for words in ("No space left on device", "os error 28", "errno 28", "Disk quota exceeded")
    )


def _keep_mode(out: Path, part: Path) -> None:
    """Give ``part`` the permissions of the file it replaces: an OUT kept readable by its owner
    only (asylum records, 8 CFR 208.6) stayed so when rewritten (it became 0644)."""
    try:
        mode = stat.S_IMODE(out.stat().st_mode)
    except FileNotFoundError:  # a new file: the process's umask decides, as for any file
        return
    os.chmod(part, mode)


def _hidden_part(out: Path, option: str) -> Path:
    """A new hidden file beside ``out`` to write it at, remembered for
    :func:`remove_partial_files`; a place where none can be made is refused naming ``option``."""
    part = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        part.open("xb").close()
    except OSError as exc:
        reason = system_reason(exc, lower=True)
        raise InputError(
            [
                FieldError(
                    option, Phrase("{path}: cannot write a file there ({reason})", path=out, reason=reason)
                )
            ]
        ) from None
    _PARTS.add(part)
    return part


#: The temporary files being written now (a process may write several: ``impact --out``).
_PARTS: set[Path] = set()
#: The outputs written as they go (standard output, ``/dev/null``) being written now.
_WRITING: list[Path] = []
#: The signals that stop a command writing (``kill``, a scheduler; the terminal closed).
STOPPING = frozenset({signal.SIGTERM, signal.SIGHUP})


def writing_output() -> bool:
    """Whether a batch output is being written now (to a file or as it goes)."""
    return bool(_PARTS or _WRITING)


def remove_partial_files() -> None:
    """Remove every file :func:`staged` is writing: the command line's handler of
    :data:`STOPPING` calls it before the process ends (Ctrl-C unwinds through them itself)."""
    for part in list(_PARTS):
        part.unlink(missing_ok=True)
