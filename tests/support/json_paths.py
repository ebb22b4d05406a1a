"""Every place in a JSON value, as a path of keys and indexes (the mutation tests walk them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """``value``'s own path first, then every nested one, depth first in document order."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))
