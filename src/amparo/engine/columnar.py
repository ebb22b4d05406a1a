"""Columnar meaning of rule expressions: compile an :class:`~amparo.engine.expr.Expr` to a Polars
expression, so the same rule text evaluates over a table of facts (one row per encounter).

Semantics match row evaluation: a comparison with a missing value is false; list facts are
Polars list columns. Batch re-screening builds on this; a test checks that row and columnar
evaluation agree on every rule's conditions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from amparo.engine.expr import (
    And,
    Compare,
    Contains,
    Earliest,
    Expr,
    Fact,
    Get,
    Intersects,
    IsIn,
    IsoDate,
    IsSet,
    Latest,
    Lit,
    Not,
    Or,
    PlusPeriod,
    Weekday,
)
from amparo.errors import MissingExtra, RuleDefinitionError

if TYPE_CHECKING:
    import polars as pl


def polars_module() -> Any:
    """Polars, or MissingExtra naming the extra that brings it (the one place that says so)."""
    try:
        import polars
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("polars", "analytics") from exc
    return polars


def collected(frame: Any) -> Any:
    """A lazy frame computed by Polars' in-memory engine. Polars 2 runs ``collect()`` on its
    streaming engine by default, which costs a batch chunk more (200,000 encounters, facts, plan
    and summary, one thread: 260-266 -> 237-242 ms of CPU a chunk, the same rows); the chunks
    are already bounded, so the streaming engine has no memory to save there."""
    return frame.collect(engine="in-memory")


def text_lists(name: str, values: Sequence[Sequence[str] | None]) -> Any:
    """A Polars series of lists of text (``None`` for a missing list) from Python lists: each list
    joined into one text, each item after a separator, and split again by Polars. Polars converts
    nested Python values one item at a time (2,000 short lists: 10.8 ms against 1.0 ms so), and
    Arrow's ``pyarrow.array`` imports pandas (0.3-0.5 s). Lists holding the separator or a missing
    item take Polars' own conversion."""
    pl = polars_module()
    items = [item for value in values if value for item in value]
    if not all(isinstance(item, str) and _ITEM_SEPARATOR not in item for item in items):
        return pl.Series(name, values, dtype=pl.List(pl.String))
    joined = [
        None if value is None else "".join([_ITEM_SEPARATOR + item for item in value]) for value in values
    ]
    return pl.Series(name, joined, dtype=pl.String).str.split(_ITEM_SEPARATOR).list.slice(1)


#: Put before each item by :func:`text_lists` (the ASCII unit separator).
_ITEM_SEPARATOR = "\x1f"


def in_field_order(struct: Any, fields: list[Any]) -> list[Any]:
    """``fields`` (expressions named as the fields of the Polars ``struct`` type) in its order: a
    cast to a struct takes its fields in order from Polars 2.2 (2.1 matched them by name)."""
    order = [field.name for field in struct.fields]
    return sorted(fields, key=lambda expr: order.index(expr.meta.output_name()))


def all_hold(parts: Sequence[Any]) -> Any:
    """Every Polars check of ``parts`` holds (a null check does not)."""
    out = polars_module().lit(True)
    for part in parts:
        out = out & part.fill_null(False)
    return out


def any_holds(parts: Sequence[Any]) -> Any:
    """Some Polars check of ``parts`` holds (``False`` for none)."""
    out = polars_module().lit(False)
    for part in parts:
        out = out | part
    return out


TestKey = tuple[str, str, tuple[Any, ...]]

#: A mapping fact (e.g. the EU pack's ``category2_hits``, State -> date) in a column: a list of
#: structs with these two fields, one per entry, in the mapping's order.
MAPPING_FIELDS = ("key", "value")


def constant_test_key(expr: Expr) -> TestKey | None:
    """What a test of one fact against constants asks (``'MX' in nationalities``, ``own_countries
    shares an item with {GT, HN}``, ``border == 'southwest_land'``, ``state in {AZ, CA}``), the
    same for every node that asks it; None for any other node. A backend computes each such test
    once as a column (:func:`to_polars`'s ``shared``)."""
    if isinstance(expr, Contains) and isinstance(expr.collection, Fact) and isinstance(expr.item, Lit):
        return ("contains", expr.collection.name, (expr.item.value,))
    if isinstance(expr, Intersects) and isinstance(expr.left, Fact) and isinstance(expr.right, Lit):
        return ("intersects", expr.left.name, tuple(sorted(expr.right.value, key=str)))
    if isinstance(expr, IsIn) and isinstance(expr.operand, Fact):
        return ("is_in", expr.operand.name, tuple(sorted(expr.values, key=str)))
    if isinstance(expr, Compare) and isinstance(expr.left, Fact) and isinstance(expr.right, Lit):
        value = expr.right.value
        if isinstance(value, bool | int | float | str | dt.date):  # dates and instants too
            return ("compare", expr.left.name, (expr.op, type(value).__name__, value))
    return None


def constant_tests(expr: Expr) -> Iterator[Expr]:
    """The nodes of ``expr`` that :func:`constant_test_key` names, outermost first."""
    if constant_test_key(expr) is not None:
        yield expr
        return
    if not dataclasses.is_dataclass(expr):  # a node of another kind is compiled as it is
        return
    for field in dataclasses.fields(expr):
        value = getattr(expr, field.name)
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, Expr):
                yield from constant_tests(part)


def to_polars(expr: Expr, shared: Mapping[TestKey, str] | None = None) -> pl.Expr:
    """The Polars expression with the same meaning as ``expr`` (booleans never null). ``shared``
    names the columns that already hold some tests of facts against constants (by
    :func:`constant_test_key`): those tests read their column instead of being computed again."""
    result = _compile(expr, polars_module(), shared or {})
    compiled: pl.Expr = result.fill_null(False) if _is_boolean(expr) and not _never_null(expr) else result
    return compiled


def _is_boolean(expr: Expr) -> bool:
    return isinstance(expr, Compare | IsIn | Contains | Intersects | IsSet | And | Or | Not)


def _never_null(expr: Expr) -> bool:
    """Whether the compiled form of ``expr`` is never null already (a test, or a fold of tests):
    no second ``fill_null`` is added (each node costs Polars time on every chunk)."""
    if isinstance(expr, Compare | IsIn | Contains | Intersects | IsSet):
        return True
    if isinstance(expr, And | Or):
        return all(_never_null(operand) for operand in expr.operands)
    if isinstance(expr, Not):
        return _never_null(expr.operand)
    return False


def _compile(expr: Expr, pl: Any, shared: Mapping[TestKey, str]) -> Any:
    if shared:
        key = constant_test_key(expr)
        if key is not None and key in shared:
            return pl.col(shared[key])
    if isinstance(expr, Fact):
        return pl.col(expr.name)
    if isinstance(expr, Lit):
        if isinstance(expr.value, tuple):
            return pl.lit(list(expr.value))
        if isinstance(expr.value, dt.datetime) and expr.value.tzinfo is not None:
            # Instants are compared in UTC whatever zone a rule wrote them in.
            return pl.lit(expr.value.astimezone(dt.UTC))
        return pl.lit(expr.value)
    if isinstance(expr, Compare):
        left, right = _compile(expr.left, pl, shared), _compile(expr.right, pl, shared)
        op = {
            "<": left.__lt__,
            "<=": left.__le__,
            ">": left.__gt__,
            ">=": left.__ge__,
            "==": left.__eq__,
            "!=": left.__ne__,
        }[expr.op]
        return op(right).fill_null(False)
    if isinstance(expr, IsIn):
        return _compile(expr.operand, pl, shared).is_in(sorted(expr.values, key=str)).fill_null(False)
    if isinstance(expr, Contains):
        item, collection = expr.item, _compile(expr.collection, pl, shared)
        if isinstance(item, Lit):  # counting matches is three times faster than list.contains
            return (collection.list.count_matches(item.value) > 0).fill_null(False)
        return collection.list.contains(_compile(item, pl, shared)).fill_null(False)  # a fact: row by row
    if isinstance(expr, Intersects):
        right = expr.right
        if not isinstance(right, Lit):
            raise RuleDefinitionError(f"columnar 'intersects' needs a constant set: {expr.describe()}")
        values, left = list(right.value), _compile(expr.left, pl, shared)
        if not values:  # shares nothing: false on every row (a column, not a scalar)
            return left.is_null() & pl.lit(False)
        if len(values) <= 2:  # a match counted per value beats a per-element membership test
            return (pl.sum_horizontal([left.list.count_matches(v) for v in values]) > 0).fill_null(False)
        return left.list.eval(pl.element().is_in(values)).list.any().fill_null(False)
    if isinstance(expr, IsSet):
        return _compile(expr.operand, pl, shared).is_not_null()
    if isinstance(expr, And):
        out = to_polars(expr.operands[0], shared)
        for operand in expr.operands[1:]:
            out = out & to_polars(operand, shared)
        return out
    if isinstance(expr, Or):
        out = to_polars(expr.operands[0], shared)
        for operand in expr.operands[1:]:
            out = out | to_polars(operand, shared)
        return out
    if isinstance(expr, Not):
        return ~to_polars(expr.operand, shared)
    if isinstance(expr, PlusPeriod):
        unit = {"days": "d", "weeks": "w", "months": "mo", "years": "y"}[expr.unit]
        return _temporal(_compile(expr.start, pl, shared), pl).dt.offset_by(f"{expr.amount}{unit}")
    if isinstance(expr, Earliest):
        return pl.min_horizontal(*(_compile(x, pl, shared) for x in expr.operands))
    if isinstance(expr, Latest):
        return pl.max_horizontal(*(_compile(x, pl, shared) for x in expr.operands))
    if isinstance(expr, Weekday):
        return _temporal(_compile(expr.operand, pl, shared), pl).dt.weekday()
    if isinstance(expr, Get):
        return _lookup(_compile(expr.mapping, pl, shared), _compile(expr.key, pl, shared), pl)
    if isinstance(expr, IsoDate):
        return _temporal(_compile(expr.operand, pl, shared), pl).dt.strftime("%Y-%m-%d")
    raise RuleDefinitionError(f"no columnar meaning for {type(expr).__name__}")


def _temporal(operand: Any, pl: Any) -> Any:
    """``operand`` as a date or an instant column even where it holds no value of any type (a rule
    whose every version a change blocked gives a column of nulls, on which date functions stop):
    its own type where it has one (a date, or an instant in its zone)."""
    return pl.coalesce(operand, pl.lit(None, dtype=pl.Date))


def _lookup(mapping: Any, key: Any, pl: Any) -> Any:
    """``mapping[key]`` where a mapping fact is a list of ``{key, value}`` structs (its column
    form, :data:`MAPPING_FIELDS`): the first entry whose key equals the row's key, else null.
    Polars' list functions cannot read another column, so the row's key is put in front of the
    mapping's keys and each row's list compares its own first item with the rest."""
    keys = mapping.list.eval(pl.element().struct.field(MAPPING_FIELDS[0]))
    index = (
        pl.concat_list([key, keys])
        .list.eval((pl.element().slice(1) == pl.element().first()).arg_true())
        .list.first()
    )
    return mapping.list.get(index, null_on_oob=True).struct.field(MAPPING_FIELDS[1])
