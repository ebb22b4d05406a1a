"""Ids given more than once in a batch's input. Each row is screened whatever its id (one row out
per row in), but an id on two rows usually means the same encounter exported twice, and an
impact count or a re-screening report would count it twice: the command line says so.

Counted as the chunks go by with 8 bytes a row (a 64-bit hash of each id, the rows with no id
left out), for the first :data:`CHECKED_ROWS` rows, so memory stays bounded whatever the input's
size; the ids themselves are looked for in OUT (Parquet or plain JSON Lines) only when some hash
repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Rows whose ids are checked for repeats: 400 MB of hashes at most (ten million rows take 80 MB).
CHECKED_ROWS = 50_000_000
#: Repeated ids named in a warning.
EXAMPLES = 3


@dataclass(frozen=True)
class Repeats:
    """What :class:`RepeatedIds` found: rows whose id an earlier row has, a few such ids, and the
    rows past :data:`CHECKED_ROWS` whose ids were not checked."""

    rows: int = 0
    examples: tuple[str, ...] = ()
    unchecked: int = 0
    hashes: Any = field(default=None, repr=False, compare=False)


class RepeatedIds:
    """The ids of a batch's rows, chunk by chunk (:meth:`add`), then the repeats (:meth:`found`)."""

    def __init__(self, limit: int = CHECKED_ROWS) -> None:
        self.limit = limit
        self.checked = self.unchecked = 0
        self._hashes: list[Any] = []

    def add(self, ids: Any) -> None:
        """The ids (a Polars text Series) of the next rows, in order; a null id (an error row
        without one) is not counted."""
        present = ids.drop_nulls()
        room = max(self.limit - self.checked, 0)
        kept = present.head(room)
        self.unchecked += present.len() - kept.len()
        if kept.len():
            self._hashes.append(kept.hash(seed=0).to_numpy())
            self.checked += kept.len()

    def found(self) -> Repeats:
        """How many rows repeat an earlier row's id (by the ids' hashes: two different ids share
        one with a chance of about 1 in 10**11 among ten million), and the repeated hashes."""
        import numpy as np
        import polars as pl

        if not self._hashes:
            return Repeats(unchecked=self.unchecked)
        hashes = pl.Series(np.concatenate(self._hashes))
        repeated = hashes.len() - hashes.n_unique()  # 0.2 s for ten million
        if not repeated:
            return Repeats(unchecked=self.unchecked)
        return Repeats(
            repeated, (), self.unchecked, hashes.filter(hashes.is_duplicated()).unique().to_numpy()
        )


def with_examples(repeats: Repeats, out: Path, kind: str, id_column: str = "encounter_id") -> Repeats:
    """``repeats`` with the first few repeated ids, read back from OUT (``kind``: ``parquet``, or
    ``jsonl`` for uncompressed JSON Lines); only the rows whose id hashes as a repeated one are
    kept in memory. Without them (OUT unreadable so), as it was."""
    if not repeats.rows or repeats.hashes is None:
        return repeats
    import polars as pl

    ids = pl.col(id_column)
    rows = (
        pl.scan_parquet(out) if kind == "parquet" else pl.scan_ndjson(out, schema={id_column: pl.String})
    ).select(ids)
    try:
        repeated = (
            rows.filter(
                ids.is_not_null() & ids.hash(seed=0).is_in(pl.Series(repeats.hashes, dtype=pl.UInt64))
            )
            .group_by(ids, maintain_order=True)
            .len()
            .filter(pl.col("len") > 1)
            .head(EXAMPLES)
            .collect()
        )
    except (pl.exceptions.PolarsError, OSError):  # the warning still counts them
        return repeats
    return Repeats(repeats.rows, tuple(repeated[id_column].to_list()), repeats.unchecked, repeats.hashes)
