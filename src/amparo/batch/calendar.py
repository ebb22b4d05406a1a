"""Dates past the calendar: a Parquet or Polars date or timestamp may hold a day outside the years
0001 to 9999, which Python (and so the single evaluator and the facts) cannot hold.

Encounter v1 writes a date as ``YYYY-MM-DD``: in JSON such a day cannot be written, and a text in
another form is refused at its path. A row in columns holding one gets the same answer, whether
it came from a file or a frame given in memory: :func:`rows_past_the_calendar` finds it when the
frame is brought to its pack's form (``batch.columns.conform``: the columns cannot vouch for it,
and its values are not read there), and :func:`past_the_calendar_as_text` gives such a day as
text (``10183-09-21``) when the row is read one by one, so the single evaluator refuses it at the
field's path. The batch never stops.

Both look first at each date leaf's least and greatest value, without copying the column (the
usual case, every column within the calendar: about 4 ms for 200,000 encounters on the slowest
machine lent, some 1 % of screening them).
"""

from __future__ import annotations

from typing import Any

#: The calendar's first and last days, in days from 1970-01-01, and the units of a day in Arrow's
#: timestamps.
FIRST_DAY, LAST_DAY = -719_162, 2_932_896
_ARROW_PER_DAY = {"ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000, "s": 86_400}


def past_the_calendar_as_text(table: Any) -> Any:
    """``table`` (an Arrow table) with each column that holds a day outside the calendar, at any
    depth, given with that leaf as text; the table itself when none does."""
    import pyarrow as pa  # type: ignore[import-untyped]

    columns, changed = [], False
    for column in table.columns:
        array = pa.concat_arrays(column.chunks) if column.num_chunks != 1 else column.chunk(0)
        text = _as_text(array) if column.num_chunks else None
        changed = changed or text is not None
        columns.append(text if text is not None else column)
    return pa.Table.from_arrays(columns, names=table.column_names) if changed else table


def _per_day(kind: Any) -> int | None:
    import pyarrow as pa

    if pa.types.is_date32(kind):
        return 1
    if pa.types.is_date64(kind):
        return 86_400_000
    if pa.types.is_timestamp(kind):
        return _ARROW_PER_DAY[kind.unit]
    return None


def _as_text(array: Any) -> Any:
    """``array`` with its date and timestamp leaves as text when one of them holds a day outside
    the calendar; None when none does."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    kind = array.type
    per_day = _per_day(kind)
    if per_day is not None:
        ints = array.cast(pa.int32() if pa.types.is_date32(kind) else pa.int64())
        least, greatest = (v.as_py() for v in pc.min_max(ints).values())
        if least is None or (least >= FIRST_DAY * per_day and greatest < (LAST_DAY + 1) * per_day):
            return None
        return _text(ints, kind)
    if pa.types.is_struct(kind):
        fields = array.flatten()
        texts = [_as_text(field) for field in fields]
        if all(text is None for text in texts):
            return None
        return pa.StructArray.from_arrays(
            [text if text is not None else field for text, field in zip(texts, fields, strict=True)],
            names=[kind.field(i).name for i in range(kind.num_fields)],
            mask=array.is_null(),
        )
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        first, last = array.offsets[0].as_py(), array.offsets[-1].as_py()
        values = array.values.slice(first, last - first)  # what the offsets point at, null slots' too
        text = _as_text(values)
        if text is None:
            return None
        offsets = pc.subtract(array.offsets, pa.scalar(first, array.offsets.type))
        maker = pa.LargeListArray if pa.types.is_large_list(kind) else pa.ListArray
        return maker.from_arrays(offsets, text, mask=array.is_null())
    return None


def _text(ints: Any, kind: Any) -> Any:
    """Days (or a timestamp's units) as the text encounter v1 writes: ``YYYY-MM-DD``, or an
    instant in RFC 3339 in UTC; past the calendar, the year as it falls (``10183-09-21``)."""
    import numpy as np
    import pyarrow as pa

    values = ints.fill_null(0).to_numpy(zero_copy_only=False)
    if pa.types.is_timestamp(kind):
        texts = values.astype(f"datetime64[{kind.unit}]").astype(str)
        texts = np.char.add(texts, "Z") if kind.tz is not None else texts
    elif pa.types.is_date64(kind):
        texts = values.astype("datetime64[ms]").astype("datetime64[D]").astype(str)
    else:
        texts = values.astype("datetime64[D]").astype(str)
    return pa.array(texts.tolist(), pa.string(), mask=ints.is_null().to_numpy(zero_copy_only=False))


def holds_days(dtype: Any) -> bool:
    """Whether a Polars column of ``dtype`` holds dates or instants, at any depth."""
    import polars as pl

    if dtype == pl.Date or dtype == pl.Datetime:  # the class matches every unit and zone
        return True
    if isinstance(dtype, pl.List | pl.Array):
        return holds_days(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(holds_days(f.dtype) for f in dtype.fields)
    return False


def rows_past_the_calendar(series: Any) -> Any:
    """A boolean Polars series: the rows of ``series`` holding, at any depth, a date or an instant
    outside the years 0001 to 9999; ``None`` when no row does (found from each date leaf's least
    and greatest value before any row is looked at)."""

    return _past(series) if holds_days(series.dtype) and _any_past(series) else None


def _any_past(series: Any) -> bool:
    """Whether any value of ``series``, at any depth, lies outside the calendar: each date leaf's
    least and greatest value (a list's items read through Arrow, without a copy; they may include
    a value no row points at, which :func:`_past` then finds in no row)."""
    import polars as pl

    dtype = series.dtype
    if dtype == pl.Date or dtype == pl.Datetime:
        per_day = 1 if dtype == pl.Date else _ARROW_PER_DAY[dtype.time_unit]
        ticks = series.to_physical()
        least, greatest = ticks.min(), ticks.max()
        return least is not None and (least < FIRST_DAY * per_day or greatest >= (LAST_DAY + 1) * per_day)
    if isinstance(dtype, pl.Struct):
        return any(_any_past(series.struct.field(f.name)) for f in dtype.fields if holds_days(f.dtype))
    if isinstance(dtype, pl.List):
        items = series.to_arrow(compat_level=pl.CompatLevel.newest()).values
        return _any_past(pl.from_arrow(items))
    return isinstance(dtype, pl.Array)  # read row by row


def _past(series: Any) -> Any:
    """:func:`rows_past_the_calendar` row by row, for a column known to hold such a day somewhere."""
    import polars as pl

    dtype = series.dtype
    if dtype == pl.Date or dtype == pl.Datetime:
        per_day = 1 if dtype == pl.Date else _ARROW_PER_DAY[dtype.time_unit]
        ticks = series.to_physical()
        return ((ticks < FIRST_DAY * per_day) | (ticks >= (LAST_DAY + 1) * per_day)).fill_null(False)
    rows = pl.repeat(False, len(series), eager=True)
    if isinstance(dtype, pl.Struct):
        for field in dtype.fields:
            if holds_days(field.dtype):
                rows = rows | _past(series.struct.field(field.name))
        return rows & series.is_not_null()
    if isinstance(dtype, pl.List | pl.Array):
        items = pl.DataFrame({"row": pl.int_range(len(series), eager=True), "item": series}).explode("item")
        return rows.scatter(items["row"].filter(_past(items["item"])), True)
    return rows
