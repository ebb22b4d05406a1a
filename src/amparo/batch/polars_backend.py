"""Run a column plan (:mod:`amparo.batch.plan`) with Polars: rule conditions through
:func:`amparo.engine.columnar.to_polars`, switches as ``when/then`` chains, lists as ``concat_list``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from amparo.batch.plan import Collect, Column, Plan, Switch, ValueType
from amparo.engine.columnar import (
    TestKey,
    constant_test_key,
    constant_tests,
    polars_module,
    text_lists,
    to_polars,
)
from amparo.engine.expr import And, Compare, Expr, Fact, IsIn, Lit

Shared = Mapping[TestKey, str]


def polars_dtype(dtype: ValueType | None) -> Any:
    pl = polars_module()
    return {
        "bool": pl.Boolean,
        "str": pl.String,
        "int": pl.Int64,
        "float": pl.Float64,
        "date": pl.Date,
        "datetime": pl.Datetime("us", "UTC"),
        "null": pl.Null,
        "outcome": pl.UInt8,
        "version": pl.UInt16,
        None: None,
    }[dtype]


def _lit(value: Any, dtype: Any) -> Any:
    pl = polars_module()
    return pl.lit(value, dtype=dtype) if dtype is not None else pl.lit(value)


#: A rule's version index (the plan's ``_vi.<rule>``) with at least this many versions is found by
#: one sorted search instead of a ``when/then`` chain, whose cost to Polars grows with the square of
#: its length (a change file of 1,000 one-day blocks: 9.7 s and 4.3 GB for 600 documents; 2,000:
#: 132 s and 16.7 GB). The packs' own rules have at most a dozen versions and keep the chain.
SEARCHED_VERSIONS = 64


def _bound(part: Expr, op: str) -> tuple[str, dt.date] | None:
    """``(anchor, day)`` of ``anchor <op> day`` with a day (not an instant); None otherwise."""
    if not (isinstance(part, Compare) and part.op == op and isinstance(part.left, Fact)):
        return None
    day = part.right.value if isinstance(part.right, Lit) else None
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        return None
    return part.left.name, day


def _interval(condition: Expr) -> tuple[str, dt.date, dt.date | None] | None:
    """``(anchor, from, to)`` of a version's dates as the plan writes them (``anchor >= from``, and
    ``anchor < to`` when it ends); None for any other condition."""
    parts = condition.operands if isinstance(condition, And) else (condition,)
    start = _bound(parts[0], ">=") if 1 <= len(parts) <= 2 else None
    if start is None:
        return None
    if len(parts) == 1:
        return start[0], start[1], None
    end = _bound(parts[1], "<")
    if end is None or end[0] != start[0]:
        return None
    return start[0], start[1], end[1]


def _version_search(column: Switch, least: int = SEARCHED_VERSIONS) -> Any | None:
    """A version index as one sorted search of the versions' first days (the index of the last
    version starting on or before the row's anchor date, where that version has not ended), when
    the switch has ``least`` branches or more of that form, in order and apart; None otherwise."""
    none_otherwise = isinstance(column.otherwise, Lit) and column.otherwise.value is None
    if column.dtype != "version" or len(column.branches) < least or not none_otherwise:
        return None
    found = []
    for condition, value in column.branches:
        interval = _interval(condition)
        if interval is None or not isinstance(value, Lit) or type(value.value) is not int:
            return None
        found.append((interval, value.value))
    if len({anchor for (anchor, _, _), _ in found}) != 1:
        return None
    if any(a[2] is None or a[2] > b[1] for (a, _), (b, _) in zip(found, found[1:], strict=False)):
        return None  # out of order, or overlapping: first match wins, as the chain says
    pl = polars_module()
    anchor = pl.col(found[0][0][0])
    starts = pl.Series([start for (_, start, _), _ in found], dtype=pl.Date)
    ends = pl.Series([end or dt.date.max for (_, _, end), _ in found], dtype=pl.Date)
    values = pl.Series([value for _, value in found], dtype=polars_dtype("version"))
    index = pl.lit(starts).search_sorted(anchor, side="right").cast(pl.Int64) - 1
    at = index.clip(lower_bound=0)
    inside = (index >= 0) & (anchor < pl.lit(ends).gather(at))  # null where the anchor is
    return pl.when(inside).then(pl.lit(values).gather(at)).otherwise(pl.lit(None, dtype=values.dtype))


def _compile(column: Column, dtype: ValueType | None, shared: Shared) -> Any:
    pl = polars_module()
    searched = _version_search(column) if isinstance(column, Switch) else None
    if searched is not None:
        return searched
    if isinstance(column, Switch):
        target = polars_dtype(column.dtype)
        if not column.branches:
            return _value(column.otherwise, target, shared)
        values = [value for _, value in column.branches] + [column.otherwise]
        words = {v.value for v in values if isinstance(v, Lit) and isinstance(v.value, str)}
        enum = column.dtype == "str" and all(
            isinstance(v, Lit) and (v.value is None or isinstance(v.value, str)) for v in values
        )
        if enum:  # text constants chosen as small codes, turned into text once at the end
            target = pl.Enum(sorted(words))
        out = _by_version(column, target, shared)
        if out is None:
            out = _chain(column.branches, column.otherwise, target, shared)
        return out.cast(pl.String) if enum else out
    if isinstance(column, Collect):
        if not column.items:
            return pl.lit([], dtype=pl.List(pl.String))
        parts = [
            pl.when(to_polars(cond, shared)).then(
                pl.lit(value) if isinstance(value, str) else to_polars(value, shared).cast(pl.String)
            )
            for cond, value in column.items
        ]
        listed = pl.concat_list(parts).list.drop_nulls()
        if column.order == "first":
            return listed.list.unique(maintain_order=True)
        return listed.list.eval(pl.element().sort())  # list.sort has a high fixed cost per call
    out = to_polars(column, shared)
    target = polars_dtype(dtype)
    return out.cast(target) if target is not None and dtype not in {"null"} else out


def _chain(branches: Any, otherwise: Expr, target: Any, shared: Shared) -> Any:
    """``when/then`` in branch order (first match wins), else ``otherwise``."""
    chain: Any = polars_module()
    for condition, value in branches:
        chain = chain.when(to_polars(condition, shared)).then(_value(value, target, shared))
    return chain.otherwise(_value(otherwise, target, shared))


def _version_test(condition: Expr) -> tuple[str, frozenset[Any], Expr | None] | None:
    """``(column, versions, rest)`` of a branch the plan opens with its rule's version
    (``_vi.<rule> == k`` or ``in {...}``, alone or first of an ``and``); None for any other."""
    parts = condition.operands if isinstance(condition, And) else (condition,)
    head = parts[0]
    if isinstance(head, Compare) and head.op == "==" and isinstance(head.right, Lit):
        operand, versions = head.left, frozenset((head.right.value,))
    elif isinstance(head, IsIn):
        operand, versions = head.operand, head.values
    else:
        return None
    if not (isinstance(operand, Fact) and operand.name.startswith("_vi.")):
        return None
    if any(type(v) is not int for v in versions):
        return None
    rest = parts[1:]
    return operand.name, versions, (None if not rest else rest[0] if len(rest) == 1 else And(tuple(rest)))


def _by_version(column: Switch, target: Any, shared: Shared) -> Any | None:
    """A switch whose branches each open with its rule's version, versions apart, as one chain
    over the versions of chains over the rest (the same first match: a row is in one version
    only); each branch's condition no longer tests the version again (measured: a rule's outcome
    chain about a third cheaper). None where the branches are not of that form."""
    groups: list[tuple[frozenset[Any], list[tuple[Expr | None, Expr]]]] = []
    names = set()
    for condition, value in column.branches:
        found = _version_test(condition)
        if found is None:
            return None
        name, versions, rest = found
        names.add(name)
        if groups and groups[-1][0] == versions:
            groups[-1][1].append((rest, value))
        else:
            groups.append((versions, [(rest, value)]))
    seen: set[Any] = set()
    for versions, _ in groups:
        if seen & versions:
            return None  # a version tested in two places: the branches' order decides
        seen |= versions
    if len(names) != 1 or len(groups) < 2:
        return None
    pl = polars_module()
    version = pl.col(next(iter(names)))
    outer: Any = pl
    for versions, branches in groups:
        here = version == next(iter(versions)) if len(versions) == 1 else version.is_in(sorted(versions))
        inner: list[tuple[Expr, Expr]] = []
        last: Expr = column.otherwise
        for rest, value in branches:
            if rest is None:  # every row of this version: the branches after it are never reached
                last = value
                break
            inner.append((rest, value))
        outer = outer.when(here.fill_null(False)).then(
            _chain(inner, last, target, shared) if inner else _value(last, target, shared)
        )
    return outer.otherwise(_value(column.otherwise, target, shared))


def _value(value: Any, target: Any, shared: Shared) -> Any:
    if isinstance(value, Lit):
        return _lit(value.value, target)
    out = to_polars(value, shared)
    return out.cast(target) if target is not None else out


def _word_name(name: str, index: int) -> str:
    return f"{name}#{index}"


def _columns(name: str, column: Column, dtype: ValueType | None, shared: Shared) -> list[Any]:
    if isinstance(column, Collect) and column.maskable and column.items:
        return [_word(word, shared).alias(_word_name(name, k)) for k, word in enumerate(column.words())]
    return [_compile(column, dtype, shared).alias(name)]


def _word(word: list[tuple[Expr, int]], shared: Shared) -> Any:
    """One bit word of a list column: its conditions packed eight to a byte first (small integers
    are cheap to add), then the bytes into the 64-bit word (seven times faster than adding 64-bit
    products of every condition). Added by a chain of ``+``: ``pl.sum_horizontal`` of as many
    columns took 28 ms for 200,000 rows under Polars 2.2 (5 under 2.1, as the chain under both)."""
    pl = polars_module()
    by_byte: dict[int, list[Any]] = {}
    for condition, bit in word:
        position = bit.bit_length() - 1
        by_byte.setdefault(position // 8, []).append(
            pl.when(to_polars(condition, shared))
            .then(pl.lit(1 << position % 8, dtype=pl.UInt8))
            .otherwise(pl.lit(0, dtype=pl.UInt8))
        )
    return _added([_added(bits).cast(pl.Int64) * (1 << 8 * byte) for byte, bits in by_byte.items()])


def _added(parts: list[Any]) -> Any:
    """The sum of ``parts`` (Polars expressions of one integer type), by a chain of ``+``."""
    out = parts[0]
    for part in parts[1:]:
        out = out + part
    return out


def _parts(column: Column) -> list[Expr]:
    if isinstance(column, Switch):
        return [e for pair in column.branches for e in pair] + [column.otherwise]
    if isinstance(column, Collect):
        return [e for cond, value in column.items for e in (cond, value) if isinstance(e, Expr)]
    return [column]


SHARED_TEST = "_t."


def shared_tests(plan: Plan) -> dict[TestKey, Expr]:
    """The tests of input facts against constants that the plan asks more than once (the same
    ``'MX' in nationalities`` or ``border == 'southwest_land'`` in several rules and versions), by
    :func:`constant_test_key`, with one node asking each. Tests of a column the plan itself sets
    are left where they are."""
    set_here = {name for stage in plan.stages for name, _, _ in stage.columns}
    seen: dict[TestKey, Expr] = {}
    repeated: dict[TestKey, Expr] = {}
    for stage in plan.stages:
        for _, column, _ in stage.columns:
            for part in _parts(column):
                for node in constant_tests(part):
                    key = constant_test_key(node)
                    if key is None or node.fact_names() & set_here:
                        continue
                    if key in seen:
                        repeated.setdefault(key, seen[key])
                    seen.setdefault(key, node)
    return repeated


def compile_stages(plan: Plan) -> list[list[Any]]:
    """The plan's Polars expressions, stage by stage (RuleDefinitionError where an expression has
    no Polars form). Built once per plan: building them costs more than running them on a chunk.
    A test of a fact against constants that the plan asks more than once is computed once, in a
    first stage of its own (columns ``_t.0``, ``_t.1``, ...), and read from there."""
    tests = shared_tests(plan)
    shared = {key: f"{SHARED_TEST}{k}" for k, key in enumerate(tests)}
    first = [to_polars(node).alias(shared[key]) for key, node in tests.items()]
    stages = [
        [e for name, col, dtype in stage.columns for e in _columns(name, col, dtype, shared)]
        for stage in plan.stages
    ]
    return [first, *stages] if first else stages


def run_plan(plan: Plan, facts: Any, stages: list[list[Any]] | None = None) -> Any:
    """``facts`` (a Polars LazyFrame or DataFrame, one row per document, facts and anchor dates as
    columns) with the plan's columns added, lazily (``stages``: :func:`compile_stages` of the plan,
    when the caller keeps them). A list column of constants is left as bit words (``name#0``,
    ...): :func:`decode_lists` turns them into lists per distinct word."""
    frame = (facts.rechunk() if hasattr(facts, "rechunk") else facts).lazy()  # one chunk per column
    for exprs in stages if stages is not None else compile_stages(plan):
        frame = frame.with_columns(exprs)
    return frame


def list_columns(plan: Plan) -> dict[str, Collect]:
    """The plan's list columns computed as bit words, by name."""
    return {
        name: column
        for stage in plan.stages
        for name, column, _ in stage.columns
        if isinstance(column, Collect) and column.maskable and column.items
    }


def word_columns(plan: Plan, name: str) -> list[str]:
    return [_word_name(name, k) for k in range(len(list_columns(plan)[name].words()))]


#: Another list column decoded beside a plan's lists: its key columns and how a row of their
#: values becomes its list (e.g. the runner's flags and the currency flag).
Decoded = tuple[list[str], Callable[[tuple[Any, ...]], list[str]]]


def decode_lists(
    frame: Any, plan: Plan, names: dict[str, str], also: Mapping[str, Decoded] | None = None
) -> Any:
    """``frame`` (eager) with each list column ``names[source]`` decoded from its bit words, and
    each column of ``also`` from its keys; the words and keys are dropped. Each distinct
    combination of them all is decoded once and put on the rows by one join."""
    collects = list_columns(plan)
    parts: dict[str, Decoded] = {
        target: (word_columns(plan, source), collects[source].decode) for source, target in names.items()
    }
    parts.update(also or {})
    keys = list(dict.fromkeys(key for columns, _ in parts.values() for key in columns))
    table = frame.select(keys).unique()
    rows = table.rows(named=True)
    decoded = [
        text_lists(target, [decode(tuple(row[key] for key in columns)) for row in rows])
        for target, (columns, decode) in parts.items()
    ]
    table = table.with_columns(decoded)
    return frame.join(table, on=keys, how="left", nulls_equal=True, maintain_order="left").drop(keys)
