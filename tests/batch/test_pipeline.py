"""Reading the next chunk while others are screened, and several chunks screened at once: order,
errors and flat memory kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from amparo.batch.pipeline import in_order, read_ahead


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


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_results_come_in_input_order_whatever_finishes_first(workers: int) -> None:
    import time

    def slow_for_evens(k: int) -> int:
        time.sleep(0.002 if k % 2 == 0 else 0)
        return k * k

    assert list(in_order(slow_for_evens, range(40), workers)) == [k * k for k in range(40)]


def test_chunks_are_screened_at_once_in_threads() -> None:
    inside = threading.Barrier(2, timeout=5)

    def meets_the_other(k: int) -> int:
        inside.wait()  # both chunks in hand at the same time, or this times out
        return k

    assert list(in_order(meets_the_other, range(2), 2)) == [0, 1]


def test_at_most_workers_items_are_taken_and_an_error_stops_the_rest() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for k in range(100):
            taken.append(k)
            yield k

    def fails_at_five(k: int) -> int:
        if k == 5:
            raise ValueError("row 5 is bad")
        return k

    seen = []
    with pytest.raises(ValueError, match="row 5"):
        for value in in_order(fails_at_five, items(), 2):
            seen.append(value)
    assert seen == [0, 1, 2, 3, 4]
    assert len(taken) <= 7  # the one that failed, one beside it, and no more


def test_no_workers_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(in_order(abs, [1], 0))


def _without_allocator_settings() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in {"MIMALLOC_PURGE_DELAY", "_RJEM_MALLOC_CONF"}}


def _allocator_settings(code: str, **env: str) -> tuple[list[str], list[str]]:
    """The two allocators' variables before and after ``keep_freed_memory``, in a fresh process
    that first runs ``code``."""
    import subprocess
    import sys

    clean = _without_allocator_settings()
    show = "print(os.environ.get('MIMALLOC_PURGE_DELAY'), os.environ.get('_RJEM_MALLOC_CONF'))"
    script = (
        f"import os\n{code}\n{show}\nfrom amparo.batch.pipeline import keep_freed_memory\n"
        f"keep_freed_memory()\n{show}"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=clean | env, capture_output=True, text=True, check=True
    )
    before, after = done.stdout.splitlines()
    return before.split(), after.split()


def test_freed_memory_is_kept_by_both_allocators_unless_told_otherwise() -> None:
    from amparo.batch.pipeline import POLARS_ALLOCATOR_SETTINGS

    assert _allocator_settings("")[1] == ["-1", POLARS_ALLOCATOR_SETTINGS]
    # A value the user set is kept.
    assert _allocator_settings("", _RJEM_MALLOC_CONF="dirty_decay_ms:0")[1] == ["-1", "dirty_decay_ms:0"]
    # Once a library is loaded its allocator has read its settings: nothing is changed.
    before, after = _allocator_settings("import polars, pyarrow")
    assert after == before


def test_polars_reads_the_setting_when_it_loads() -> None:
    """Polars puts its own jemalloc settings first and a value already in the environment after
    them, which jemalloc reads last: the batch's setting is the one in force."""
    import subprocess
    import sys

    from amparo.batch.pipeline import POLARS_ALLOCATOR_SETTINGS

    script = (
        "from amparo.batch.pipeline import keep_freed_memory\nkeep_freed_memory()\nimport polars, os\n"
        "print(os.environ['_RJEM_MALLOC_CONF'])"
    )
    clean = _without_allocator_settings()
    done = subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().endswith("," + POLARS_ALLOCATOR_SETTINGS)
