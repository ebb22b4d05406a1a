"""Facts computed once per distinct value: joined back exactly, remembered across chunks."""

from __future__ import annotations

from typing import Any

import polars as pl

from amparo.engine.per_distinct import DistinctMemo, per_distinct


def _doubling(seen: list[int]) -> Any:
    def compute(table: Any) -> Any:
        seen.append(table.height)
        return table.with_columns((pl.col("k").list.sum() * 2).alias("v"))

    return compute


def test_each_row_gets_the_value_of_its_own_key() -> None:
    frame = pl.DataFrame({"x": [[1, 2], [3], None, [1, 2], [], [3]]})
    seen: list[int] = []
    out = per_distinct(frame, {"k": pl.col("x")}, _doubling(seen))
    assert out["v"].to_list() == [6, 6, None, 6, 0, 6]  # a missing list and an empty one are two keys
    assert seen == [4]


def test_a_memo_computes_only_keys_not_seen_before() -> None:
    memo, seen = DistinctMemo(), []
    first = pl.DataFrame({"x": [[1], [2], [1]]})
    second = pl.DataFrame({"x": [[2], [5], [1], [5]]})
    per_distinct(first, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    out = per_distinct(second, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    assert out["v"].to_list() == [4, 10, 2, 10]
    assert seen == [2, 1]


def test_a_full_memo_starts_afresh() -> None:
    memo, seen = DistinctMemo(max_rows=2), []
    per_distinct(pl.DataFrame({"x": [[1], [2]]}), {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    out = per_distinct(pl.DataFrame({"x": [[3], [1]]}), {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    assert out["v"].to_list() == [6, 2]
    assert seen == [2, 1, 2]  # the new key, then the whole chunk again once the memo was full


def test_a_memo_holding_a_key_twice_never_shifts_rows() -> None:
    memo, seen = DistinctMemo(), []
    memo._known["g"] = pl.DataFrame({"k": [[1], [1]], "v": [2, 99]})  # a key remembered twice
    out = per_distinct(
        pl.DataFrame({"x": [[1], [2], [1]]}), {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g")
    )
    assert out["v"].to_list() == [2, 4, 2]
