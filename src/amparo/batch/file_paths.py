"""The files a batch command names: their format by extension (:func:`file_format`,
:func:`output_format`), and the paths refused before any work (a file named as another format, a
special file as OUT, an IN that is no file), each naming its option and saying what to give."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Literal

from amparo.batch.compression import CODECS, codec_of, inner_suffix
from amparo.batch.parquet_input import parquet_parts
from amparo.batch.standard_streams import (
    DISCARDED,
    is_standard_input,
    is_written_as_it_goes,
    kind_by_first_bytes,
    standard_input_codec,
)
from amparo.errors import FieldError, InputError, Phrase

Format = Literal["jsonl", "parquet"]
#: The endings of a JSON Lines file's name (before a codec's: ``.jsonl.gz``).
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".json")


def file_format(path: Path, option: str) -> Format:
    """JSON Lines (``.jsonl``, ``.ndjson``, ``.json``; compressed too, e.g. ``.jsonl.gz``:
    :mod:`amparo.batch.compression`) or Parquet (``.parquet``), by extension; standard input and
    output (``-``) are JSON Lines, as is ``/dev/null``."""
    if is_written_as_it_goes(path):
        return "jsonl"
    if is_standard_input(path):
        standard_input_codec()  # refuses a Parquet file, which is read from its end
        return "jsonl"
    if path.is_dir():  # a folder of Parquet parts, as Spark writes them
        parquet_parts(path, option)
        return "parquet"
    suffix = inner_suffix(path)
    if suffix in JSON_LINES_SUFFIXES:
        if option == "IN" and codec_of(path) is None:
            _refuse_misnamed(path, option)
        return "jsonl"
    if suffix in {".parquet", ".pq"} and codec_of(path) is None:
        return "parquet"
    if codec_of(path) is not None:
        message = Phrase(
            "expected a .jsonl or .parquet file, got '{name}' (only JSON Lines are read and written "
            "compressed: .jsonl.gz, .jsonl.bz2 or .jsonl.xz; a Parquet file compresses its own columns)",
            name=path.name,
        )
    elif option == "IN":
        message = Phrase(
            "expected a .jsonl or .parquet file, got '{name}' (JSON Lines also as .ndjson or .json, "
            "compressed as .jsonl.gz, .bz2 or .xz; - for standard input)",
            name=path.name,
        )
    else:
        message = Phrase(
            "expected a .jsonl or .parquet file, got '{name}' (JSON Lines also as .ndjson or .json, "
            "compressed as .jsonl.gz, .bz2 or .xz)",
            name=path.name,
        )
    raise InputError([FieldError(option, message)])


def _refuse_misnamed(path: Path, option: str) -> None:
    """InputError when a file named as JSON Lines holds Parquet or compressed bytes (standard
    input is told by its first bytes; a file by its name, which would give an error row per
    line of its bytes)."""
    try:
        with path.open("rb") as handle:
            kind = kind_by_first_bytes(handle.read(8))
    except OSError:  # missing or unreadable: said by the reader, naming IN
        return
    if kind == "parquet":
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase(
                        "{name} is a Parquet file (it begins with PAR1); name it .parquet", name=path.name
                    ),
                )
            ]
        )
    if kind is not None:
        suffix = next(suffix for suffix, codec in CODECS.items() if codec == kind)
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase(
                        "{name} is {codec}-compressed; name it .jsonl{suffix}",
                        name=path.name,
                        codec=kind,
                        suffix=suffix,
                    ),
                )
            ]
        )


def refuse_special_output(path: Path, option: str = "--out") -> None:
    """InputError when ``path`` is standard input, a device, a pipe or a socket, or a name under
    ``/dev`` or ``/proc`` (``/dev/fd/0``, ``/proc/self/fd/1``) other than standard output and
    ``/dev/null``: a file is written beside its output and renamed over it once whole, which would
    put a regular file in place of the device or the link (``--out /dev/stdin`` replaced the
    system's ``/dev/stdin``)."""
    if is_written_as_it_goes(path):
        return
    if is_standard_input(path):
        raise InputError(
            [FieldError(option, Phrase("{path} is standard input; {hint}", path=path, hint=_SPECIAL_HINT))]
        )
    if path.is_symlink() and not path.exists() and _is_link_loop(path):  # a dangling link is written through
        raise InputError(
            [FieldError(option, Phrase("{path} is a loop of links; {hint}", path=path, hint=_SPECIAL_HINT))]
        )
    if path.exists() and not path.is_file() and not path.is_dir():
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase(
                        "{path} is not a regular file (a device, a pipe or a socket); {hint}",
                        path=path,
                        hint=_SPECIAL_HINT,
                    ),
                )
            ]
        )
    where = Path(os.path.realpath(path))  # links followed, '..' folded
    if where.parts[1:2] == ("proc",) or (where.parts[1:2] == ("dev",) and where.parts[2:3] != ("shm",)):
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase(
                        "{path} is a system file under /{folder}; {hint}",
                        path=path,
                        folder=where.parts[1],
                        hint=_SPECIAL_HINT,
                    ),
                )
            ]
        )


#: What to give instead of a special file (said in the user's language: a phrase of its own).
_SPECIAL_HINT = Phrase("give a file name, - for standard output or /dev/null")


def output_format(path: Path, option: str = "--out") -> Format:
    """The format of a file to write, by extension, checked before any work: its folder must exist
    and ``path`` must not be a folder (an error after screening millions of rows would lose them)."""
    if path.is_dir():
        raise InputError([FieldError(option, Phrase("{path} is a folder; give a file name", path=path))])
    refuse_special_output(path, option)
    fmt = file_format(path, option)
    if is_written_as_it_goes(path):
        return fmt
    if not path.parent.is_dir():
        # Under a file (`in.jsonl/out.jsonl`), the folder named is that file.
        within = next((folder for folder in path.parents if folder.exists()), None)
        if within is not None and not within.is_dir():
            problem = Phrase("{file} is a file, not a folder to write {path} in", file=within, path=path.name)
        else:
            problem = Phrase(
                "no such folder: {folder} (folders are not created for a file)", folder=path.parent
            )
        raise InputError([FieldError(option, problem)])
    return fmt


def refuse_missing(source: Path) -> None:
    """InputError naming IN when ``source`` is neither a file nor a folder (of Parquet parts;
    standard input always is one)."""
    if is_standard_input(source) or source == DISCARDED or source.is_file() or source.is_dir():
        return  # /dev/null: a batch of no documents
    if source.exists():  # a pipe (`<(zcat a.gz)`, a FIFO) or a device: read once, as it comes
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "{path} is not a regular file (a pipe or a device); send it to standard input "
                        "and give - as IN (e.g. `zcat a.jsonl.gz | amparo ... -`)",
                        path=source,
                    ),
                )
            ]
        )
    if source.is_symlink():
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase("{path} is a link to no file ({fault})", path=source, fault=_link_fault(source)),
                )
            ]
        )
    raise InputError([FieldError("IN", Phrase("no such file: {path}", path=source))])


def _link_fault(link: Path) -> str:
    """Why a link leads to no file: a loop of links, or a target that does not exist."""
    if _is_link_loop(link):
        return Phrase("a loop of links")
    return Phrase("{target} does not exist", target=os.readlink(link))


def _is_link_loop(link: Path) -> bool:
    try:
        link.resolve(strict=True)
    except RuntimeError:  # Python 3.11 says a loop so; 3.13 raises OSError (ELOOP)
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False
