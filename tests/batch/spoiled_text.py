"""A Parquet file whose text is not UTF-8 in chosen fields of chosen rows, for the tests of the
batch readers (``screen --batch``, ``impact``, Spark)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

#: Where each spoiled row's text goes wrong: row -> (its field, a marker put there, its bad bytes).
SPOILED = {
    3: ("/id", b"QZ01", b"Q\xc3(Q"),
    5: ("/person/given_names", b"QZ02", b"\xff\xfeQQ"),
    9: ("/route/1/country", b"QZ03", b"Q\xe2\x82Q"),
    140: ("/fear_claims/1/basis/0", b"QZ04", b"QQQ\xed"),
    141: ("/schema", b"QZ05", b"\x80QQQ"),
}


def _spoil(row: dict[str, Any], field: str, marker: str) -> None:
    """Put ``marker`` in front of the text at ``field`` (a JSON path) of ``row``."""
    *parents, last = field.strip("/").split("/")
    node: Any = row
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    node[key] = marker + (node[key] or "")


def spoilable(synthetic: Any) -> Any:
    """300 encounters whose spoiled rows hold what their fields need (two countries of route, two
    fear claims)."""
    rows = synthetic.head(300).to_dicts()
    others = synthetic.to_dicts()[300:]
    rows[9] = next(r for r in others if len(r["route"] or []) >= 2)
    rows[140] = next(r for r in others if len(r["fear_claims"] or []) >= 2)
    return pl.DataFrame(rows, schema=synthetic.schema)


def write_spoiled(frame: Any, path: Path, row_group_size: int | None = None) -> Path:
    """``frame`` as Parquet with the bytes of :data:`SPOILED` in place of their markers (written
    plain and uncompressed, then the file's bytes changed: Parquet's writers check the text)."""
    rows = frame.to_dicts()
    for row, (field, marker, _) in SPOILED.items():
        _spoil(rows[row], field, marker.decode())
    pq.write_table(
        pl.DataFrame(rows, schema=frame.schema).to_arrow(),
        path,
        compression="none",
        use_dictionary=False,
        write_statistics=False,
        row_group_size=row_group_size,
    )
    data = path.read_bytes()
    for _, marker, bad in SPOILED.values():
        assert data.count(marker) == 1
        data = data.replace(marker, bad)
    path.write_bytes(data)
    return path


def expected_errors() -> dict[int, dict[str, Any]]:
    return {
        row: {
            "path": field,
            "message": f"not UTF-8 text (byte 0x{bad[_bad_at(bad)]:02x} at byte {_bad_at(bad) + 1})",
        }
        for row, (field, _, bad) in SPOILED.items()
    }


def _bad_at(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return bad.start
    raise AssertionError(data)


def write_with_a_spoiled_page(path: Path, pack: Any) -> None:
    """3,000 synthetic encounters in three row groups, the second's first pages zeroed and the
    footer kept: the file opens, and a reader fails only when it reaches that row group."""
    from amparo.batch.synth import write_documents

    written = path.with_name(f"whole-{path.name}")
    write_documents(3_000, 11, written, pack)
    pq.write_table(pq.read_table(written), path, row_group_size=1_000)
    column = pq.ParquetFile(path).metadata.row_group(1).column(0)
    start = min(column.data_page_offset, column.dictionary_page_offset or column.data_page_offset)
    data = bytearray(path.read_bytes())
    data[start : start + 4_000] = bytes(4_000)
    path.write_bytes(bytes(data))
