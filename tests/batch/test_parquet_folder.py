"""A folder of Parquet parts as IN, as Spark, Hive or a data lake writes one: ``amparo screen
--batch`` and ``amparo impact`` read its parts in the order of their paths as one input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest

from amparo.batch.files import screen_file
from amparo.batch.impact import Impact, run_impact
from amparo.batch.parquet_input import parquet_parts
from amparo.errors import InputError
from amparo.rules.us import US_PACK


@pytest.fixture
def single_and_parts(synthetic: Any, tmp_path: Path) -> tuple[Path, Path]:
    """The synthetic encounters as one file, and as a folder of parts with what Spark writes
    beside them (``_SUCCESS``, checksums) and a Hive-like sub-folder, its part named as Hive names
    one (no extension)."""
    table = synthetic.head(1200).to_arrow()
    single = tmp_path / "all.parquet"
    pq.write_table(table, single)
    folder = tmp_path / "parts.parquet"
    (folder / "year=2025").mkdir(parents=True)
    pq.write_table(table.slice(0, 500), folder / "part-00000-x.snappy.parquet", row_group_size=128)
    pq.write_table(table.slice(500, 0), folder / "part-00001-x.snappy.parquet")  # an empty part
    pq.write_table(table.slice(500, 400), folder / "part-00002-x.snappy.parquet")
    pq.write_table(table.slice(900, 300), folder / "year=2025" / "000000_0")  # as Hive names a part
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / "_metadata").write_bytes(b"a summary file, not a part")
    (folder / "part-00009-x.snappy.parquet._COPYING_").write_bytes(b"a copy being written")
    (folder / ".part-00000-x.snappy.parquet.crc").write_bytes(b"not parquet")
    (folder / "_temporary").mkdir()
    (folder / "_temporary" / "part-9.parquet").write_bytes(b"not parquet")
    return single, folder


def test_a_folder_gives_the_rows_of_one_file_in_the_parts_order(
    single_and_parts: tuple[Path, Path], tmp_path: Path
) -> None:
    single, folder = single_and_parts
    assert [p.relative_to(folder).as_posix() for p in parquet_parts(folder)] == [
        "part-00000-x.snappy.parquet",
        "part-00001-x.snappy.parquet",
        "part-00002-x.snappy.parquet",
        "year=2025/000000_0",
    ]
    for out_name in ("one.parquet", "two.parquet"):
        source = single if out_name == "one.parquet" else folder
        report = screen_file(source, tmp_path / out_name, US_PACK, progress=False, chunk_rows=100)
        assert report.rows == 1200
    assert pl.read_parquet(tmp_path / "two.parquet").equals(pl.read_parquet(tmp_path / "one.parquet"))

    counts = []
    for source in (single, folder):
        impact = Impact(US_PACK, US_PACK, before_on=dt.date(2019, 1, 1), after_on=dt.date(2024, 7, 1))
        counts.append(run_impact(source, impact, chunk_rows=100)[0].as_dict("a", "b", 0.0))
    assert counts[0] == counts[1] and counts[0]["changed"] > 0


def test_what_a_folder_cannot_be_is_refused_naming_the_option(
    single_and_parts: tuple[Path, Path], tmp_path: Path
) -> None:
    _, folder = single_and_parts
    with pytest.raises(InputError, match="--out: .* is inside the folder read as IN"):
        screen_file(folder, folder / "out.parquet", US_PACK, progress=False)
    assert not list(folder.glob("*out*"))

    empty = tmp_path / "empty"
    (empty / "_temporary").mkdir(parents=True)
    with pytest.raises(
        InputError, match=r"IN: the folder .*empty holds no part \(a file whose name starts with no _ or \.\)"
    ):
        screen_file(empty, tmp_path / "o.parquet", US_PACK, progress=False)

    (folder / "part-00003-x.snappy.parquet").write_bytes(b"junk")
    out = tmp_path / "never.parquet"
    with pytest.raises(InputError, match="IN: .*part-00003-x.snappy.parquet is not a readable Parquet file"):
        screen_file(folder, out, US_PACK, progress=False)
    assert not out.exists() and not list(tmp_path.glob(".*.part"))

    with pytest.raises(InputError, match="--out: .* is a folder; give a file name"):
        screen_file(tmp_path / "all.parquet", folder, US_PACK, progress=False)


def test_the_parts_are_those_spark_reads(tmp_path: Path) -> None:
    """Spark's filter (HadoopFSUtils.shouldFilterOutPathName): a private name is one starting with
    ``_`` unless it holds ``=`` (a partition folder ``_x=1``); a copy being written (``._COPYING_``)
    and Parquet's summary files are not parts. The Spark job read a ``_x=1/`` folder that ``screen
    --batch`` left out, and the reverse for ``._COPYING_``: both gave as many rows, each shifted."""
    for name in ("part-0.parquet", "_x=1/part-0.parquet", "part-1.parquet._COPYING_", "_common_metadata"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    assert [p.relative_to(tmp_path).as_posix() for p in parquet_parts(tmp_path)] == [
        "_x=1/part-0.parquet",
        "part-0.parquet",
    ]


def test_a_part_that_links_to_nothing_is_refused(tmp_path: Path) -> None:
    """A part gone missing (a link to a file that was removed) left its rows out without a word."""
    (tmp_path / "part-0.parquet").write_bytes(b"")
    (tmp_path / "part-1.parquet").symlink_to(tmp_path / "gone.parquet")
    (tmp_path / ".hidden").symlink_to(tmp_path / "gone")  # not a part: as Spark leaves it out
    with pytest.raises(InputError) as refused:
        parquet_parts(tmp_path)
    assert refused.value.errors[0].path == "IN"
    assert (
        refused.value.errors[0].message
        == f"{tmp_path / 'part-1.parquet'} is a link to nothing (a part of {tmp_path})"
    )
