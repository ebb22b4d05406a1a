"""Batch screening from file to file, streaming: JSON Lines or Parquet in, JSON Lines or Parquet out
(by extension), chunk by chunk, so memory stays flat whatever the size of the input.

One output row per input row, in input order: ``encounter_id``, ``pack``, ``as_of``, the pack's
summary keys and ``flags``; an invalid row gives ``{"encounter_id", "error"}`` (its JSON paths) and
never stops the batch.
"""

from __future__ import annotations

import codecs
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from amparo.batch.compression import InputFile, codec_of, open_text_output
from amparo.batch.file_paths import Format, file_format, output_format, refuse_missing
from amparo.batch.json_lines import (
    JSON_SPACE,
    LineChunk,
    columnar_pack,
    decode_lines,
    json_loads,
    line_chunks,
    parse_lines,
    screen_lines,
)
from amparo.batch.output_file import refuse_overwriting, staged
from amparo.batch.parquet_input import PARQUET_CHUNK, ParquetReader, parquet_chunks, parquet_rows
from amparo.batch.pipeline import DEFAULT_WORKERS, in_order, read_ahead
from amparo.batch.repeated_ids import RepeatedIds, Repeats, with_examples
from amparo.batch.runner import BatchScreener
from amparo.batch.standard_streams import (
    is_standard_input,
    is_standard_output,
    source_name,
    standard_input_size,
)
from amparo.engine.columnar import polars_module
from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError
from amparo.screening.json_values import loads_json
from amparo.user_text import decode_user_bytes

JSON_CHUNK = 50_000


@dataclass
class JsonChunk:
    documents: list[Any]
    errors: dict[int, AmparoError]
    consumed: int  # bytes read, for the progress bar


def _json_shape(path: Path) -> Literal["lines", "array", "object", "not JSON"]:
    """Whether the file is JSON Lines, one JSON array (read element by element, streaming), one
    JSON value over several lines (a pretty-printed object, read whole as ``amparo screen`` reads
    it), or text none of whose lines is JSON (one error, as ``amparo screen`` says it: not an
    error per line of garbage). A byte order mark is skipped."""
    with InputFile(path, peek=True) as handle:  # standard input: what is read here is read again
        first = handle.readline(_LINE_START).removeprefix(codecs.BOM_UTF8)
        while first and not first.strip(JSON_SPACE):  # blank lines (JSON's spaces: not \f or \v)
            first = handle.readline(_LINE_START)
        start = first.lstrip(JSON_SPACE)[:1]
        if start == b"[":  # an array however it parses (not the first line parsed for nothing:
            return "array"  # a one-line array is the whole file)
        if start != b"{":
            return "lines" if not first or _some_line_is_json(first, handle) else "not JSON"
        if not first.endswith(b"\n"):
            first += handle.readline()
        if _one_object(first):
            return "lines"
        second = b""
        while not second.strip():  # JSON Lines whose first line is broken: the next one is whole
            second = handle.readline(_LINE_START)
            if not second:
                break
    return "lines" if second.lstrip()[:1] == b"{" and _one_object(second) else "object"


#: How far standard input whose first line is not JSON is read for a line that is (what is read
#: of it is kept to be read again): past it, its lines are errors one by one. A file is read to
#: its end if need be.
_LOOK_FOR_JSON = 64 << 20


def _some_line_is_json(first: bytes, handle: InputFile) -> bool:
    """Whether a line from ``first`` on (``first`` read from ``handle``) is JSON, as
    ``amparo screen`` holds back the errors of JSON Lines until one line decodes."""
    from amparo.screening.inputs import read_line

    line, seen = first, 0
    most = _LOOK_FOR_JSON if is_standard_input(handle.path) else None  # a file is read again anyway
    while line and (most is None or seen < most):
        seen += len(line)
        if not line.endswith(b"\n"):
            rest = handle.readline()
            line, seen = line + rest, seen + len(rest)
        if line.strip(JSON_SPACE):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                return True  # said line by line, as the reader finds it
            if read_line(text, 1, "").error is None:
                return True
        line = handle.readline(_LINE_START)
    return bool(line)  # looked far enough: said line by line


def _one_object(line: bytes) -> bool:
    try:
        return isinstance(json_loads()(line.strip()), dict)
    except ValueError:
        return False


#: How much of the first line is read to see how it starts.
_LINE_START = 1 << 16


def json_chunks(path: Path, size: int = JSON_CHUNK) -> Iterator[JsonChunk]:
    """Chunks of decoded JSON Lines (a line that is not JSON is an error in its place); a file
    holding one JSON array is read element by element, one holding one object whole."""
    shape = _json_shape(path)
    if shape == "not JSON":
        yield _not_json_chunk(path)
        return
    if shape == "array":
        yield from _array_chunks(path, size)
        return
    if shape == "object":
        from amparo.screening.inputs import read_items

        with InputFile(path) as handle:
            text = decode_user_bytes(handle.read(), source_name(path), "IN", encoding="utf-8-sig")
            whole = handle.position()
        _, decoded = read_items(text, source=source_name(path))
        yield from _chunked(((item.document, item.error) for item in decoded), size, lambda: whole)
        return
    for chunk in line_chunks(path, size):
        documents, errors = decode_lines(
            chunk, [i for i in range(chunk.count) if chunk.line(i).strip(JSON_SPACE)]
        )
        if documents:
            yield JsonChunk(documents, errors, chunk.consumed)


def _not_json_chunk(path: Path) -> JsonChunk:
    """The one error row of a file none of whose lines is JSON, naming its first line's fault."""
    from amparo.screening.inputs import not_json_input, read_line

    consumed, first = 0, None
    for chunk in line_chunks(path, JSON_CHUNK):
        consumed = chunk.consumed
        for i in range(chunk.count):
            if first is None and chunk.line(i).strip(JSON_SPACE):
                first = read_line(
                    chunk.line(i).decode("utf-8", "replace"), chunk.number(i), source_name(path)
                )
    if first is None:  # not reached: a file of blank lines is JSON Lines of no document
        return JsonChunk([], {}, consumed)
    error = not_json_input(first, source_name(path)).error
    return JsonChunk([None], {0: error} if error is not None else {}, consumed)


def _array_chunks(path: Path, size: int) -> Iterator[JsonChunk]:
    """The array's elements, ``size`` at a time; memory stays flat whatever the file's size."""
    from amparo.screening.json_array import array_of_file

    with InputFile(path) as handle:
        yield from _chunked(array_of_file(handle, source_name(path)), size, handle.position)


def _chunked(
    elements: Iterator[tuple[Any, AmparoError | None]], size: int, position: Callable[[], int]
) -> Iterator[JsonChunk]:
    """``elements`` (a document, or None and its error) ``size`` at a time; ``position``: how far
    the file has been read, for the progress bar."""
    documents: list[Any] = []
    errors: dict[int, AmparoError] = {}
    told = 0
    for document, error in elements:
        if error is not None:
            errors[len(documents)] = error
        documents.append(document)
        if len(documents) == size:
            yield JsonChunk(documents, errors, position() - told)
            told = position()
            documents, errors = [], {}
    if documents:
        yield JsonChunk(documents, errors, position() - told)


class _Writer:
    def __init__(self, path: Path, fmt: Format, screener: BatchScreener, codec: str | None = None) -> None:
        self.path, self.format, self.screener, self.codec = path, fmt, screener, codec
        self._parquet: Any = None
        self._text: Any = None
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self.keys = {pack.id: pack.program.summary_keys for pack in screener.registry}

    def write(self, frame: Any) -> None:
        """Write ``frame`` in a thread while the next chunk is screened (the previous chunk's write
        is finished first, so chunks stay in order and at most one is pending)."""
        self._finish_pending()
        write = self._write_parquet if self.format == "parquet" else self._write_text
        self._pending = self._pool().submit(write, frame)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="amparo-write")
        return self._executor

    def _finish_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()  # an error writing is raised here

    def _write_parquet(self, frame: Any) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        table = frame.to_arrow()
        if self._parquet is None:
            # Statistics (each row group's least and greatest value) for the columns of one value
            # a row, which a reader may filter on; not for the lists of flags and bars or the
            # error, whose least and greatest strings say little (8 % of the time spent writing).
            scalar = [f.name for f in table.schema if not pa.types.is_nested(f.type)]
            self._parquet = pq.ParquetWriter(self.path, table.schema, write_statistics=scalar)
        self._parquet.write_table(table.cast(self._parquet.schema))

    def _write_text(self, frame: Any) -> None:
        """JSON Lines, encoded column-wise: an error row is ``{"encounter_id", "error"}``, any
        other row ``encounter_id``, ``pack``, ``as_of``, its pack's summary keys and ``flags``."""
        pl = polars_module()
        if self._text is None:
            self._text = open_text_output(self.path, self.codec)
        if frame.height == 0:
            return
        chosen: Any = pl.when(pl.col("error").is_not_null()).then(
            pl.struct("encounter_id", "error").struct.json_encode()
        )
        for pack_id, keys in self.keys.items():
            fields = ["encounter_id", "pack", "as_of", *keys, "flags"]
            chosen = chosen.when(pl.col("pack") == pack_id).then(pl.struct(fields).struct.json_encode())
        chosen = chosen.otherwise(pl.struct("encounter_id", "pack", "as_of", "flags").struct.json_encode())
        lines = frame.select(chosen.alias("line"))["line"]
        self._text.write("\n".join(lines.to_list()) + "\n")

    def close(self, empty_schema: dict[str, Any]) -> None:
        try:
            self._finish_pending()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
            self._close_files(empty_schema)

    def _close_files(self, empty_schema: dict[str, Any]) -> None:
        if self.format == "parquet":
            if self._parquet is None:
                polars_module().DataFrame(schema=empty_schema).write_parquet(self.path)
            else:
                self._parquet.close()
        else:  # an empty input: an empty file (of its codec)
            (self._text or open_text_output(self.path, self.codec)).close()


@dataclass(frozen=True)
class BatchReport:
    """What a batch run did."""

    rows: int
    invalid: int
    seconds: float
    warnings: tuple[str, ...]
    #: Rows read on a date past the one their pack is current to (flag ``law_pack_not_current``).
    beyond_currency: int = 0
    #: Rows whose id an earlier row has (each is screened all the same).
    repeated_ids: Repeats = Repeats()


class _Tally:
    """Rows written, invalid rows, rows read past their pack's currency and the ids given more
    than once, chunk by chunk."""

    def __init__(self) -> None:
        self.rows = self.invalid = self.beyond_currency = 0
        self.ids = RepeatedIds()

    def add(self, result: Any) -> None:
        from amparo.screening.screen import BEYOND_CURRENCY

        self.ids.add(result["encounter_id"])
        self.rows += result.height
        self.invalid += int(result["error"].is_not_null().sum())
        self.beyond_currency += int(result["flags"].list.contains(BEYOND_CURRENCY).sum())


def screen_file(
    source: Path,
    out: Path,
    packs: LawPack | PackRegistry,
    *,
    as_of: dt.date | None = None,
    progress: bool | None = None,
    verify_sample: int = 8,
    chunk_rows: int | None = None,
    workers: int = DEFAULT_WORKERS,
    refuse_read_before: bool = False,
    parquet_reader: ParquetReader = "arrow",
    progress_label: str = "screening",
) -> BatchReport:
    """Screen every document in ``source`` into ``out``; a progress bar on a terminal, headed
    ``progress_label`` (the command line's, in the user's language).
    ``workers``: chunks screened at once (:func:`amparo.batch.pipeline.in_order`).
    ``refuse_read_before``: a document dated after ``as_of`` gets the error ``amparo screen
    --as-of`` gives it (the command line's reading); else it is read on ``as_of``, as
    :func:`amparo.screening.screen` reads it. ``parquet_reader``: which library decodes a Parquet
    IN (:func:`~amparo.batch.parquet_input.parquet_chunks`)."""
    refuse_missing(source)
    in_format, out_format = file_format(source, "IN"), output_format(out)
    refuse_overwriting(out, [("IN", source)])
    if in_format == "parquet":
        parquet_rows(source)  # its errors (every part's) before anything is written
    # Chunks are screened ``workers`` at once here, each whole (not cut again into pieces).
    screener = BatchScreener(
        packs, as_of=as_of, verify_sample=verify_sample, workers=1, refuse_read_before=refuse_read_before
    )
    with staged(out) as part:  # renamed to ``out`` once whole
        writer = _Writer(part, out_format, screener, codec_of(out))
        started = time.perf_counter()
        tally = _Tally()
        show = sys.stderr.isatty() if progress is None else progress
        bar, task = _progress(show, source, in_format, progress_label)
        try:
            if in_format == "parquet":
                frames = read_ahead(parquet_chunks(source, chunk_rows or PARQUET_CHUNK, parquet_reader))
                for result in in_order(lambda chunk: chunk.screened_by(screener), frames, workers):
                    writer.write(result)
                    tally.add(result)
                    if bar is not None:
                        bar.advance(task, result.height)
            else:
                screened = in_order(
                    _json_screening(screener), json_input(source, screener.registry, chunk_rows), workers
                )
                for result, consumed in screened:
                    writer.write(result)
                    tally.add(result)
                    if bar is not None:
                        bar.advance(task, consumed)
        finally:
            writer.close(screener.schema)
            if bar is not None:
                bar.stop()
    repeats = tally.ids.found()
    if out_format == "parquet" or (codec_of(out) is None and not is_standard_output(out)):
        repeats = with_examples(repeats, out, out_format)  # the ids that repeat, read back
    seconds = time.perf_counter() - started
    return BatchReport(
        tally.rows, tally.invalid, seconds, tuple(screener.warnings), tally.beyond_currency, repeats
    )


def json_input(source: Path, registry: PackRegistry, chunk_rows: int | None) -> Iterator[Any]:
    """Chunks of a JSON input: lines for the column reading (:mod:`amparo.batch.json_lines`) when
    the default pack has a column form and the file is JSON Lines or an array (its elements' texts);
    decoded documents otherwise."""
    if columnar_pack(registry) is None:
        return json_chunks(source, chunk_rows or JSON_CHUNK)
    shape = _json_shape(source)
    if shape == "not JSON":
        return iter([_not_json_chunk(source)])
    if shape == "lines":
        return line_chunks(source, chunk_rows or JSON_CHUNK)
    if shape == "array":
        return _array_lines(source, chunk_rows or JSON_CHUNK)
    return json_chunks(source, chunk_rows or JSON_CHUNK)


def _array_lines(path: Path, size: int) -> Iterator[LineChunk | JsonChunk]:
    """A JSON array's elements, ``size`` at a time, each as the JSON line of its own text (the
    line ends in it are spaces between tokens: JSON text holds none in a string), for the column
    reading, as the same documents in a JSON Lines file are read. A chunk is given decoded where
    an element was refused (an error in its place: it ends the array)."""
    from amparo.screening.json_array import array_of_file

    with InputFile(path) as handle:
        for chunk in _chunked(array_of_file(handle, source_name(path), texts=True), size, handle.position):
            if chunk.errors:
                documents = [None if text is None else loads_json(text) for text in chunk.documents]
                yield JsonChunk(documents, chunk.errors, chunk.consumed)
                continue
            lines = [text.replace("\n", " ").encode("utf-8") for text in chunk.documents]
            yield LineChunk.of(lines, source_name(path), read=chunk.consumed)


def _json_screening(screener: BatchScreener) -> Callable[[Any], tuple[Any, int]]:
    """What screens one chunk of :func:`json_input`, with the bytes it consumed."""
    pack = columnar_pack(screener.registry)

    def screen(chunk: Any) -> tuple[Any, int]:
        if isinstance(chunk, LineChunk) and pack is not None:
            return screen_lines(screener, parse_lines(chunk, pack)), chunk.consumed
        return screener.screen_documents(chunk.documents, chunk.errors), chunk.consumed

    return screen


def _progress(show: bool, source: Path, fmt: Format, label: str) -> tuple[Any, Any]:
    if not show:
        return None, None
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    total: int | None
    if fmt == "parquet":
        total = parquet_rows(source)
    else:  # a pipe's size is not known: the bar shows work going on, and how much was read
        total = standard_input_size() if is_standard_input(source) else source.stat().st_size
    columns = (
        (TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn()) if total else (DownloadColumn(),)
    )
    bar = Progress(TextColumn(escape(label)), BarColumn(), *columns, console=Console(stderr=True))
    bar.start()
    return bar, bar.add_task("screen", total=total)
