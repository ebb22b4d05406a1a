"""Computing column facts once per distinct value: most facts of a document depend on a few
nested fields with few distinct values (a route, a list of nationalities, a set of findings), so a
pack's column form computes them on the distinct values and puts them back on every row
(:func:`per_distinct`), remembering them from one chunk of a batch to the next
(:class:`DistinctMemo`). Nothing here knows any pack."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Collection, Mapping
from typing import Any

from amparo.engine.columnar import polars_module as pl_module


class DistinctMemo:
    """What :func:`per_distinct` computed, by group, kept from one chunk of a batch to the next:
    the same few thousand routes or claims recur in every chunk, and each is computed once.

    A memo of pure functions of the key values (a value is never different for being
    remembered); bounded: past ``max_rows`` remembered combinations of a group, that group starts
    afresh. Chunks screened at once in threads share it: one group is looked up by one thread at a
    time (the second finds what the first computed), different groups at once."""

    def __init__(self, max_rows: int = 200_000) -> None:
        self.max_rows = max_rows
        self._known: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def clear(self) -> None:
        """Forget everything remembered (the next chunk computes its values afresh)."""
        self._known.clear()

    def lookup(self, group: str, table: Any, names: list[str], compute: Callable[[Any], Any]) -> Any:
        """The computed rows of every key combination in ``table`` (and of others seen before)."""
        with self._locks_lock:
            lock = self._locks.setdefault(group, threading.Lock())
        with lock:
            return self._lookup(group, table, names, compute)

    def _lookup(self, group: str, table: Any, names: list[str], compute: Callable[[Any], Any]) -> Any:
        pl = pl_module()
        known = self._known.get(group)
        if known is None:
            if table.height == 0:  # nothing to remember: the computed columns of no rows
                return compute(table)
            new = table
        else:
            new = table.join(known, on=names, how="anti", nulls_equal=True)
            if new.height == 0:
                return known
        added = compute(new)
        if known is not None and known.height + added.height <= self.max_rows:
            # Only the new rows are copied into buffers of their own; the remembered ones stay
            # as they are, in chunks put together once there are many.
            try:
                merged = pl.concat([known, _compacted(added)], how="vertical", rechunk=False)
            except pl.exceptions.SchemaError:  # e.g. a list of another inner type: start afresh
                merged = None
            if merged is not None:
                self._known[group] = merged.rechunk() if merged.n_chunks() > _MAX_CHUNKS else merged
                return merged
        fresh = added if known is None else compute(table)
        self._known[group] = _compacted(fresh)
        return fresh


#: Chunks a group's remembered rows may be in before they are put into one.
_MAX_CHUNKS = 16


def _compacted(frame: Any) -> Any:
    """A copy of ``frame`` in buffers of its own: a frame cut from a chunk (a group's first row, a
    key column) may share the chunk's buffers, and remembering it would keep every chunk alive."""
    pl = pl_module()
    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    buffer.seek(0)
    return pl.read_ipc(buffer)


def per_distinct(
    frame: Any,
    keys: Mapping[str, Any],
    compute: Callable[[Any], Any],
    carry: Mapping[str, Any] | None = None,
    memo: tuple[DistinctMemo, str] | None = None,
    keep: Collection[str] | None = None,
) -> Any:
    """``compute`` run once per distinct combination of ``keys`` (expressions over ``frame``), its
    new columns given back for every row of ``frame``, in order.

    ``compute`` receives one row per combination with the key columns and the ``carry`` columns
    (taken from one row of the combination: they may differ within it only in ways ``compute``
    does not read, e.g. a date in the same interval between the dates it compares against), and
    returns that frame with columns added. Most facts of an encounter depend on a few nested
    fields with few distinct values (a route, a list of nationalities): they are computed on
    hundreds of rows instead of millions and joined back exactly (on the values, not a hash).
    ``memo`` (a :class:`DistinctMemo` and this group's name) keeps them for the next chunk.
    ``keep``: the computed columns to give back (``None``: all); the others are not put on the rows.
    """
    pl = pl_module()
    carry = dict(carry or {})
    names = list(keys)
    # One pass over the rows: each distinct key with the rows that hold it (hashing nested values
    # costs most; a join back on them would hash them a second time).
    grouped = (
        frame.select(**keys, **carry)
        .with_row_index(_ROW)
        .group_by(names)
        .agg(pl.col(_ROW), *(pl.col(name).first() for name in carry))
    )
    table = grouped.drop(_ROW)

    def computed_columns(part: Any) -> Any:
        return compute(part).drop(list(carry))

    if memo is not None:
        store, group = memo
        computed = store.lookup(group, table, names, computed_columns)
    else:
        computed = computed_columns(table)
    # The computed values in the order of ``grouped`` (one row per combination)...
    values = table.select(names).join(computed, on=names, how="left", nulls_equal=True, maintain_order="left")
    if values.height != grouped.height:  # a key matched twice: never put a row's value on another
        values = table.select(names).join(
            computed_columns(table), on=names, how="left", nulls_equal=True, maintain_order="left"
        )
    # ... then each row's combination, put in place by index (no sort), and one gather of the values.
    pairs = grouped.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(_GROUP), pl.col(_ROW)).explode(_ROW)
    group_of_row = pl.zeros(frame.height, dtype=pl.UInt32, eager=True).scatter(pairs[_ROW], pairs[_GROUP])
    values = values.drop(names)
    if keep is not None:
        values = values.select([name for name in values.columns if name in keep])
    return values[group_of_row]


_ROW = "_per_distinct_row"
_GROUP = "_per_distinct_group"
