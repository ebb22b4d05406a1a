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


def test_many_rows_in_any_order_each_get_the_value_of_their_own_key() -> None:
    import random

    rng = random.Random(3)
    keys = [
        None if rng.random() < 0.05 else [rng.randint(0, 9) for _ in range(rng.randint(0, 3))]
        for _ in range(5000)
    ]
    out = per_distinct(
        pl.DataFrame({"x": keys}, schema={"x": pl.List(pl.Int64)}), {"k": pl.col("x")}, _doubling([])
    )
    assert out["v"].to_list() == [None if k is None else 2 * sum(k) for k in keys]


def test_no_rows_give_no_rows() -> None:
    frame = pl.DataFrame({"x": []}, schema={"x": pl.List(pl.Int64)})
    out = per_distinct(frame, {"k": pl.col("x")}, _doubling([]))
    assert out.height == 0
    assert "v" in out.columns


def test_no_rows_give_no_rows_with_a_memo_empty_or_not() -> None:
    memo, seen = DistinctMemo(), []
    empty = pl.DataFrame({"x": []}, schema={"x": pl.List(pl.Int64)})
    out = per_distinct(empty, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    assert (out.height, out.columns) == (0, ["v"])
    per_distinct(pl.DataFrame({"x": [[1]]}), {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    out = per_distinct(empty, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    assert (out.height, out.columns) == (0, ["v"])


def test_a_cleared_memo_computes_every_key_again() -> None:
    memo, seen = DistinctMemo(), []
    frame = pl.DataFrame({"x": [[1], [2], [1]]})
    per_distinct(frame, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    memo.clear()
    out = per_distinct(frame, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
    assert out["v"].to_list() == [2, 4, 2]
    assert seen == [2, 2]


def test_a_memo_fed_new_keys_chunk_after_chunk_stays_right_and_in_few_pieces() -> None:
    from amparo.engine.per_distinct import _MAX_CHUNKS

    memo, seen = DistinctMemo(), []
    for chunk in range(3 * _MAX_CHUNKS):
        frame = pl.DataFrame({"x": [[chunk], [chunk + 1000], [0], [chunk]]})
        out = per_distinct(frame, {"k": pl.col("x")}, _doubling(seen), memo=(memo, "g"))
        assert out["v"].to_list() == [2 * chunk, 2 * (chunk + 1000), 0, 2 * chunk]
        assert memo._known["g"].n_chunks() <= _MAX_CHUNKS
    assert memo._known["g"].height == 1 + 2 * (3 * _MAX_CHUNKS) - 1  # [0] once; every other key once
    assert seen[1:] == [2] * (3 * _MAX_CHUNKS - 1)  # after the first chunk only its two new keys
