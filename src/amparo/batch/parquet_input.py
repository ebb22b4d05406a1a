"""Parquet input of the batch commands: a file, or a folder of part files as Spark, Hive or a data
lake writes them (``encounters.parquet/part-00000-….parquet``), read chunk by chunk, each chunk's
text checked and its instants read in UTC, as one input in the parts' order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from amparo.batch.arrow_text import other_rows, refused_rows
from amparo.batch.runner import ROW, BatchScreener
from amparo.engine.columnar import polars_module
from amparo.errors import Count, EncounterInvalid, FieldError, InputError, Phrase

PARQUET_CHUNK = 200_000  # rows; twice the 100,000 of earlier rounds: each chunk costs ~20 ms besides its rows

#: Which library decodes a Parquet chunk (:func:`parquet_chunks`; the setting
#: ``AMPARO_BATCH_PARQUET_READER``): ``arrow``, the default, or ``polars``, faster where a file's
#: types allow but laxer with a damaged file.
ParquetReader = Literal["arrow", "polars"]


def parquet_parts(path: Path, option: str = "IN") -> list[Path]:
    """The Parquet files ``path`` names: itself, or a folder's files (its sub-folders' too, as Hive
    partitions them), in the order of their paths (``part-00000`` before ``part-00001``); names
    starting with ``_`` or ``.`` are not parts (``_SUCCESS``, checksums), as :func:`_not_data`
    says with Spark's exceptions. These are the files Spark
    reads (the Spark job reads a folder so, :mod:`amparo.batch.spark_input`): a part need not end in
    ``.parquet`` (Hive writes ``000000_0``), and a file that is not Parquet is named, not skipped."""
    if not path.is_dir():
        return [path]
    named = [part for part in path.rglob("*") if not any(_not_data(n) for n in part.relative_to(path).parts)]
    broken = sorted(part for part in named if part.is_symlink() and not part.exists())
    if broken:  # a part gone missing: its rows would be left out without a word (Spark fails on it)
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase("{part} is a link to nothing (a part of {path})", part=broken[0], path=path),
                )
            ]
        )
    parts = sorted(part for part in named if part.is_file())
    if not parts:
        raise InputError(
            [
                FieldError(
                    option,
                    Phrase(
                        "the folder {path} holds no part (a file whose name starts with no _ or .)", path=path
                    ),
                )
            ]
        )
    return parts


def _not_data(name: str) -> bool:
    """A file or folder name Spark leaves out of a folder's data (``HadoopFSUtils``): hidden
    (``.``), private (``_``, but for a partition folder such as ``_x=1``), a copy being written
    (``._COPYING_``), and Parquet's summary files (``_metadata``, ``_common_metadata``)."""
    private = name.startswith("_") and "=" not in name
    return private or name.startswith((".", "_metadata", "_common_metadata")) or name.endswith("._COPYING_")


def parquet_rows(path: Path) -> int:
    """How many rows the Parquet file or folder holds; every part's footer read, so a part that
    is not Parquet is named before anything is written."""
    return sum(int(open_parquet(part).metadata.num_rows) for part in parquet_parts(path))


def open_parquet(path: Path) -> Any:
    """The Parquet file at ``path``; InputError naming it when it is not one (garbage, truncated)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    try:
        return pq.ParquetFile(path)
    except pa.ArrowNotImplementedError as exc:  # Parquet, with a type Arrow does not read (INT128)
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "{path} holds a column of a type amparo cannot read ({reason}); write it as text, "
                        "numbers of at most 64 bits, booleans, dates, timestamps, lists or structs",
                        path=path,
                        reason=_reason(exc),
                    ),
                )
            ]
        ) from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "{path} is not a readable Parquet file ({reason})",
                        path=path,
                        reason=_reason(exc),
                    ),
                )
            ]
        ) from None


@dataclass
class ParquetChunk:
    """Rows read from a Parquet file: ``frame``, in columns, those whose text is UTF-8;
    ``refused``, the others' positions in the chunk (in order) and their errors
    (:mod:`amparo.batch.arrow_text`)."""

    frame: Any
    refused: dict[int, EncounterInvalid]

    @property
    def height(self) -> int:
        return int(self.frame.height) + len(self.refused)

    def placed(self, screened: Any, refused: Any) -> Any:
        """A frame of a row per row of ``frame`` (``screened``) and one of a row per refused row,
        as one in the chunk's order."""
        if not self.refused:
            return screened
        pl = polars_module()
        import numpy as np

        at = pl.Series(ROW, list(self.refused), dtype=pl.Int64)
        kept = pl.Series(ROW, np.setdiff1d(np.arange(self.height), at.to_numpy()), dtype=pl.Int64)
        return (
            pl.concat([screened.with_columns(kept), refused.with_columns(at)], how="vertical")
            .sort(ROW)
            .drop(ROW)
        )

    def screened_by(self, screener: BatchScreener) -> Any:
        """One output row per row of the chunk: the frame screened, an error row for each refused."""
        out = screener.screen_frame(self.frame)
        if not self.refused:
            return out
        errors = dict(enumerate(self.refused.values()))
        return self.placed(out, screener.screen_documents([None] * len(errors), errors))


def parquet_chunks(
    path: Path, size: int = PARQUET_CHUNK, reader: ParquetReader = "arrow"
) -> Iterator[ParquetChunk]:
    """Chunks of a Parquet file, or of a folder's parts one after another (:func:`parquet_parts`).

    ``reader``: ``arrow`` decodes every chunk with Arrow; ``polars`` lets Polars' own reader decode
    whole row groups where the file's types allow (:func:`_read_by_polars`), about 40 % less work a
    chunk, the same frames from a sound file. Polars checks a damaged file less than Arrow does: a
    page whose bytes were changed, or a footer that understates a row group's rows, can be read
    without an error where Arrow refuses it (a tester's 360 files each damaged in a few bytes: 22
    read by Polars and refused by Arrow, 6 read by both but not alike), and its panics print Rust's
    words on standard error before Arrow reads the chunk. Hence ``arrow`` by default."""
    for part in parquet_parts(path):
        yield from _file_chunks(part, size, reader)


def _file_chunks(path: Path, size: int, reader_kind: ParquetReader) -> Iterator[ParquetChunk]:
    """Chunks of a Parquet file, of about ``size`` rows: whole row groups where none is over twice
    that (read with their columns decoded at once, each chunk one buffer per column), else slices
    of the file's batches (memory stays flat whatever its row groups). With ``reader_kind``
    ``polars``, whole row groups are decoded by Polars where the file's types allow
    (:func:`_read_by_polars`; Polars refuses text that is not UTF-8), else by Arrow, whose text
    is checked (:func:`~amparo.batch.arrow_text.utf8_faults`, ~12 ms per 200,000 rows).
    Decoded in the calling thread only (no Arrow thread pool): the reader runs beside the
    screening workers, which keep both cores busy, and Arrow's threads only added work (one
    200,000-row chunk: 175 -> 146 ms of CPU)."""
    import pyarrow as pa

    reader = open_parquet(path)
    counts = [reader.metadata.row_group(i).num_rows for i in range(reader.metadata.num_row_groups)]
    done = 0
    try:
        if not counts or max(counts) > 2 * size:
            try:
                for batch in reader.iter_batches(batch_size=size, use_threads=False):
                    chunk = _checked(pa.Table.from_batches([batch]))
                    done += chunk.height
                    yield chunk
                return
            except pa.ArrowNotImplementedError:
                if done:
                    raise
            # Dictionary-encoded text inside a nested column, which Arrow reads a row group at a time only.
            for index in range(len(counts)):
                group = reader.read_row_group(index, use_threads=False)
                for start in range(0, group.num_rows, size):
                    chunk = _checked(group.slice(start, size))
                    done += chunk.height
                    yield chunk
            return
        groups: list[int] = []
        rows = 0
        polars_reads = reader_kind == "polars" and _read_by_polars(path, reader)
        for index, count in enumerate(counts):
            groups.append(index)
            rows += count
            if rows >= size or index == len(counts) - 1:
                read = _polars_chunk(path, done, rows) if polars_reads else None
                try:
                    chunk = read if read is not None else _checked(_row_groups(reader, groups))
                except (pa.ArrowException, OSError) as exc:
                    raise _spoiled(path, reader, counts, groups, exc) from None
                done += chunk.height
                yield chunk
                groups, rows = [], 0
    except (pa.ArrowException, OSError) as exc:  # a page spoiled after the footer was read
        reason = _reason(exc)
        message = (
            Phrase(
                "{path} cannot be read after its first {rows} rows ({reason})",
                path=path,
                rows=Count(done),
                reason=reason,
            )
            if done
            else Phrase("{path} cannot be read from its first row ({reason})", path=path, reason=reason)
        )
        raise InputError([FieldError("IN", message)]) from None


def _read_by_polars(path: Path, reader: Any) -> bool:
    """Whether the file's chunks may be read by Polars' own Parquet reader: every column of a type
    it reads as Arrow does (:func:`_plain`), and the frame's columns those of Arrow's table
    converted (:func:`_frame_of`), as the footers say. Polars decodes a row group of the form's
    nested columns in 75 ms where Arrow and the conversion take 120 (200,000 rows, Polars 2.2), and
    refuses text that is not UTF-8 (a chunk it does not read is read by Arrow, whose errors and
    checks are the command's)."""
    pl = polars_module()
    stored = reader.schema_arrow  # an instant's zone as written (Polars panics on some, e.g. +05:30)
    if not all(_plain(field.type) for field in stored) or _named_twice(stored) is not None:
        return False
    schema = _instants_in_utc(stored.empty_table()).schema
    try:
        return bool(_polars_scan(path).collect_schema() == pl.from_arrow(schema.empty_table()).schema)
    except (Exception, pl.exceptions.PanicException):
        return False


def _plain(kind: Any) -> bool:
    """An Arrow type whose values Polars' Parquet reader and Arrow's (then ``pl.from_arrow``) read
    alike: text, booleans, numbers, days, instants without a zone or in UTC, and lists and structs
    of them (no dictionary, map, decimal, binary or other zone: those are read by Arrow)."""
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return all(_plain(kind.field(i).type) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _plain(kind.value_type)
    if pa.types.is_timestamp(kind):
        return kind.tz in (None, "UTC")
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_date32(kind)
    )


def _polars_chunk(path: Path, first: int, rows: int) -> ParquetChunk | None:
    """Rows ``first`` to ``first + rows`` of the file, read by Polars (whole row groups); None
    where Polars does not read them (text that is not UTF-8, a spoiled page): Arrow reads them
    then, and says why."""
    pl = polars_module()
    try:
        frame = _polars_scan(path).slice(first, rows).collect()
    except (Exception, pl.exceptions.PanicException):
        return None
    return ParquetChunk(frame, {}) if frame.height == rows else None


def _polars_scan(path: Path) -> Any:
    """The file as Polars scans it: that file alone (a name holding ``[`` or ``*`` is no pattern,
    and a folder ``year=2025`` above it gives no column), decoded in the calling thread."""
    return polars_module().scan_parquet(path, glob=False, hive_partitioning=False, parallel="none")


def _reason(exc: BaseException) -> str:
    """Arrow's words for why a file cannot be read, to be put in brackets (no final period)."""
    return str(exc).strip().rstrip(".")


def _spoiled(path: Path, reader: Any, counts: list[int], groups: list[int], exc: Exception) -> InputError:
    """The error of a chunk of row groups that cannot be read, naming the first group that
    cannot and its rows (the chunk's other groups may read well: "from its first row" said of a
    file whose first 140,000 rows read was wrong); each group read again alone, on this path only."""
    import pyarrow as pa

    spoiled, reason = groups[0], _reason(exc)
    for index in groups:
        try:
            reader.read_row_group(index, use_threads=False)
        except (pa.ArrowException, OSError) as alone:
            spoiled, reason = index, _reason(alone)
            break
    first = sum(counts[:spoiled])
    message = Phrase(
        "{path} cannot be read in its row group {group} of {groups}, rows {first} to {last} ({reason})",
        path=path,
        group=spoiled + 1,
        groups=len(counts),
        first=Count(first + 1),
        last=Count(first + counts[spoiled]),
        reason=reason,
    )
    return InputError([FieldError("IN", message)])


def _row_groups(reader: Any, groups: list[int]) -> Any:
    """Row groups of the file as one table (their columns decoded at once); one group at a time
    where Arrow reads a column only so (text dictionary-encoded inside a list or a struct)."""
    import pyarrow as pa

    try:
        return reader.read_row_groups(groups, use_threads=False)
    except pa.ArrowNotImplementedError:
        return pa.concat_tables([reader.read_row_group(index, use_threads=False) for index in groups])


def _instants_in_utc(table: Any) -> Any:
    """``table`` with every timestamp that has a time zone in UTC: the same instants, and a zone
    Polars reads (it refuses some Arrow holds, such as the fixed offset ``+05:30``)."""
    import pyarrow as pa

    def utc(kind: Any) -> Any:
        if pa.types.is_timestamp(kind):
            return pa.timestamp(kind.unit, "UTC") if kind.tz is not None else kind
        if pa.types.is_struct(kind):
            return pa.struct(
                [kind.field(i).with_type(utc(kind.field(i).type)) for i in range(kind.num_fields)]
            )
        if pa.types.is_map(kind):
            return pa.map_(
                kind.key_field.with_type(utc(kind.key_type)), kind.item_field.with_type(utc(kind.item_type))
            )
        if pa.types.is_fixed_size_list(kind):
            return pa.list_(kind.value_field.with_type(utc(kind.value_type)), kind.list_size)
        if pa.types.is_list(kind):
            return pa.list_(kind.value_field.with_type(utc(kind.value_type)))
        if pa.types.is_large_list(kind):
            return pa.large_list(kind.value_field.with_type(utc(kind.value_type)))
        return kind

    schema = pa.schema([field.with_type(utc(field.type)) for field in table.schema])
    return table if schema.equals(table.schema) else table.cast(schema)


def _checked(table: Any) -> ParquetChunk:
    """The rows of ``table`` whose text is UTF-8 as a Polars frame, and the others refused."""
    table = _instants_in_utc(table)
    refused = refused_rows(table)
    return ParquetChunk(_frame_of(other_rows(table, refused)), refused)


def _frame_of(table: Any) -> Any:
    """``table`` as a Polars frame; an :class:`InputError` naming IN and the column where Polars
    cannot hold one (two columns of one name, a type it does not read such as ``decimal256``):
    a property of the file, not of a row (it stopped the command with an internal error)."""
    pl = polars_module()
    twice = _named_twice(table.schema)
    if twice is not None:
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "the file has two columns named {name}; each needs a name of its own",
                        name=repr(twice),
                    ),
                )
            ]
        )
    try:
        return pl.from_arrow(table)
    except (Exception, pl.exceptions.PanicException) as exc:
        for field in table.schema:
            try:
                pl.from_arrow(table.select([field.name]))
            except (Exception, pl.exceptions.PanicException):
                where = Phrase("the column {name} ({type})", name=repr(field.name), type=field.type)
                break
        else:
            where = Phrase("a column")
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            [
                FieldError(
                    "IN",
                    Phrase(
                        "{column} is of an Arrow type amparo cannot read ({reason}); "
                        "write it as text, numbers, booleans, dates, timestamps, lists or structs",
                        column=where,
                        reason=reason,
                    ),
                )
            ]
        ) from None


def _named_twice(schema: Any) -> str | None:
    """The first name two columns (or two fields of one struct) share, as a path."""
    import pyarrow as pa

    def twice(fields: list[Any], prefix: str) -> str | None:
        seen: set[str] = set()
        for field in fields:
            if field.name in seen:
                return f"{prefix}{field.name}"
            seen.add(str(field.name))
            kind = field.type
            while pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
                kind = kind.value_type
            if pa.types.is_struct(kind):
                found = twice([kind.field(i) for i in range(kind.num_fields)], f"{prefix}{field.name}.")
                if found is not None:
                    return found
        return None

    return twice(list(schema), "")
