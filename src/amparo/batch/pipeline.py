"""Keeping both cores busy on a batch: the next chunk read in a thread while others are screened
(:func:`read_ahead`), and several chunks screened at once, their results given back in input order
(:func:`in_order`).

Polars runs each query on all cores, but a chunk's screening has long stretches that use one: the
Python that builds the queries, the grouping of nested values, the decoding of flag words. A second
chunk screened beside it fills them (measured: docs/BATCH-HISTORY.md, "Fourth round"). Both helpers bound
what they hold, so memory stays flat whatever the size of the input. :func:`keep_freed_memory`
spares the system the same buffers given back and zeroed again for every chunk.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WORKERS = 3  # measured on 2 cores: docs/BATCH-HISTORY.md, "Sixth round"
_END = object()


def keep_freed_memory() -> None:
    """Have the allocators keep the memory they free for a while instead of giving it back to the
    system within milliseconds: a batch reads, screens and writes buffers of about the same sizes
    for every chunk, and memory given back is faulted in and zeroed again for the next one.

    - Arrow's allocator (mimalloc, in pyarrow's wheels) keeps it for good
      (``MIMALLOC_PURGE_DELAY=-1``; measured: about 1 s of system time less over ten million rows,
      Parquet to Parquet 3-8 % faster, the peak about 70 MiB higher);
    - Polars' (jemalloc, which gives back what was freed half a second earlier) keeps it ten
      seconds (``_RJEM_MALLOC_CONF``; measured: page faults over ten million rows halved, system
      time 1.4-2.5 -> 0.8-1.1 s, Parquet to Parquet 10.05-10.69 -> 9.52-9.73 s, the peak 0-60 MiB
      higher; docs/BATCH-HISTORY.md, "Tenth round").

    Each is read when its library is first imported, so this is called at the command line's edge
    before any batch work; a value already in the environment is kept."""
    if "pyarrow" not in sys.modules:
        os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", POLARS_ALLOCATOR_SETTINGS)


#: jemalloc's settings for Polars in a batch: freed pages kept ten seconds before they are given back.
POLARS_ALLOCATOR_SETTINGS = "dirty_decay_ms:10000,muzzy_decay_ms:10000"


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def read_ahead(chunks: Iterator[T]) -> Generator[T, None, None]:
    """``chunks`` read one ahead in a thread while the caller screens the current one (reading
    Parquet and decoding it release the interpreter lock); an error reading is raised here, in
    order. At most two chunks are held at once, so memory stays flat."""
    slot: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                slot.put(chunk)
            slot.put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            slot.put(_Failed(exc))

    thread = threading.Thread(target=produce, name="amparo-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = slot.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let the producer finish its put and see the stop
            try:
                slot.get(timeout=0.05)
            except queue.Empty:
                pass


def in_order(work: Callable[[T], R], items: Iterable[T], workers: int = DEFAULT_WORKERS) -> Iterator[R]:
    """``work(item)`` for every item, up to ``workers`` at once in threads, the results given back
    in the order of ``items``. An item is taken only when fewer than ``workers`` are in hand, so at
    most ``workers`` items and results are held; an error in ``work`` is raised here, at its
    item's place, and the items after it are not started. One worker: plain, in this thread."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if workers == 1:
        for item in items:
            yield work(item)
        return
    pending: deque[Future[R]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="amparo-screen")
    try:
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
