"""JSON Lines compressed as a whole file (``encounters.jsonl.gz``, ``.bz2``, ``.xz``), read and
written with the standard library's codecs, block by block as plain files are (memory stays flat
whatever the file's size). A Parquet file compresses its own columns and is never wrapped."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path
from typing import IO, Any

from amparo.batch.standard_streams import (
    is_standard_input,
    is_standard_output,
    open_standard_input,
    open_standard_output,
    standard_input_codec,
)
from amparo.errors import FieldError, InputError, Phrase, fixed_phrase

#: The codec of each file name ending, by the name a user knows it by.
CODECS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}

#: How hard the output is compressed: gzip's and bzip2's 9 take two to four times as long as 6 for
#: a few per cent smaller files; xz's preset 6 is its own default.
_LEVEL = 6

#: What a codec raises on a file that is not of its kind, or cut short.
_CODEC_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)


def codec_of(path: Path) -> str | None:
    """The codec ``path``'s name ends in (``None``: not compressed)."""
    return CODECS.get(path.suffix.lower())


def inner_suffix(path: Path) -> str:
    """The file's own extension under a codec's (``.jsonl`` of ``a.jsonl.gz``), in lower case."""
    return Path(path.stem).suffix.lower() if codec_of(path) else path.suffix.lower()


class InputFile:
    """A file read as bytes (or standard input: :mod:`amparo.batch.standard_streams`),
    decompressed when its name ends in a codec's extension. ``position``
    is how far into the file as stored it has been read (for a progress bar over its size); a
    file the codec cannot read, or one cut short, raises an :class:`InputError` naming ``option``
    (before, it would be read as text that is not JSON)."""

    def __init__(self, path: Path, option: str = "IN", *, peek: bool = False) -> None:
        self.path, self.option = path, option
        self._file: Any
        self.name: str  # a Phrase for standard input: said in the user's language
        if is_standard_input(path):  # its codec told by its first bytes; ``peek``: read again after
            self.name, self.codec = Phrase("standard input"), standard_input_codec()
            self._file, self._raw = open_standard_input(peek)
        else:
            self.name, self.codec = path.name, codec_of(path)
            self._file = self._raw = path.open("rb")
        self._stream: Any = self._file
        if self.codec == "gzip":
            self._stream = gzip.GzipFile(fileobj=self._file, mode="rb")
        elif self.codec == "bzip2":
            self._stream = bz2.BZ2File(self._file, mode="rb")
        elif self.codec == "xz":
            self._stream = lzma.LZMAFile(self._file, mode="rb")

    def read(self, size: int = -1) -> bytes:
        return self._guarded(self._stream.read, size)

    def readline(self, size: int = -1) -> bytes:
        return self._guarded(self._stream.readline, size)

    def position(self) -> int:
        """Bytes of the stored file read so far."""
        return int(self._raw.tell())

    def _guarded(self, read: Any, size: int) -> bytes:
        if self.codec is None:
            data: bytes = read(size)
            return data
        try:
            data = read(size)
        except _CODEC_ERRORS as exc:
            # The codec's reason, in Spanish where the catalogue has it (extract.CODEC_REASONS).
            values = {"name": self.name, "codec": self.codec, "reason": fixed_phrase(str(exc))}
            message = (
                Phrase(
                    "{name} cannot be read as an {codec} file ({reason}); give a whole {codec} file or the text itself",
                    **values,
                )
                if self.codec == "xz"
                else Phrase(
                    "{name} cannot be read as a {codec} file ({reason}); give a whole {codec} file or the text itself",
                    **values,
                )
            )
            raise InputError([FieldError(self.option, message)]) from exc
        return data

    def close(self) -> None:
        try:
            if self._stream is not self._file:
                self._stream.close()
        finally:
            self._file.close()

    def __enter__(self) -> InputFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_text_output(path: Path, codec: str | None) -> IO[str]:
    """``path`` opened to write UTF-8 text, compressed with ``codec`` (``None``: as it is);
    standard output as it is."""
    if is_standard_output(path):
        return open_standard_output()
    if codec == "gzip":
        return io.TextIOWrapper(_NamelessGzip(path.open("wb")), encoding="utf-8")
    if codec == "bzip2":
        return bz2.open(path, "wt", encoding="utf-8", compresslevel=_LEVEL)
    if codec == "xz":
        return lzma.open(path, "wt", encoding="utf-8", preset=_LEVEL)
    return path.open("w", encoding="utf-8")


class _NamelessGzip(gzip.GzipFile):
    """A gzip stream whose header holds no file name and no time (as ``gzip -n`` writes it): the
    same rows give the same bytes, and the temporary name a file is written at is not kept in it
    (``gunzip -N`` restored ``.out.jsonl.gz.a7286bfe.part``). It closes the file it writes into."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__(filename="", mode="wb", fileobj=raw, compresslevel=_LEVEL, mtime=0)
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()
