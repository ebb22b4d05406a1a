"""Documents as columns: bring a frame read from a file to a pack's columnar document form, and back
to plain documents for the rows the single evaluator must read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from amparo.batch.calendar import holds_days, past_the_calendar_as_text, rows_past_the_calendar
from amparo.engine.columnar import polars_module
from amparo.engine.pack import NullableFieldsPack

#: Free data of the sending agency: never read by a rule, never a reason to leave the columns
#: while it is an object (a struct column).
IGNORED = frozenset({"extensions"})


def column_at(frame: Any, path: tuple[str, ...]) -> tuple[Any, Any]:
    """The column at ``path`` (a column, then struct fields) as an expression over ``frame``, and
    its type; ``(None, None)`` where the frame holds no such column or field."""
    pl = polars_module()
    if path[0] not in frame.columns:
        return None, None
    column, kind = pl.col(path[0]), frame.schema[path[0]]
    for name in path[1:]:
        fields = {f.name: f.dtype for f in kind.fields} if isinstance(kind, pl.Struct) else {}
        if name not in fields:
            return None, None
        column, kind = column.struct.field(name), fields[name]
    return column, kind


def _absent(frame: Any, path: tuple[str, ...]) -> Any:
    """Rows where the object holding the field at ``path`` is given but the frame has no such
    field (a Parquet file written from documents that all lack it); none where it has one, or
    where the object itself is missing or not an object (refused for that)."""
    pl = polars_module()
    if len(path) == 1:
        return pl.repeat(path[0] not in frame.columns, frame.height, eager=True)
    holder, kind = column_at(frame, path[:-1])
    if not isinstance(kind, pl.Struct) or path[-1] in {f.name for f in kind.fields}:
        return _falses(frame.height)
    return frame.select(holder.is_not_null()).to_series()


def _falses(n: int) -> Any:
    return polars_module().repeat(False, n, eager=True)


def _nulls(name: str, n: int, dtype: Any) -> Any:
    return polars_module().repeat(None, n, dtype=dtype, eager=True).alias(name)


def _conform_series(series: Any, dtype: Any) -> tuple[Any, Any]:
    """The series in ``dtype`` and the rows that could not be brought to it (non-null and lost)."""
    pl = polars_module()
    if series.dtype == dtype:
        return series, _falses(len(series))
    if isinstance(dtype, pl.Struct) and isinstance(series.dtype, pl.Struct):
        have = {f.name for f in series.dtype.fields}
        suspect = _falses(len(series))
        fields = []
        for field in dtype.fields:
            if field.name in have:
                value, bad = _conform_series(series.struct.field(field.name), field.dtype)
                suspect = suspect | bad
            else:
                value = _nulls(field.name, len(series), field.dtype)
            fields.append(value.alias(field.name))
        for name in have - {f.name for f in dtype.fields}:
            suspect = suspect | series.struct.field(name).is_not_null()
        rebuilt = pl.select(pl.struct(fields).alias(series.name)).to_series()
        rebuilt = pl.select(pl.when(series.is_not_null()).then(rebuilt)).to_series().alias(series.name)
        return rebuilt, suspect.fill_null(False)
    if isinstance(dtype, pl.List) and isinstance(series.dtype, pl.List):
        return _conform_lists(series, dtype)
    if isinstance(dtype, pl.Struct | pl.List) or isinstance(series.dtype, pl.Struct | pl.List):
        return _nulls(series.name, len(series), dtype), series.is_not_null()
    if series.dtype == pl.String and dtype == pl.Date:
        return _text_days(series)
    kind = _same_values(series.dtype, dtype)
    if kind is None:  # e.g. 1 for true, 17.5 for an age, a day for an instant: read one by one
        return _nulls(series.name, len(series), dtype), series.is_not_null()
    suspect = _falses(len(series))
    if isinstance(series.dtype, pl.Datetime) and isinstance(dtype, pl.Datetime):
        # seconds or milliseconds past what microseconds hold: one by one (Polars panics casting them)
        per = _PER_SECOND[dtype.time_unit] // _PER_SECOND[series.dtype.time_unit]
        if per > 1:
            held = (series.to_physical().abs() <= (2**63 - 1) // per).fill_null(True)
            series, suspect = pl.select(pl.when(held).then(series)).to_series().alias(series.name), ~held
    if kind == "whole":  # a float column for a whole number: 17.0 is read as 17, 17.5 one by one
        series = series.cast(pl.Float64)  # a half-precision float's floor is not itself
        whole = (series.is_finite() & (series == series.floor())).fill_null(True)
        series, suspect = pl.select(pl.when(whole).then(series)).to_series().alias(series.name), ~whole
    try:
        return series.cast(dtype, strict=True), suspect
    # any value the column type cannot hold (Polars panics on some: seconds past its range); the
    # rows already found suspect (NaN beside 1e300) stay so
    except (Exception, pl.exceptions.PanicException):
        return _nulls(series.name, len(series), dtype), suspect | series.is_not_null()


def _text_days(series: Any) -> tuple[Any, Any]:
    """A text column of days written ``YYYY-MM-DD`` (as JSON gives them, and every pack's parser
    reads them: a Parquet file written from JSON documents) as dates; any other text (another
    form, a day no calendar has) is left null and its row read one by one (before, every row of
    such a column was)."""
    pl = polars_module()
    days = series.str.to_date("%Y-%m-%d", strict=False)
    ok = (series.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") & (days.dt.year() >= 1)).fill_null(False)
    kept = pl.select(pl.when(ok).then(days)).to_series().alias(series.name)
    return kept, series.is_not_null() & ~ok


def _conform_lists(series: Any, dtype: Any) -> tuple[Any, Any]:
    """A list column in the list type ``dtype``, its items conformed as a column of their own (a
    struct's fields in another order or missing, dictionary-encoded text, lists that are all empty):
    a row is suspect where one of its items is. Before, any list not of the exact type sent every
    row holding one to the single evaluator (a Parquet file written from JSON by Polars, whose
    ``route`` fields come in the order first seen: 7–9 times slower)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    pl = polars_module()
    lists = series.cast(pl.List(series.dtype.inner)).to_arrow()  # one chunk, 64-bit offsets
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    offsets = lists.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    items = pl.Series("item", lists.values.slice(start, end - start))
    shifted = pc.subtract(offsets, start)
    conformed, bad = _conform_series(items, dtype.inner)

    def rebuilt(values: Any) -> Any:
        array = pa.LargeListArray.from_arrays(shifted, values.to_arrow(), mask=lists.is_null())
        return pl.from_arrow(array)

    series_out = rebuilt(conformed).cast(dtype).alias(series.name)
    suspect = rebuilt(bad).list.any().fill_null(False)
    return series_out, suspect


#: Ticks a second of each of Polars' time units.
_PER_SECOND = {"ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _same_values(given: Any, wanted: Any) -> str | None:
    """Whether a column of type ``given`` is cast to ``wanted`` without changing what the single
    evaluator reads from it (``"yes"``; ``"whole"``: a float column for a whole number, whose
    whole values are read as integers), or not (``None``: its rows are read one by one).

    A cast Polars allows may still change the value a document gives: ``1`` or ``"true"`` cast to a
    boolean, ``17.5`` to the whole number 17, a day to an instant, an instant without a time zone
    to one in UTC, bytes to text: encounter v1 refuses each of those as written."""
    pl = polars_module()
    if given == pl.Null:
        return "yes"
    if given.is_integer() and wanted.is_integer():
        return "yes"
    if given.is_float() and wanted.is_float():
        return "yes"
    if given.is_float() and wanted.is_integer():
        return "whole"
    if is_dictionary_text(given) and wanted == pl.String:
        return "yes"
    if isinstance(given, pl.Datetime) and isinstance(wanted, pl.Datetime):
        return "yes" if given.time_zone is not None and wanted.time_zone is not None else None
    return None


def is_dictionary_text(dtype: Any) -> bool:
    """Text dictionary-encoded (a Parquet dictionary, a pandas or Polars categorical)."""
    pl = polars_module()
    return isinstance(dtype, pl.Categorical | pl.Enum)


def schema_as_text(frame: Any) -> Any:
    """``frame`` with its ``schema`` column (which picks each row's pack) as text where it is
    dictionary-encoded (a Parquet dictionary, a pandas or Polars categorical): the rows are then
    told apart by pack as with plain text (before, every row went to the default pack)."""
    pl = polars_module()
    if "schema" in frame.columns and is_dictionary_text(frame.schema["schema"]):
        return frame.with_columns(pl.col("schema").cast(pl.String))
    return frame


def instants_in_utc(frame: Any) -> Any:
    """``frame`` with every instant that has a time zone in UTC, in structs and lists too: the same
    instants (Polars keeps them in UTC; the zone is how they are shown). A row rebuilt as a
    document for the single evaluator then holds a UTC instant, as a Parquet row does
    (``parquet_input``): one in another zone whose local year is 0 or 10000 stopped the run."""
    pl = polars_module()

    def utc(dtype: Any) -> Any:
        if isinstance(dtype, pl.Datetime):
            return pl.Datetime(dtype.time_unit, "UTC") if dtype.time_zone not in (None, "UTC") else dtype
        if isinstance(dtype, pl.Struct):
            return pl.Struct([pl.Field(f.name, utc(f.dtype)) for f in dtype.fields])
        if isinstance(dtype, pl.List):
            return pl.List(utc(dtype.inner))
        if isinstance(dtype, pl.Array):
            return pl.Array(utc(dtype.inner), dtype.shape)
        return dtype

    changed = {name: utc(dtype) for name, dtype in frame.schema.items() if utc(dtype) != dtype}
    return frame.cast(changed) if changed else frame


def conform(frame: Any, schema: dict[str, Any], pack: Any = None) -> tuple[Any, Any]:
    """``frame`` in the columns of ``schema`` (missing ones null), and a boolean series of the rows
    the conversion cannot vouch for (a value of another type, a column the form does not have, a
    day past the calendar: that row's value of the column is left null, :mod:`amparo.batch.calendar`;
    a field ``pack`` requires but allows null, absent from the frame where the object holding it is
    given: in columns it would read as given null, :class:`~amparo.engine.pack.NullableFieldsPack`)."""
    pl = polars_module()
    suspect = _falses(frame.height)
    if isinstance(pack, NullableFieldsPack):
        for path in pack.required_nullable_fields():
            suspect = suspect | _absent(frame, path)
    columns = []
    for name, dtype in schema.items():
        if name not in frame.columns:
            columns.append(_nulls(name, frame.height, dtype))
            continue
        series, bad = _conform_series(
            _read_fields(frame[name], dtype) if name in IGNORED else frame[name], dtype
        )
        past = rows_past_the_calendar(series)
        if past is not None:  # a day Python cannot hold: not read in columns, nor vouched for
            series, bad = pl.select(pl.when(~past).then(series)).to_series(), bad | past
        columns.append(series.alias(name))
        suspect = suspect | bad
    for name in frame.columns:
        if name in schema:
            continue
        if name not in IGNORED:
            suspect = suspect | frame[name].is_not_null()
        elif not isinstance(frame.schema[name], pl.Struct | pl.Null):
            # Free data is read by no rule, but it is an object: any other value (5, "x", a list,
            # a Parquet map) is refused one by one (it was screened, its row given a decision).
            suspect = suspect | frame[name].is_not_null()
    return pl.DataFrame(columns), suspect


def _read_fields(series: Any, dtype: Any) -> Any:
    """Free data a pack's form reads some fields of (the EU pack's ``extensions``): only those
    fields, the others being read by no rule (before, a note beside them sent the row one by one)."""
    pl = polars_module()
    if not (isinstance(series.dtype, pl.Struct) and isinstance(dtype, pl.Struct)):
        return series
    wanted = {f.name for f in dtype.fields}
    have = [f.name for f in series.dtype.fields if f.name in wanted]
    if not have:  # an object without them: as absent (a struct has at least one field)
        return pl.Series(series.name, [None] * len(series), dtype=pl.Null)
    fields = pl.struct([series.struct.field(name) for name in have])
    return pl.select(pl.when(series.is_not_null()).then(fields)).to_series().alias(series.name)


def _strip(value: Any, kept: Mapping[str, Any]) -> Any:
    """``value`` without its null fields, but for a null at a path of ``kept`` (a tree of keys;
    ``{}`` ends a path)."""
    if isinstance(value, dict):
        return {
            k: _strip(v, kept.get(k) or {})
            for k, v in value.items()
            if v is not None or (k in kept and not kept[k])
        }
    if isinstance(value, list):
        return [_strip(v, kept) for v in value]
    if isinstance(value, Decimal):  # a decimal column's value, as JSON gives that number
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def documents_of(frame: Any, packs: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Plain documents of a frame's rows (a null is an absent field: columns cannot tell them apart;
    a decimal is the number JSON reads from it, ``20`` for a whole one, as an unsigned 64-bit
    column reaches Spark, ``30.5`` otherwise),
    but a field that one of ``packs`` (the packs that read these rows) names as given but null
    (:class:`~amparo.engine.pack.NullableFieldsPack`) stays, null, where the object that holds it
    is given.

    A date or an instant past the calendar (years 0001 to 9999: a Polars or Parquet column may hold
    one, Python cannot) is given as text, with the other values of its column, so the single
    evaluator refuses that row at the field's path (:mod:`amparo.batch.calendar`)."""
    pl = polars_module()
    if any(holds_days(dtype) for dtype in frame.schema.values()):
        table = frame.to_arrow()
        within = past_the_calendar_as_text(table)
        if within is not table:
            frame = pl.from_arrow(within)
    kept: dict[str, Any] = {}
    for pack in packs:
        for path in pack.required_nullable_fields() if isinstance(pack, NullableFieldsPack) else ():
            node = kept
            for key in path:
                node = node.setdefault(key, {})
    return [_strip(row, kept) for row in frame.to_dicts()]
