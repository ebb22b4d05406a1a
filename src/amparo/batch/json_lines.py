"""JSON Lines read column-wise: a chunk of lines parsed by Arrow's JSON reader straight into a
pack's columnar document form, so that JSON input is screened like Parquet input (no model built
per document), and every line the columns cannot take exactly as given read one by one.

A line is taken in columns only when Arrow reads it as encounter v1 would: Arrow refuses a value
of another JSON type (a number for a text, ``"true"`` for a boolean, ``5.0`` for a whole number),
a duplicated key, a line that is not one JSON object; dates and date-times are read as text and
taken only in the exact forms encounter v1 writes (``YYYY-MM-DD``; RFC 3339 with seconds and an
offset), checked and converted column-wise. Everything else goes to the single evaluator with
the line as decoded JSON, so its answer and its error (with the line number for a line that is
not JSON) are the single evaluator's own:

- a line holding ``null`` anywhere (encounter v1 refuses explicit nulls; columns cannot tell a
  null from an absent field), or not starting with ``{``;
- a line Arrow reads otherwise than JSON (``NaN`` or ``Inf`` as a value, an escaped NUL:
  :data:`_NOT_JSON_TO_ARROW`),
  one that is not UTF-8 or nested too deep (:func:`_odd_lines`);
- a group of lines Arrow refuses (found by halving the chunk until the refused lines are alone);
- a line whose ``schema`` names another pack (found on the bytes, before Arrow reads the chunk);
  a value the form has no column for (an unknown field), a date in another form, a ``schema``
  read by another pack.

Rows taken in columns are then vouched for, sample-checked and, where needed, re-read one by one
by :class:`~amparo.batch.runner.BatchScreener` exactly as Parquet rows are — from the line itself.
"""

from __future__ import annotations

import bisect
import codecs
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from amparo.batch.columns import conform
from amparo.batch.compression import InputFile
from amparo.batch.runner import ROW, BatchScreener, invalid_json
from amparo.batch.standard_streams import source_name
from amparo.engine.columnar import polars_module
from amparo.engine.pack import ColumnarPack, LawPack, NullableFieldsPack
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, RuleDefinitionError
from amparo.screening.inputs import read_line
from amparo.screening.json_values import TOO_DEEP, loads_json, too_deep

#: Lines Arrow refuses are looked for by halving a group down to this many lines, then line by line.
SMALLEST_GROUP = 8
_READ_BLOCK = 1 << 25
_ARROW_BLOCK = 1 << 20
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"


@dataclass
class LineChunk:
    """Whole lines of a JSON Lines file, as read (``data``), with where each line starts."""

    data: bytes
    starts: list[int]  # the offset of each line in ``data``, then the end of the last one
    first: int  # the line number (from 1) of the first line
    source: str
    read: int | None = None  # bytes of the file this chunk stands for, when not its own length

    @classmethod
    def of(
        cls, lines: Sequence[bytes], source: str = "", first: int = 1, read: int | None = None
    ) -> LineChunk:
        """A chunk of the given lines (without their line ends)."""
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        return cls(b"".join(line + b"\n" for line in lines), starts, first, source, read)

    @property
    def count(self) -> int:
        """How many lines (blank ones included)."""
        return len(self.starts) - 1

    @property
    def consumed(self) -> int:
        """Bytes read, for the progress bar."""
        return len(self.data) if self.read is None else self.read

    def line(self, i: int) -> bytes:
        """Line ``i`` of the chunk (from 0), without its line end."""
        return self.data[self.starts[i] : self.starts[i + 1]].rstrip(b"\n")

    def number(self, i: int) -> int:
        """The line number of line ``i`` in the file."""
        return self.first + i


def line_chunks(path: Path, size: int) -> Iterator[LineChunk]:
    """The file's lines, ``size`` at a time (blank ones included), read in large blocks and not
    decoded here; only where each line starts is found (numpy, over the whole block)."""
    import numpy as np

    first = 1
    with InputFile(path) as handle:
        mark = handle.read(len(codecs.BOM_UTF8))  # a byte order mark is skipped, as `amparo screen` skips it
        rest, skipped = (b"", len(mark)) if mark == codecs.BOM_UTF8 else (mark, 0)
        told = 0  # of a compressed file: how much of it as stored the chunks so far stand for

        def read(text_bytes: int) -> int | None:
            """What a chunk of ``text_bytes`` bytes of text stands for in the file, when not that."""
            nonlocal told
            if handle.codec is None:
                return text_bytes + skipped if skipped else None
            position, before = handle.position(), told
            told = position
            return position - before

        while True:
            block = handle.read(_READ_BLOCK)
            data = rest + block if rest else block
            ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n")) + 1
            if not block:  # the last lines (fewer than ``size``), the last one perhaps without a line end
                if data:
                    bounds = [0, *ends.tolist()]
                    yield LineChunk(
                        data,
                        bounds if bounds[-1] == len(data) else [*bounds, len(data)],
                        first,
                        source_name(path),
                        read(len(data)),
                    )
                return
            taken = k = 0
            while len(ends) - k >= size:
                stop = int(ends[k + size - 1])
                yield LineChunk(
                    data[taken:stop],
                    [0, *(ends[k : k + size] - taken).tolist()],
                    first,
                    source_name(path),
                    read(stop - taken),
                )
                first, taken, k, skipped = first + size, stop, k + size, 0
            rest = data[taken:]


def _arrow_type(dtype: Any) -> Any:
    """The Arrow type Arrow's JSON reader reads a column of ``dtype`` as (dates as text)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    pl = polars_module()
    if dtype == pl.Date or isinstance(dtype, pl.Datetime) or dtype == pl.String:
        return pa.string()
    if dtype == pl.Boolean:
        return pa.bool_()
    if dtype == pl.Int64:
        return pa.int64()
    if dtype == pl.Float64:
        return pa.float64()
    if isinstance(dtype, pl.Struct):
        return pa.struct([(f.name, _arrow_type(f.dtype)) for f in dtype.fields])
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(dtype.inner))
    raise TypeError(f"no JSON reading for a column of {dtype}")


_READINGS: dict[str, Any] = {}


def _reading(schema_id: str, form: dict[str, Any]) -> Any:
    """Arrow's parse options for documents in the columnar ``form`` (unknown fields read, then
    refused by :func:`~amparo.batch.columns.conform`); one per document schema."""
    import pyarrow as pa
    import pyarrow.json as pj  # type: ignore[import-untyped]

    if schema_id not in _READINGS:
        schema = pa.schema([(name, _arrow_type(dtype)) for name, dtype in form.items()])
        _READINGS[schema_id] = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    return _READINGS[schema_id]


def _date(text: Any) -> tuple[Any, Any]:
    """A ``YYYY-MM-DD`` text as a date, and whether it was read (a null stays null)."""
    value = text.str.to_date("%Y-%m-%d", strict=False)
    ok = text.str.contains(_DATE) & value.is_not_null() & (value.dt.year() >= 1)
    return value, text.is_null() | ok


def _instant(text: Any, dtype: Any) -> tuple[Any, Any]:
    """An RFC 3339 date-time (seconds and an offset) as the UTC instant, computed from its parts
    (years 1900–9000 only: anything else is left to the single evaluator)."""
    pl = polars_module()
    day, _ = _date(text.str.slice(0, 10))
    hour, minute, second = (text.str.slice(start, 2).cast(pl.Int64, strict=False) for start in (11, 14, 17))
    fraction = text.str.extract(r"^.{19}\.([0-9]{1,6})", 1).str.pad_end(6, "0").cast(pl.Int64, strict=False)
    offset = text.str.extract(r"([+-][0-9]{2}):[0-9]{2}$", 1)
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    offset_hours = offset.str.slice(1, 2).cast(pl.Int64, strict=False).fill_null(0)
    offset_minutes = (
        text.str.extract(r"[+-][0-9]{2}:([0-9]{2})$", 1).cast(pl.Int64, strict=False).fill_null(0)
    )
    local = day.cast(pl.Datetime("us")) + pl.duration(
        hours=hour, minutes=minute, seconds=second, microseconds=fraction.fill_null(0)
    )
    value = (local - pl.duration(minutes=sign * (offset_hours * 60 + offset_minutes))).dt.replace_time_zone(
        "UTC"
    )
    ok = (
        text.str.contains(_DATETIME)
        & day.dt.year().is_between(1900, 9000)
        & (hour < 24)
        & (minute < 60)
        & (second < 60)
        & (offset_hours < 24)
        & (offset_minutes < 60)
    )
    return value.cast(dtype), text.is_null() | ok.fill_null(False)


def _typed(expr: Any, dtype: Any, read: Any) -> tuple[Any, Any]:
    """``expr`` (a column Arrow read as ``read``: dates as text, unknown fields included) in
    ``dtype``, and per row whether it was taken whole: every date in encounter v1's form, no
    unknown field holding a value."""
    pl = polars_module()
    if dtype == read:
        return expr, pl.lit(True)
    if dtype == pl.Date and read == pl.String:
        return _date(expr)
    if isinstance(dtype, pl.Datetime) and read == pl.String:
        return _instant(expr, dtype)
    if isinstance(dtype, pl.Struct) and isinstance(read, pl.Struct):
        have = {f.name: f.dtype for f in read.fields}
        fields, oks = [], []
        for field in dtype.fields:
            if field.name in have:
                value, ok = _typed(expr.struct.field(field.name), field.dtype, have[field.name])
            else:
                value, ok = pl.lit(None, dtype=field.dtype), pl.lit(True)
            fields.append(value.alias(field.name))
            oks.append(ok)
        known = {f.name for f in dtype.fields}
        oks += [expr.struct.field(name).is_null() for name in have if name not in known]
        return pl.when(expr.is_not_null()).then(pl.struct(fields)), pl.all_horizontal(oks)
    if isinstance(dtype, pl.List) and isinstance(read, pl.List):
        value, ok = _typed(pl.element(), dtype.inner, read.inner)
        return expr.list.eval(value), expr.list.eval(ok).list.all().fill_null(True)
    return pl.lit(None, dtype=dtype), expr.is_null()


def typed_frame(frame: Any, schema: dict[str, Any]) -> tuple[Any, Any]:
    """A frame Arrow read (dates as text, unknown fields included) in the columns of ``schema``,
    and the rows taken whole (the others are for the single evaluator). Columns ``schema`` does not
    have are kept for :func:`~amparo.batch.columns.conform` to judge."""
    pl = polars_module()
    columns, oks = [], []
    for name in frame.columns:
        dtype = schema.get(name)
        if dtype is not None and frame[name].dtype != dtype:
            value, ok = _typed(pl.col(name), dtype, frame[name].dtype)
            columns.append(value.alias(name))
            oks.append(ok)
        else:
            columns.append(pl.col(name))
    taken = "_taken"
    while taken in frame.columns:  # a document's own field of that name (refused, as unknown)
        taken += "_"
    typed = frame.select(*columns, pl.all_horizontal([pl.lit(True), *oks]).alias(taken))
    return typed.drop(taken), typed[taken]


@dataclass
class ParsedLines:
    """A chunk of lines split between columns (``frame``, rows at ``fast``) and single reading
    (``slow``); positions are the lines' in the chunk (blank lines are in neither)."""

    chunk: LineChunk
    frame: Any
    fast: list[int]
    slow: list[int]

    def originals(self, positions: list[int]) -> list[Any]:
        """The documents of rows of ``frame``, decoded from their own lines."""
        loads = json_loads()
        return [loads(self.chunk.line(self.fast[i])) for i in positions]

    @cached_property
    def slow_documents(self) -> tuple[list[Any], dict[int, AmparoError]]:
        """The lines read one by one, decoded once (both readings of ``impact`` use them)."""
        return decode_lines(self.chunk, self.slow)


def decode_lines(chunk: LineChunk, positions: Sequence[int]) -> tuple[list[Any], dict[int, AmparoError]]:
    """The lines at ``positions``, decoded; a line that is not JSON is ``None`` with its error
    (naming its line number) at its place in the list."""
    loads = json_loads()
    documents: list[Any] = []
    errors: dict[int, AmparoError] = {}
    for i in positions:
        try:
            documents.append(loads(chunk.line(i)))
        except ValueError as exc:
            number = chunk.number(i)
            errors[len(documents)] = invalid_json(
                _not_json(chunk.line(i), number, exc), f"{chunk.source}:{number}"
            )
            documents.append(None)
    return documents, errors


def _not_json(line: bytes, number: int, exc: ValueError) -> str:
    """Why line ``number`` was refused: its bytes are not UTF-8 (as ``amparo screen`` says of a
    file), else in the words ``amparo screen`` gives the line (the standard library's reason, not
    orjson's), else the decoder's reason."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"line {number} is not UTF-8 text (byte 0x{line[bad.start]:02x} at byte {bad.start + 1})"
    item = read_line(text, number, "")
    if item.error is not None and item.error.errors:
        return item.error.errors[0].message
    return f"line {number} is not valid JSON ({exc})"


#: What JSON reads as space between tokens (RFC 8259): a line of these only is blank.
JSON_SPACE = b" \t\r\n"

#: A run of digits as long as the 64-bit integers' widest: orjson reads an integer past them as a
#: float (``1e+20``), the standard library (as ``amparo screen`` reads a document) exactly.
_WIDE_INTEGER = re.compile(rb"[0-9]{19}")


#: orjson's refusals that the standard library's reading decides instead: a number past a float's
#: range (read as infinite), half a surrogate pair, bytes that are not UTF-8 (both refused, in
#: words that say so).
_READ_AS_AMPARO_SCREEN = ("number is infinity", "surrogate")


def json_loads() -> Callable[[bytes], Any]:
    """orjson's decoder when installed (several times faster), else the standard library's
    refusing ``NaN`` as orjson does (:func:`~amparo.screening.inputs.loads_json`); a
    text with an integer too wide for orjson, a number past a float's range or half a surrogate
    pair (which orjson refuses in its own words) is read by the standard library, so that its value
    (and any error naming it) is the one ``amparo screen`` gives."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency of the api extra
        return loads_json
    fast = orjson.loads

    def loads(data: bytes) -> Any:
        if _WIDE_INTEGER.search(data):
            return loads_json(data)
        try:
            value = fast(data)
        except orjson.JSONDecodeError as exc:
            if not any(reason in str(exc) for reason in _READ_AS_AMPARO_SCREEN):
                raise
            return loads_json(data)
        if too_deep(data):  # orjson reads 1,024 levels: past MAX_DEPTH, refused in the same words
            raise ValueError(TOO_DEEP)
        return value

    return loads


def _read_groups(
    chunk: LineChunk, group: list[int], options: Any, data: bytes | None = None
) -> Iterator[tuple[list[int], Any]]:
    """Arrow tables of the lines at ``group`` (``data``: those lines as they stand, when they are
    the whole chunk), each with its lines; lines Arrow refuses (or reads as other than one row
    each) are given with ``None``."""
    import pyarrow as pa
    import pyarrow.json as pj

    if data is None:
        data = b"\n".join(chunk.line(i) for i in group) + b"\n"
    try:
        table = pj.read_json(
            io.BytesIO(data),
            # Blocks of 1 MiB read twice as fast as one block of the whole chunk (a longer line
            # fails here and is read alone, in a block of its own size).
            read_options=pj.ReadOptions(
                use_threads=False, block_size=_ARROW_BLOCK if len(group) > 1 else max(len(data), 1 << 16)
            ),
            parse_options=options,
        )
        # Arrow's reader takes bytes that are not UTF-8, and ``\\ud800`` (half a surrogate pair),
        # into its text columns unchecked; such a line is read alone, and refused there.
        table.validate(full=True)
    except (pa.ArrowException, UnicodeDecodeError, ValueError):
        table = None
    if table is not None and table.num_rows == len(group):
        yield group, table
    elif len(group) == 1:
        yield group, None
    elif len(group) <= SMALLEST_GROUP:
        for i in group:
            yield from _read_groups(chunk, [i], options)
    else:
        half = len(group) // 2
        yield from _read_groups(chunk, group[:half], options)
        yield from _read_groups(chunk, group[half:], options)


def columnar_pack(registry: PackRegistry) -> LawPack | None:
    """The pack JSON lines are read in columns for: the default pack, when it has a column form."""
    pack = registry.default
    return pack if isinstance(pack, ColumnarPack) else None


def parse_lines(chunk: LineChunk, pack: LawPack) -> ParsedLines:
    """Split ``chunk`` between the columns of ``pack``'s document form and single reading."""
    pl = polars_module()
    if not isinstance(pack, ColumnarPack):
        raise RuleDefinitionError(f"law pack {pack.id} has no columnar document form")
    schema = dict(pack.document_schema())
    options = _reading(pack.schema_id, schema)
    candidates: list[int] = []
    slow: list[int] = []
    data = chunk.data
    # A line naming another pack's schema is read by that pack (Arrow would refuse most such lines
    # in the form of this one, and finding them by halving costs a parse per small group).
    key, own = b'"schema"', json.dumps(pack.schema_id).encode()
    named = data.count(own)  # one scan when every line names this pack's schema (the usual case)
    others = named != chunk.count and data.count(key) != named
    whole = not others and b"null" not in data and data[:1] == b"{" and data.count(b"\n{") == chunk.count - 1
    odd = _odd_lines(chunk)  # read one by one: Arrow and Polars cannot take them
    whole = whole and not odd
    if whole:  # every line starts with '{' (none blank) and no 'null' anywhere: read as it stands
        candidates = list(range(chunk.count))
    else:
        for i in range(chunk.count):
            line = chunk.line(i)
            if i in odd:
                slow.append(i)
            elif line.strip(JSON_SPACE):
                taken = line.lstrip(JSON_SPACE)[:1] == b"{" and b"null" not in line
                if taken and others and key in line and own not in line:
                    taken = False
                (candidates if taken else slow).append(i)
    frames: list[Any] = []
    fast: list[int] = []
    for group, table in _same_schemas_together(
        _read_groups(chunk, candidates, options, data if whole else None)
    ):
        if table is None:
            slow.extend(group)
            continue
        typed, taken = typed_frame(pl.from_arrow(table), schema)
        conformed, suspect = conform(typed, schema)
        own = _own_schema(conformed, pack)
        keep = taken & ~suspect & own & _nullables_given(conformed, pack)
        kept = pl.arg_where(keep, eager=True).to_list()
        if len(kept) < len(group):
            slow.extend(group[i] for i in pl.arg_where(~keep, eager=True).to_list())
            conformed = conformed.filter(keep)
        frames.append(conformed)
        fast.extend(group[i] for i in kept)
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=schema)
    if any(a > b for a, b in zip(fast, fast[1:], strict=False)):  # tables put together: lines in order
        order = sorted(range(len(fast)), key=fast.__getitem__)
        frame, fast = frame[order], [fast[i] for i in order]
    return ParsedLines(chunk, frame, fast, sorted(slow))


def _same_schemas_together(groups: Iterator[tuple[list[int], Any]]) -> Iterator[tuple[list[int], Any]]:
    """The tables Arrow read, those of one schema put into one table (their lines joined in
    order), and the lines it refused as they came. Lines whose free data differs in JSON type
    from one line to the next (``"extensions": {"note": 5}``, then ``{"note": "x"}``) cannot be
    read as one table: halving reads them one by one, and each table was typed, conformed and
    vouched for on its own (2,000 such lines: 17 s, against a few tables of a few schemas now)."""
    import pyarrow as pa

    by_schema: dict[Any, tuple[list[int], list[Any]]] = {}
    for group, table in groups:
        if table is None:
            yield group, None
            continue
        lines, tables = by_schema.setdefault(table.schema, ([], []))
        lines.extend(group)
        tables.append(table)
    for lines, tables in by_schema.values():
        yield lines, tables[0] if len(tables) == 1 else pa.concat_tables(tables)


#: The most ``[`` and ``{`` a line read by Arrow may hold. A line nested deeper than some
#: hundreds of levels (in ``extensions`` or an unknown field, which Arrow reads with the type it
#: infers) overflows the stack of Polars' conversion (measured: 600 levels read, 800 a
#: segmentation fault) or of Arrow's reader (by 50,000). No line holding fewer brackets can be
#: nested deeper, nor one shorter than twice as many bytes (an opening and a closing a level); a
#: line holding more is read one by one (the standard library's decoder refuses past its depth, in
#: words), as is one whose bytes are not UTF-8 (Arrow takes them into a nested field's name, where
#: Polars panics).
_MOST_OPENINGS = 400


#: Text Arrow's JSON reader takes but JSON has not: ``NaN``, ``Infinity``, ``Inf`` (signed or not)
#: where a value starts, read as numbers (in free data, which no rule reads, a line holding one was
#: decided, while the single evaluator refuses it); and an escaped NUL (cut from a field's name
#: between Arrow and Polars, so that ``"a\u0000"`` and ``"a"`` collide: the whole batch stopped).
#: A line holding one is read one by one. A text holding ``Inf`` (``"Infante"``) is not one, but
#: ``", Inf"`` inside a text is taken for one: that line is read one by one, as rightly.
_ESCAPED_NUL = b"\\u0000"
_NOT_JSON_TO_ARROW = re.compile(rb"[:\[,][ \t\r\n]*[-+]?(?:NaN|Inf)|" + re.escape(_ESCAPED_NUL))


def _odd_lines(chunk: LineChunk) -> set[int]:
    """The chunk's lines Arrow must not read: not UTF-8, holding one of
    :data:`_NOT_JSON_TO_ARROW`, or with more than :data:`_MOST_OPENINGS` brackets. About 5 ms for 50,000 synthetic lines (24 MB) against some
    400 for their reading: Arrow validates the chunk's UTF-8 at once, and only lines longer than
    twice the bound (2 % of them) have their brackets counted."""
    import numpy as np
    import pyarrow as pa

    data, starts = chunk.data, chunk.starts
    odd: set[int] = set()
    if not data.isascii():
        whole = pa.LargeStringArray.from_buffers(
            1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)
        )
        try:
            whole.validate(full=True)
        except pa.ArrowInvalid:
            odd = {i for i in range(chunk.count) if not _is_utf8(chunk.line(i))}
    if b"NaN" in data or b"Inf" in data or _ESCAPED_NUL in data:  # one scan each, usually none
        for found in _NOT_JSON_TO_ARROW.finditer(data):  # rare: each line holding one, by offset
            odd.add(bisect.bisect_right(starts, found.start()) - 1)
    long = np.flatnonzero(np.diff(np.asarray(starts)) > 2 * _MOST_OPENINGS).tolist()
    for i in long:
        line = data[starts[i] : starts[i + 1]]
        if line.count(b"[") + line.count(b"{") > _MOST_OPENINGS:
            odd.add(i)
    return odd


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _nullables_given(frame: Any, pack: LawPack) -> Any:
    """Rows that give every field ``pack`` requires but allows null (:class:`NullableFieldsPack`,
    the EU applicant's nationality). No line read in columns holds a null (those are read one by
    one), so a null there is an absent field: the single evaluator refuses it, while the columns
    would read it as given null, as a Parquet row's."""
    pl = polars_module()
    checks = [pl.lit(True)]
    for path in pack.required_nullable_fields() if isinstance(pack, NullableFieldsPack) else ():
        parent = pl.col(path[0])
        for key in path[1:-1]:
            parent = parent.struct.field(key)
        given = parent.struct.field(path[-1]).is_not_null() if len(path) > 1 else parent.is_not_null()
        checks.append((parent.is_null() | given) if len(path) > 1 else given)
    return frame.select(pl.all_horizontal(checks).fill_null(False).alias("given"))["given"]


def _own_schema(frame: Any, pack: LawPack) -> Any:
    """Rows whose ``schema`` field is absent or ``pack``'s own (others go to their own pack)."""
    pl = polars_module()
    return frame.select((pl.col("schema").is_null() | (pl.col("schema") == pack.schema_id)).alias("own"))[
        "own"
    ]


def screen_lines(screener: BatchScreener, parsed: ParsedLines) -> Any:
    """One output row per line of the chunk, in order: columns where they could be taken, the
    single evaluator for the rest."""
    pl = polars_module()
    parts = []
    if parsed.fast:
        out = screener.screen_frame(parsed.frame, parsed.originals)
        parts.append(out.with_columns(pl.Series(ROW, parsed.fast, dtype=pl.Int64)))
    if parsed.slow:
        documents, errors = parsed.slow_documents
        out = screener.screen_documents(documents, errors)
        parts.append(out.with_columns(pl.Series(ROW, parsed.slow, dtype=pl.Int64)))
    if not parts:
        return screener.screen_documents([])
    if len(parts) == 1:
        return parts[0].drop(ROW)
    return pl.concat(parts, how="vertical").sort(ROW).drop(ROW)
