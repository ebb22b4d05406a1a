"""Text in Arrow columns that is not UTF-8, found row by row, with the path of its field.

Parquet requires its text to be UTF-8 and its writers check it, but a file can be written
without the check. pyarrow and Polars read such bytes into their text columns as they are: a row
screened from them gives garbled facts, and turning them into Python (the one-by-one reading, a
JSON Lines output) stops with a panic. Each chunk read from Parquet is checked here before it is
screened; a row holding such text gets an error row of its own (``/person/given_names: not UTF-8
text (byte 0xff at byte 1)``), as a JSON line that is not UTF-8 does, and the rest are screened.

The check walks each column down to its text arrays (through structs, lists and dictionaries).
A text array whose bytes are all ASCII is UTF-8 as it stands (one pass of numpy over its data,
~1 ms per million values); any other is validated by Arrow. Only a column that fails is read
element by element, to find its rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from amparo.errors import EncounterInvalid, FieldError

#: A part of a field's path: a name, or each element's position in its list.
_Part = str | Any


@dataclass(frozen=True)
class _Text:
    """A text array met in the walk: ``rows``, each element's row in the table (None: the
    element is the row); ``path``, the parts of its field's path; ``order``, the same parts as
    positions (a field's among its struct's), to list a row's faults in the document's order."""

    array: Any
    rows: Any
    path: tuple[_Part, ...]
    order: tuple[int | Any, ...]


def utf8_faults(table: Any) -> dict[int, list[FieldError]]:
    """The rows of an Arrow table whose text is not UTF-8, each with every field holding such text
    (its JSON path, as the document's: ``/route/0/country``) and where its bytes go wrong."""
    found: dict[int, list[tuple[tuple[int, ...], FieldError]]] = {}
    for place, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        start = 0
        for chunk in column.chunks:
            texts = _texts(chunk, None, (name,), (place,), locate=False)
            if not all(_is_utf8(text.array) for text in texts):
                for text in _texts(chunk, None, (name,), (place,), locate=True):
                    for element, message in _bad_elements(text.array):
                        row = start + (element if text.rows is None else int(text.rows[element]))
                        error = FieldError(_path(text.path, element), message)
                        found.setdefault(row, []).append((_at(text.order, element), error))
            start += len(chunk)
    return {row: [error for _, error in sorted(errors, key=lambda e: e[0])] for row, errors in found.items()}


def refused_rows(table: Any) -> dict[int, EncounterInvalid]:
    """Each row of ``table`` holding text that is not UTF-8 (in order), refused with every such
    field; its ``encounter_id`` is its ``id`` where that is text that can be read."""
    faults = utf8_faults(table)
    return {
        row: EncounterInvalid(faults[row], encounter_id=_readable_id(table, row)) for row in sorted(faults)
    }


def other_rows(table: Any, rows: Any) -> Any:
    """``table`` without ``rows`` (positions); ``table`` itself when there are none."""
    import pyarrow as pa  # type: ignore[import-untyped]

    dropped = set(rows)
    if not dropped:
        return table
    return table.filter(pa.array([row not in dropped for row in range(table.num_rows)], pa.bool_()))


def _readable_id(table: Any, row: int) -> str | None:
    if "id" not in table.column_names:
        return None
    try:
        value = table.column("id")[row].as_py()
    except UnicodeDecodeError:
        return None
    return value if isinstance(value, str) else None


def _texts(
    array: Any, rows: Any, path: tuple[_Part, ...], order: tuple[int | Any, ...], *, locate: bool
) -> Iterator[_Text]:
    """The text arrays within ``array``; with ``locate``, each element's row and list positions."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    kind = array.type
    if _is_text_type(kind):
        yield _Text(array, rows, path, order)
    elif pa.types.is_struct(kind):
        for place, (field, child) in enumerate(zip(kind, array.flatten(), strict=True)):
            yield from _texts(child, rows, (*path, field.name), (*order, place), locate=locate)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        values = pc.list_flatten(array)
        if not locate:
            yield from _texts(values, None, path, order, locate=False)
            return
        import numpy as np

        parents = pc.list_parent_indices(array).to_numpy()
        positions = np.arange(len(parents))
        starts = np.r_[True, parents[1:] != parents[:-1]] if len(parents) else np.zeros(0, bool)
        within = positions - np.maximum.accumulate(np.where(starts, positions, 0))
        # What is known of each list becomes known of each of its values.
        outer = tuple(part if isinstance(part, str) else part[parents] for part in path)
        places = tuple(part if isinstance(part, int) else part[parents] for part in order)
        rows = parents if rows is None else rows[parents]
        yield from _texts(values, rows, (*outer, within), (*places, within), locate=True)
    elif pa.types.is_dictionary(kind) and _is_text_type(kind.value_type):
        if not locate:
            yield _Text(array.dictionary, None, path, order)
            return
        # Each element is its dictionary entry: the entry's faults are the element's.
        yield _Text(array.dictionary_decode(), rows, path, order)


def _is_text_type(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind))


def _is_utf8(array: Any) -> bool:
    """Whether every element's bytes are UTF-8: at once when the data is ASCII, else by Arrow."""
    import numpy as np
    import pyarrow as pa

    if len(array) == 0:
        return True
    if not pa.types.is_string_view(array.type):
        data = array.buffers()[2]
        if data is None or data.size == 0 or int(np.frombuffer(data, dtype=np.uint8).max()) < 0x80:
            return True
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _bad_elements(array: Any) -> Iterator[tuple[int, str]]:
    """Each element of a text array whose bytes are not UTF-8, and where they go wrong."""
    import pyarrow as pa

    if _is_utf8(array):
        return
    kind = array.type
    as_bytes = (
        pa.large_binary()
        if pa.types.is_large_string(kind)
        else pa.binary_view()
        if pa.types.is_string_view(kind)
        else pa.binary()
    )
    for element, value in enumerate(array.view(as_bytes).to_pylist()):
        if value is None:
            continue
        try:
            value.decode("utf-8")
        except UnicodeDecodeError as bad:
            yield element, f"not UTF-8 text (byte 0x{value[bad.start]:02x} at byte {bad.start + 1})"


def _at(order: tuple[int | Any, ...], element: int) -> tuple[int, ...]:
    return tuple(part if isinstance(part, int) else int(part[element]) for part in order)


def _path(parts: tuple[_Part, ...], element: int) -> str:
    return "/" + "/".join(
        part.replace("~", "~0").replace("/", "~1") if isinstance(part, str) else str(int(part[element]))
        for part in parts
    )
