"""Facts as columns: a pack's own column-wise extraction when it has one, else one document at a
time through the same ``parse``/``read_dates``/``extract_facts`` the single evaluator uses."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import types
import typing
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from amparo.engine.columnar import MAPPING_FIELDS, polars_module
from amparo.engine.pack import (
    ANCHOR_COLUMN_PREFIX,
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
    ColumnarPack,
    LawPack,
    TypedFactsPack,
)
from amparo.errors import AmparoError, RuleDefinitionError


@dataclass(frozen=True)
class RowFacts:
    """The facts of one document read one at a time, or ``None`` where it was refused (the single
    evaluator then gives the error)."""

    facts: dict[str, Any] | None


def _column_type(values: Sequence[Any]) -> Any:
    pl = polars_module()
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return pl.Boolean
    if isinstance(sample, int):
        return pl.Int64
    if isinstance(sample, float):
        return pl.Float64
    if isinstance(sample, dt.datetime):
        return pl.Datetime("us", "UTC")
    if isinstance(sample, dt.date):
        return pl.Date
    if isinstance(sample, tuple | list | frozenset):
        inner = [x for v in values if v for x in v]
        inner_type = _column_type(inner) if inner else pl.String
        return pl.List(inner_type)
    if isinstance(sample, Mapping):
        keys = [k for v in values if v for k in v]
        entries = [x for v in values if v for x in v.values()]
        return _mapping_type(
            _column_type(keys) if keys else pl.String, _column_type(entries) if entries else pl.String
        )
    return pl.String


def _mapping_type(key: Any, value: Any) -> Any:
    """A mapping fact's column type: a list of ``{key, value}`` structs (``columnar.MAPPING_FIELDS``)."""
    pl = polars_module()
    return pl.List(pl.Struct({MAPPING_FIELDS[0]: key, MAPPING_FIELDS[1]: value}))


def declared_type(python_type: Any) -> Any:
    """The column type of a fact declared with a Python type (:class:`TypedFactsPack`)."""
    pl = polars_module()
    origin, args = typing.get_origin(python_type), typing.get_args(python_type)
    if origin in (typing.Union, types.UnionType):  # X | None: a fact may always be missing
        present = [a for a in args if a is not type(None)]
        if len(present) == 1:
            return declared_type(present[0])
    elif origin in (tuple, list, frozenset) and args:
        return pl.List(declared_type(args[0]))
    elif origin is dict and len(args) == 2:
        return _mapping_type(declared_type(args[0]), declared_type(args[1]))
    plain = {bool: pl.Boolean, int: pl.Int64, float: pl.Float64, str: pl.String, dt.date: pl.Date}
    if python_type is dt.datetime:
        return pl.Datetime("us", "UTC")
    if python_type in plain:
        return plain[python_type]
    raise RuleDefinitionError(f"no column type for a fact of type {python_type!r}")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    if isinstance(value, tuple | frozenset):
        return [_plain(v) for v in (sorted(value) if isinstance(value, frozenset) else value)]
    if isinstance(value, Mapping):
        return [{MAPPING_FIELDS[0]: _plain(k), MAPPING_FIELDS[1]: _plain(v)} for k, v in value.items()]
    return value


def rows_to_frame(rows: Sequence[Mapping[str, Any]], types: Mapping[str, Any] | None = None) -> Any:
    """A frame of fact rows (tuples as lists, mappings as lists of key/value structs, instants in
    UTC); a column per key of the first row, of its declared Python type where ``types`` names it
    (:func:`declared_type`), else of the type its values show."""
    pl = polars_module()
    if not rows:
        return pl.DataFrame()
    names = list(rows[0])
    columns: dict[str, Any] = {}
    for name, values in zip(names, _transposed(rows, names), strict=True):
        if types and name in types:
            columns[name] = _declared_column(name, values, declared_type(types[name]))
            continue
        # the type from the values as extracted
        columns[name] = pl.Series(name, [_plain(v) for v in values], dtype=_column_type(values), strict=False)
    return pl.DataFrame(columns)


def _transposed(rows: Sequence[Mapping[str, Any]], names: list[str]) -> list[list[Any]]:
    """The values of each of ``names`` in every row (``None`` where a row lacks one): one C-level
    pass over the rows when every row has every name (the usual case), else name by name."""
    if len(names) > 1:
        pick = operator.itemgetter(*names)
        try:
            return [list(column) for column in zip(*map(pick, rows), strict=True)]
        except KeyError:
            pass
    return [[row.get(name) for row in rows] for name in names]


def _declared_column(name: str, values: list[Any], dtype: Any) -> Any:
    """A column of a declared type, built by Arrow from the values as they are (nothing converted
    in Python but a mapping's items and a set's order); values Arrow does not take as that type go
    the way of an undeclared column's."""
    import pyarrow as pa  # type: ignore[import-untyped]

    pl = polars_module()
    given = values
    if _is_mapping(dtype):
        values = [None if v is None else list(v.items()) for v in values]
    elif isinstance(dtype, pl.List):
        values = [sorted(v) if isinstance(v, frozenset) else v for v in values]
    try:
        return pl.from_arrow(pa.array(values, type=_arrow_type(dtype))).alias(name)
    except (pa.ArrowException, TypeError, ValueError):
        return pl.Series(name, [_plain(v) for v in given], dtype=dtype, strict=False)


def _is_mapping(dtype: Any) -> bool:
    pl = polars_module()
    return (
        isinstance(dtype, pl.List)
        and isinstance(dtype.inner, pl.Struct)
        and tuple(f.name for f in dtype.inner.fields) == MAPPING_FIELDS
    )


@functools.cache
def _arrow_type(dtype: Any) -> Any:
    """The Arrow type Polars gives a column of ``dtype``."""
    return polars_module().Series([], dtype=dtype).to_arrow().type


#: The types of the engine's own columns of a fact frame (an anchor's is a date too).
ENGINE_COLUMN_TYPES: Mapping[str, Any] = {
    DOCUMENT_ID_COLUMN: str,
    OCCURRED_ON_COLUMN: dt.date,
    READ_ON_COLUMN: dt.date,
    VOUCHED_COLUMN: bool,
}


def facts_one_by_one(pack: LawPack, parsed: Sequence[Any], as_of: dt.date | None) -> Any:
    """The fact frame of parsed documents, one ``read_dates``/``extract_facts`` per document; a
    document whose dates are refused, or ``None`` in place of one ``parse`` refused, is a row not
    vouched (screened alone, it gives its error)."""
    rows: list[dict[str, Any]] = []
    template: dict[str, Any] | None = None
    for document in parsed:
        if document is None:
            rows.append({DOCUMENT_ID_COLUMN: None, VOUCHED_COLUMN: False})
            continue
        person = pack.person(document)
        try:
            dates = pack.read_dates(document, as_of)
        except Exception:  # the single evaluator will give this document's error
            rows.append({DOCUMENT_ID_COLUMN: person.document_id, VOUCHED_COLUMN: False})
            continue
        facts = pack.extract_facts(document, dates)
        row = {
            DOCUMENT_ID_COLUMN: person.document_id,
            OCCURRED_ON_COLUMN: person.occurred_on,
            READ_ON_COLUMN: dates.read_on,
            VOUCHED_COLUMN: True,
            **{ANCHOR_COLUMN_PREFIX + name: on for name, on in dates.anchors.items()},
            **facts,
        }
        template = template or row
        rows.append(row)
    if template is not None:
        rows = [row if len(row) > 2 else {**dict.fromkeys(template), **row} for row in rows]
    # The engine's own columns have known types; the facts' are the pack's to declare.
    types: dict[str, Any] = {
        **ENGINE_COLUMN_TYPES,
        **{name: dt.date for name in template or () if name.startswith(ANCHOR_COLUMN_PREFIX)},
    }
    if isinstance(pack, TypedFactsPack):
        types.update(pack.fact_types())
    return rows_to_frame(rows, types)


def fact_columns(
    pack: LawPack, parsed: Sequence[Any], as_of: dt.date | None, facts: Collection[str] | None = None
) -> Any:
    """The fact frame of parsed documents: column-wise when the pack can, else one by one
    (``facts``: those the caller reads, as :meth:`ColumnarPack.extract_fact_columns` takes them)."""
    if isinstance(pack, ColumnarPack):
        return pack.extract_fact_columns(pack.documents_frame(parsed), as_of, facts)
    return facts_one_by_one(pack, parsed, as_of)


def declared_fact_schema(pack: LawPack, facts: Collection[str], anchors: Collection[str]) -> dict[str, Any]:
    """The columns and types of the fact frame of a pack that reads documents one at a time, known
    before any is read (for an engine that must be told them first, as Spark's ``mapInArrow``):
    the engine's own columns, ``anchors`` and ``facts`` (the plan's) of their declared types."""
    pl = polars_module()
    declared = pack.fact_types() if isinstance(pack, TypedFactsPack) else {}
    undeclared = sorted(set(facts) - set(declared))
    if undeclared:
        raise RuleDefinitionError(
            f"law pack {pack.id}: no declared type (TypedFactsPack.fact_types) for the facts {undeclared}"
        )
    return {
        **{name: declared_type(kind) for name, kind in ENGINE_COLUMN_TYPES.items()},
        **{ANCHOR_COLUMN_PREFIX + name: pl.Date for name in sorted(anchors)},
        **{name: declared_type(declared[name]) for name in sorted(facts)},
    }


def facts_of_documents(
    pack: LawPack, documents: Sequence[Mapping[str, Any]], as_of: dt.date | None, schema: Mapping[str, Any]
) -> Any:
    """The fact frame of plain documents in the columns of ``schema`` (:func:`declared_fact_schema`),
    each parsed and read by the pack one at a time; a document it refuses is a row not vouched."""
    pl = polars_module()
    parsed: list[Any] = []
    for document in documents:
        try:
            parsed.append(pack.parse(document))
        except AmparoError:  # the single evaluator gives its error
            parsed.append(None)
    if not parsed:
        return pl.DataFrame(schema=dict(schema))
    frame = facts_one_by_one(pack, parsed, as_of)
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in schema.items()
    )
