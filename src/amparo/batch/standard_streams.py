"""Standard input and output as a batch command's IN and OUT (``-``), as ``amparo screen -`` reads
standard input: ``zcat encounters.jsonl.gz | amparo screen --batch - --out -``.

Standard input is read once, as it comes: memory stays flat whatever its size. What is read of it
to see how it starts (JSON Lines, one array or one object; compressed or not; a Parquet file, which
cannot be read from a pipe) is read again by the reader that follows (``peek``). Its codec is told
by its first bytes, as ``gzip -dc`` tells it, since it has no name to end in ``.gz``.
Standard output is written as it goes (a pipe is not renamed into place once whole, as a file is).
"""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any

from amparo.errors import FieldError, InputError, Phrase

#: What ``-`` stands for, as IN or OUT, once past the command line (``/dev/stdin`` as a file name
#: is read the same way: a pipe cannot be opened twice).
STANDARD_INPUT = Path("/dev/stdin")
STANDARD_OUTPUT = Path("/dev/stdout")
#: An output thrown away (``--out /dev/null``, to time a run): JSON Lines, written as it goes.
DISCARDED = Path("/dev/null")

#: The first bytes of each codec's files, and of a Parquet file.
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
_PARQUET_MAGIC = b"PAR1"


def input_path(text: str, option: str = "IN") -> Path:
    """The path a command line's IN names (``-``: standard input); an empty name is refused (it
    read the current folder as a folder of Parquet parts)."""
    if not text:
        raise InputError(
            [FieldError(option, Phrase("expected a file name (or - for standard input), got ''"))]
        )
    return STANDARD_INPUT if text == "-" else Path(text)


def output_path(text: str, option: str = "--out") -> Path:
    """The path a command line's ``--out`` names (``-``: standard output). A name ending in ``/``
    names a folder, as ``cp`` reads it: refused (the path without the ``/`` was written as a file)."""
    if text == "-":
        return STANDARD_OUTPUT
    if not text:
        raise InputError([FieldError(option, Phrase("expected a file name, got ''"))])
    if text.endswith(("/", os.sep)):
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase(
                        "{name} ends with '/', so it names a folder; give the file to write, ending .parquet or .jsonl",
                        name=repr(text),
                    ),
                )
            ]
        )
    return Path(text)


def source_name(path: Path) -> str:
    """How messages name an input: its path, or ``<stdin>`` (as ``amparo screen -`` names it)."""
    return "<stdin>" if is_standard_input(path) else str(path)


def output_name(path: Path) -> str:
    """How the report names an output: its path, or standard output."""
    return "standard output" if is_standard_output(path) else str(path)


def is_standard_input(path: Path) -> bool:
    return path == STANDARD_INPUT


def is_standard_output(path: Path) -> bool:
    return path == STANDARD_OUTPUT


def is_written_as_it_goes(path: Path) -> bool:
    """Standard output or ``/dev/null``: JSON Lines, no temporary file renamed into place."""
    return path in (STANDARD_OUTPUT, DISCARDED)


class _Source:
    """Standard input's bytes, with those a peeking reader read put back in front."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.back = b""

    def take(self, size: int) -> bytes:
        if self.back:
            data, self.back = self.back[:size], self.back[size:]
            return data
        return self.stream.read(size) or b""


_source: _Source | None = None


def _current() -> _Source:
    """The process's standard input (another one when ``sys.stdin`` was replaced, as tests do)."""
    global _source
    stream = sys.stdin.buffer if sys.stdin is not None and hasattr(sys.stdin, "buffer") else None
    if stream is None:
        raise InputError([FieldError("IN", Phrase("this process has no standard input to read"))])
    if _source is None or _source.stream is not stream:
        _source = _Source(stream)
    return _source


class _Reader(io.RawIOBase):
    """A reader of standard input; a ``peek`` one puts back what it read when closed."""

    def __init__(self, source: _Source, peek: bool) -> None:
        self.source, self.peek = source, peek
        self.seen: list[bytes] = []
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.take(len(buffer))
        buffer[: len(data)] = data
        self.read_so_far += len(data)
        if self.peek:
            self.seen.append(data)
        return len(data)

    def tell(self) -> int:
        return self.read_so_far

    def close(self) -> None:
        if self.peek and not self.closed:
            self.source.back = b"".join(self.seen) + self.source.back
            self.seen = []
        super().close()


def open_standard_input(peek: bool = False) -> tuple[IO[bytes], Any]:
    """A buffered reader of standard input and its raw reader (whose ``tell`` is how much of it
    was read). A terminal is refused: a batch reads what is piped in."""
    source = _current()
    if source.stream.isatty():
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "standard input is a terminal; pipe the documents in, e.g. `cat a.jsonl | amparo ...`"
                    ),
                )
            ]
        )
    raw = _Reader(source, peek)
    return io.BufferedReader(raw, buffer_size=1 << 16), raw


def standard_input_codec() -> str | None:
    """The codec standard input is compressed with, by its first bytes (``None``: plain text).
    A Parquet file is refused naming IN."""
    reader, _ = open_standard_input(peek=True)
    with reader:
        start = reader.read(6)
    kind = kind_by_first_bytes(start)
    if kind == "parquet":
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "standard input holds a Parquet file, which is read from its end; give its file name"
                    ),
                )
            ]
        )
    return kind


def kind_by_first_bytes(start: bytes) -> str | None:
    """What a file's first bytes show it is: ``"parquet"``, a codec's name (``"gzip"``,
    ``"bzip2"``, ``"xz"``), or ``None`` (text, as far as they tell)."""
    if start.startswith(_PARQUET_MAGIC):
        return "parquet"
    return next((codec for magic, codec in _MAGIC.items() if start.startswith(magic)), None)


def standard_input_size() -> int | None:
    """How many bytes standard input holds, when it is a file (``< a.jsonl``); ``None`` for a pipe."""
    try:
        info = os.fstat(_current().stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


class _Unclosed(io.TextIOWrapper):
    """Standard output as UTF-8 text, flushed and left open when the command closes it."""

    def close(self) -> None:
        if not self.closed:
            self.flush()
            self.detach()


def open_standard_output() -> IO[str]:
    """Standard output to write UTF-8 text to (JSON Lines: a pipe has no name to say another
    format by)."""
    return _Unclosed(sys.stdout.buffer, encoding="utf-8", newline="\n")
