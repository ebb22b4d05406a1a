"""Chunks and pieces screened at once in threads give exactly what one at a time gives, in order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import amparo.batch.runner as runner
from amparo.batch.files import parquet_chunks, screen_file
from amparo.batch.runner import BatchScreener
from amparo.batch.synth import write_documents
from amparo.errors import InputError
from amparo.rules.us import US_PACK


def _count_pieces(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The heights of the pieces ``screen_frame`` screens from now on, in order."""
    pieces: list[int] = []
    screen_piece = BatchScreener._screen_piece

    def counted(self: BatchScreener, part: Any, originals: Any = None) -> Any:
        pieces.append(part.height)
        return screen_piece(self, part, originals)

    monkeypatch.setattr(BatchScreener, "_screen_piece", counted)
    return pieces


def test_a_large_frame_is_screened_in_pieces_at_once_with_the_same_rows(
    synthetic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = synthetic.head(1500)
    alone = BatchScreener(US_PACK, workers=1, verify_sample=0).screen_frame(frame)
    monkeypatch.setattr(runner, "PIECE_ROWS", 200)
    pieces = _count_pieces(monkeypatch)
    together = BatchScreener(US_PACK, workers=2, verify_sample=4).screen_frame(frame)
    assert sum(pieces) == frame.height and len(pieces) == 4  # pieces of 375 rows: two per worker
    assert together.equals(alone)
    assert together["encounter_id"].to_list() == frame["id"].to_list()


def test_pieces_of_a_large_frame_are_at_most_the_piece_limit(
    synthetic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frame far larger than the workers' share is cut into pieces no larger than the limit
    (columns that stay in the caches), not into one piece per worker."""
    frame = synthetic.head(1500)
    alone = BatchScreener(US_PACK, workers=1, verify_sample=0).screen_frame(frame)
    monkeypatch.setattr(runner, "PIECE_ROWS", 100)
    monkeypatch.setattr(runner, "PIECE_MAX_ROWS", 160)
    pieces = _count_pieces(monkeypatch)
    together = BatchScreener(US_PACK, workers=2, verify_sample=0).screen_frame(frame)
    assert pieces == [160] * 9 + [60]
    assert together.equals(alone)


@pytest.mark.parametrize("suffix", ["parquet", "jsonl"])
def test_a_file_screened_with_two_workers_equals_one_worker(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"in.{suffix}"
    write_documents(900, 7, source, US_PACK)
    ids = [json.loads(line)["id"] for line in source.read_text().splitlines()] if suffix == "jsonl" else None
    frame = pl.read_parquet(source) if suffix == "parquet" else pl.DataFrame({"id": ids})
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"out-{workers}.parquet"
        report = screen_file(source, out, US_PACK, chunk_rows=200, workers=workers, progress=False)
        assert report.rows == frame.height and report.invalid == 0
        outputs.append(pl.read_parquet(out))
    assert outputs[0].equals(outputs[1])
    assert outputs[1]["encounter_id"].to_list() == frame["id"].to_list()


def test_no_workers_is_an_input_error() -> None:
    with pytest.raises(InputError, match="workers"):
        BatchScreener(US_PACK, workers=0)


@pytest.mark.parametrize(
    ("group_rows", "heights"),
    [
        (30, [60, 60, 60, 60, 60]),  # small row groups: read whole, two to a chunk of at least 50
        (50, [50, 50, 50, 50, 50, 50]),  # one row group to a chunk
        (300, [50, 50, 50, 50, 50, 50]),  # a row group over twice the chunk: read in slices
    ],
)
def test_parquet_chunks_follow_row_groups_only_when_none_is_large(
    synthetic: Any, tmp_path: Path, group_rows: int, heights: list[int]
) -> None:
    frame = synthetic.head(300)
    source = tmp_path / "in.parquet"
    frame.write_parquet(source, row_group_size=group_rows)
    chunks = list(parquet_chunks(source, 50))
    assert [c.height for c in chunks] == heights
    assert pl.concat([c.frame for c in chunks]).equals(frame)


def test_parquet_chunks_keep_a_short_last_group(synthetic: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    synthetic.head(100).write_parquet(source, row_group_size=30)
    assert [c.height for c in parquet_chunks(source, 50)] == [60, 40]
