"""Reading the next chunk while the current one is screened keeps order, errors and flat memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from amparo.batch.files import read_ahead


def test_chunks_come_in_order() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))


def test_an_error_reading_is_raised_after_the_chunks_before_it() -> None:
    def chunks() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("truncated file")

    seen = []
    with pytest.raises(OSError, match="truncated"):
        for chunk in read_ahead(chunks()):
            seen.append(chunk)
    assert seen == [1, 2]


def test_at_most_one_chunk_is_read_ahead_and_stopping_early_ends_the_reader() -> None:
    produced: list[int] = []
    started = threading.active_count()

    def chunks() -> Iterator[int]:
        for k in range(1_000):
            produced.append(k)
            yield k

    reader = read_ahead(chunks())
    assert next(reader) == 0
    reader.close()  # the caller stops (an error screening a chunk)
    assert len(produced) <= 3  # the one handed over, one waiting, one being read
    assert threading.active_count() == started
