"""Parquet types Spark cannot read, read as they are stored and given their Arrow type back.

Spark refuses a Parquet column of times of day (Arrow ``time32``, ``time64``) or of half-precision
floats (``float16``) wherever it is — a top-level column a user's pipeline left, a struct's field,
a list's items — when it reads the file's schema (``UNSUPPORTED_TIME_TYPE``,
``PARQUET_TYPE_ILLEGAL``), where ``amparo screen --batch`` reads it: a field encounter v1 does not
have is the document's error row (``/clock: is not a field ...``), nothing where it is null, and a
field of the wrong type the error that type gives. For a local IN the job tells Spark to read each
such leaf as what it is stored as (``int``, ``bigint``: the same Parquet integers; ``binary``: the
two bytes of a half float), notes the Arrow type on its top-level field (:data:`METADATA_KEY`), and
:func:`restore` gives the leaf that type back in every Arrow batch before a document is built from
it: the documents are those ``screen --batch`` builds.

The schema Spark is given is Spark's own reading of stand-ins (:func:`stand_in_schema`): an empty
Parquet file of each distinct schema of the parts, those leaves replaced by their stored form."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from amparo.errors import FieldError, InputError

#: Spark's reader option that takes each path as a name, not a pattern (``DataSource.GLOB_PATHS_KEY``).
LITERAL_PATHS = {"__globPaths__": "false"}

#: The Spark field metadata that lists a column's leaves read in their stored form:
#: JSON ``[[steps, arrow type], ...]``, a step a field's name or one of :data:`ITEM`, :data:`KEY`,
#: :data:`VALUE` (a list's items, a map's keys or values).
METADATA_KEY = "amparo.arrow_types"
ITEM, KEY, VALUE = 0, 1, 2

Steps = tuple[str | int, ...]

#: The Arrow types Spark does not read, by name, each with the type it is stored as.
_UNREADABLE: dict[str, tuple[str, str]] = {
    "time32[s]": ("time32", "int32"),
    "time32[ms]": ("time32", "int32"),
    "time64[us]": ("time64", "int64"),
    "time64[ns]": ("time64", "int64"),
    "halffloat": ("float16", "binary"),
}


def _arrow_type(name: str) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    if name == "halffloat":
        return pa.float16()
    kind, unit = name.rstrip("]").split("[")
    return pa.time32(unit) if kind == "time32" else pa.time64(unit)


def _stored(kind: Any) -> Any:
    import pyarrow as pa

    return {"int32": pa.int32(), "int64": pa.int64(), "binary": pa.binary()}[_UNREADABLE[str(kind)][1]]


def _children(kind: Any) -> list[tuple[str | int, Any]]:
    """The steps into a nested Arrow type, each with the type it reaches."""
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return [(kind.field(i).name, kind.field(i).type) for i in range(kind.num_fields)]
    if pa.types.is_map(kind):
        return [(KEY, kind.key_type), (VALUE, kind.item_type)]
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return [(ITEM, kind.value_type)]
    return []


def unreadable_leaves(kind: Any, at: Steps = ()) -> list[tuple[Steps, Any]]:
    """Where a column of Arrow type ``kind`` holds values of a type Spark does not read, and their type."""
    if str(kind) in _UNREADABLE:
        return [(at, kind)]
    return [leaf for step, child in _children(kind) for leaf in unreadable_leaves(child, (*at, step))]


def _type_at(kind: Any, steps: Steps) -> Any:
    for step in steps:
        kind = dict(_children(kind)).get(step)
        if kind is None:
            return None
    return kind


def as_stored(kind: Any) -> Any:
    """``kind`` with every leaf Spark does not read replaced by the type it is stored as."""
    import pyarrow as pa

    if str(kind) in _UNREADABLE:
        return _stored(kind)
    if pa.types.is_struct(kind):
        return pa.struct(
            [kind.field(i).with_type(as_stored(kind.field(i).type)) for i in range(kind.num_fields)]
        )
    if pa.types.is_map(kind):
        key, item = kind.key_field, kind.item_field
        return pa.map_(key.with_type(as_stored(key.type)), item.with_type(as_stored(item.type)))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return pa.list_(kind.value_field.with_type(as_stored(kind.value_type)))
    return kind


def _step_name(step: str | int) -> str:
    return {ITEM: "[]", KEY: "{key}", VALUE: "{value}"}[step] if isinstance(step, int) else f".{step}"


def refuse_mixed(schemas: Sequence[tuple[Path, Any]]) -> None:
    """A leaf Spark does not read in one part and of another type at the same place in another:
    Spark would read the two as one column of numbers, and give the second part's values the first
    one's type. Refused, naming both parts (``screen --batch`` reads each part with its own)."""
    distinct: list[tuple[Path, Any]] = []  # a part of each schema (a folder may hold thousands)
    for part, schema in schemas:
        if not any(schema.equals(seen) for _, seen in distinct):
            distinct.append((part, schema))
    for part, schema in distinct:
        for field in schema:
            for steps, kind in unreadable_leaves(field.type):
                for other, other_schema in distinct:
                    index = other_schema.get_field_index(field.name)
                    there = _type_at(other_schema.field(index).type, steps) if index >= 0 else None
                    if there is not None and not there.equals(kind):
                        column = field.name + "".join(_step_name(s) for s in steps)
                        raise InputError(
                            [
                                FieldError(
                                    "IN",
                                    f"the column {column!r} is {kind} in {part} and {there} in {other}: "
                                    "Spark cannot read them as one column (write every part alike, or "
                                    "screen them with `amparo screen --batch`)",
                                )
                            ]
                        )


def stand_in_schema(spark: Any, schemas: Sequence[tuple[Path, Any]], int96: set[str]) -> Any:
    """The Spark schema to read local parts with, their Arrow ``schemas`` holding a type Spark does
    not read: Spark's own merged reading of an empty Parquet file per distinct schema, in the order
    of the parts' paths as Spark merges them, each such leaf in its stored form (and noted in
    :data:`METADATA_KEY`); top-level INT96 columns (``int96``) written as INT96 in a file of their
    own, their fields then put back in the order Spark would give them."""
    import pyarrow as pa
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
    from pyspark.sql.types import StructField, StructType

    ordered = sorted(schemas, key=lambda pair: "file://" + str(pair[0].absolute()))
    distinct: list[Any] = []
    for _, schema in ordered:
        if not any(schema.equals(seen) for seen in distinct):
            distinct.append(schema)
    names: list[str] = []
    leaves: dict[str, list[tuple[Steps, Any]]] = {}
    for schema in distinct:
        for field in schema:
            if field.name not in names:
                names.append(field.name)
            leaves.setdefault(field.name, [])
            leaves[field.name] += [
                leaf for leaf in unreadable_leaves(field.type) if leaf not in leaves[field.name]
            ]
    with tempfile.TemporaryDirectory(prefix="amparo-spark-schema-") as folder:
        files = []
        for i, schema in enumerate(distinct):
            stored = [field.with_type(as_stored(field.type)) for field in schema]
            for suffix, fields, deprecated in (
                ("a", [f for f in stored if f.name not in int96], False),
                ("b", [f for f in stored if f.name in int96], True),
            ):
                if fields:
                    path = Path(folder) / f"{i:06d}-{suffix}.parquet"
                    pq.write_table(
                        pa.schema(fields).empty_table(), path, use_deprecated_int96_timestamps=deprecated
                    )
                    files.append("file://" + str(path))
        merged = spark.read.options(mergeSchema="true", **LITERAL_PATHS).parquet(*files).schema
    by_name = {field.name: field for field in merged.fields}
    return StructType(
        [
            StructField(
                name,
                by_name[name].dataType,
                by_name[name].nullable,
                {**(by_name[name].metadata or {}), METADATA_KEY: _noted(leaves[name])}
                if leaves[name]
                else by_name[name].metadata,
            )
            for name in names
        ]
    )


def _noted(leaves: Sequence[tuple[Steps, Any]]) -> str:
    return json.dumps([[list(steps), str(kind)] for steps, kind in leaves])


def noted_leaves(schema: Any) -> dict[str, list[tuple[Steps, str]]]:
    """The leaves of a Spark schema's columns read in their stored form (:data:`METADATA_KEY`), by column."""
    found: dict[str, list[tuple[Steps, str]]] = {}
    for field in schema.fields:
        noted = (field.metadata or {}).get(METADATA_KEY)
        if noted:
            found[field.name] = [(tuple(steps), kind) for steps, kind in json.loads(noted)]
    return found


def restore(table: Any, leaves: Mapping[str, Sequence[tuple[Steps, str]]]) -> Any:
    """An Arrow table (or batch) Spark gave, each leaf in ``leaves`` (:func:`noted_leaves`) given
    back the Arrow type it has in the file."""
    import pyarrow as pa

    if not leaves:
        return table
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    for name, found in leaves.items():
        index = table.schema.get_field_index(name)
        if index < 0:
            continue
        column = table.column(index).combine_chunks()
        table = table.set_column(index, name, _restored(column, dict(found), ()))
    return table


def _restored(array: Any, leaves: Mapping[Steps, str], at: Steps) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    if at in leaves:
        kind = _arrow_type(leaves[at])
        return array.cast(pa.binary(2)).view(kind) if kind == pa.float16() else array.view(kind)
    if not any(len(steps) > len(at) and steps[: len(at)] == at for steps in leaves):
        return array
    kind = array.type
    if pa.types.is_struct(kind):
        children = [
            _restored(array.field(i), leaves, (*at, kind.field(i).name)) for i in range(kind.num_fields)
        ]
        fields = [kind.field(i).with_type(c.type) for i, c in enumerate(children)]
        return pa.StructArray.from_arrays(children, fields=fields, mask=array.is_null())
    offsets = array.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    rebased = pc.subtract(offsets, offsets[0])
    if pa.types.is_map(kind):
        keys = _restored(array.keys.slice(start, end - start), leaves, (*at, KEY))
        items = _restored(array.items.slice(start, end - start), leaves, (*at, VALUE))
        return pa.MapArray.from_arrays(rebased, keys, items, mask=array.is_null())
    values = _restored(array.values.slice(start, end - start), leaves, (*at, ITEM))
    build = pa.LargeListArray if pa.types.is_large_list(kind) else pa.ListArray
    return build.from_arrays(rebased, values, mask=array.is_null())
