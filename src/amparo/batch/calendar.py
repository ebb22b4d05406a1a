"""Dates past the calendar in Parquet input: a Parquet date or timestamp may hold a day outside the
years 0001 to 9999, which Python (and so the single evaluator and the facts) cannot hold.

Encounter v1 writes a date as ``YYYY-MM-DD``: in JSON such a day cannot be written, and a text in
another form is refused at its path. A Parquet row holding one gets the same answer: the columns
holding such a day are given as text (``10183-09-21``) for their chunk, so the columns cannot
vouch for those rows and the single evaluator reads them from the text — an error row at the
field's path for the row past the calendar, and for the others of the chunk the decision their
dates give written as text (``YYYY-MM-DD``; an instant in RFC 3339, UTC). The batch never stops.

A file whose statistics show every date and timestamp column within the calendar in every row
group (Polars and pyarrow write them by default) is not looked at further; any other file has
each chunk's date and timestamp values checked (their least and greatest, in Arrow, before the
chunk becomes a Polars frame).
"""

from __future__ import annotations

from typing import Any

#: The calendar's first and last days, in days from 1970-01-01 (Parquet's dates), and the units
#: of a day in Parquet's timestamps.
FIRST_DAY, LAST_DAY = -719_162, 2_932_896
_PER_DAY = {"milliseconds": 86_400_000, "microseconds": 86_400_000_000, "nanoseconds": 86_400_000_000_000}
_ARROW_PER_DAY = {"ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000, "s": 86_400}


def statistics_vouch(reader: Any) -> bool:
    """Whether the file's statistics show every date and timestamp column (nested ones included)
    within the years 0001 to 9999 in every row group; read from the metadata alone."""
    schema, metadata = reader.schema, reader.metadata
    for j in range(len(schema)):
        column = schema.column(j)
        logical = str(column.logical_type)  # "Date", or "Timestamp(..., timeUnit=microseconds, ...)"
        if logical == "Date":
            unit = 1
        elif logical.startswith("Timestamp"):
            unit = next((per_day for name, per_day in _PER_DAY.items() if name in logical), 0)
            if not unit:
                return False
        else:
            continue
        for group in range(metadata.num_row_groups):
            stats = metadata.row_group(group).column(j).statistics
            if stats is None or not stats.has_min_max:
                if stats is None or stats.num_values:  # values not described (all null: nothing to see)
                    return False
                continue
            if stats.min_raw < FIRST_DAY * unit or stats.max_raw >= (LAST_DAY + 1) * unit:
                return False
    return True


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
