"""A file a batch command writes is put in place only once whole, and never over its input:
``screen --batch``, ``impact --out`` and ``synth encounters`` (batch.output_file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from spoiled_text import write_with_a_spoiled_page

from amparo.batch import files
from amparo.batch.change_file import RuleChange
from amparo.batch.impact import Impact, run_impact
from amparo.batch.overlay import overlay_registry
from amparo.batch.synth import write_documents
from amparo.cli import main
from amparo.engine.registry import PackRegistry
from amparo.errors import InputError
from amparo.rules.us import US_PACK

VACATED = {"changes": [{"block": {"instrument": "securing_border_2024"}, "from": "2024-07-01"}]}


@pytest.fixture(scope="module")
def encounters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("in") / "encounters.jsonl"
    write_documents(3_000, 11, path, US_PACK)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_a_run_stopped_half_way_leaves_the_earlier_file_as_it_was(
    encounters: Path, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / f"out{suffix}"
    out.write_text("an earlier run's file\n")
    written = []
    real = files._Writer.write

    def stops_on_the_second_chunk(self: Any, frame: Any) -> None:
        written.append(frame.height)
        if len(written) == 2:
            raise KeyboardInterrupt  # Ctrl-C, a full disk: anything that stops the run
        real(self, frame)

    monkeypatch.setattr(files._Writer, "write", stops_on_the_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        files.screen_file(encounters, out, US_PACK, chunk_rows=1_000, workers=1)
    assert written[0] == 1_000  # the first chunk was written, to the temporary file
    assert out.read_text() == "an earlier run's file\n"
    assert _leftovers(tmp_path) == []
    monkeypatch.undo()
    report = files.screen_file(encounters, out, US_PACK, chunk_rows=1_000, workers=1)
    assert report.rows == 3_000
    height = pl.read_parquet(out).height if suffix == ".parquet" else len(out.read_text().splitlines())
    assert height == 3_000
    assert _leftovers(tmp_path) == []


def test_impact_and_synth_write_only_whole_files(
    encounters: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = PackRegistry([US_PACK])
    changed = overlay_registry(registry, RuleChange.model_validate(VACATED))
    out = tmp_path / "changed.parquet"
    counts, _ = run_impact(
        encounters,
        Impact(registry, changed, before_on=None, after_on=None, workers=1),
        out=out,
        chunk_rows=1_000,
    )
    assert pl.read_parquet(out).height == counts.changed > 0
    assert _leftovers(tmp_path) == []

    def fails(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("amparo.batch.synth.json_lines_of", fails)
    again = tmp_path / "again.jsonl"
    with pytest.raises(InputError, match="again.jsonl: the disk is full"):
        write_documents(500, 3, again, US_PACK)
    assert not again.exists()
    assert _leftovers(tmp_path) == []


def test_a_full_disk_under_impact_is_an_error_naming_out_not_a_bug(
    encounters: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Polars' words for a full disk (``(os error 28)``) came out as "internal error ... This is a
    bug in amparo" from ``impact --out x.parquet``."""
    import pyarrow.parquet as pq

    def full(*args: Any, **kwargs: Any) -> Any:
        raise pl.exceptions.ComputeError(
            "parquet: File out of specification: underlying IO error: No space left on device (os error 28)"
        )

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    change = tmp_path / "change.json"
    change.write_text(json.dumps(VACATED))
    out = tmp_path / "changed.parquet"
    err = _refused(["impact", str(encounters), "--change", str(change), "--out", str(out)], capsys)
    assert f"--out: {out}: the disk is full; free some space and run the command again" in err
    assert "bug" not in err and not out.exists() and _leftovers(tmp_path) == []


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    return " ".join(capsys.readouterr().err.split())  # Rich wraps long lines


@pytest.mark.parametrize("command", ["screen", "impact"])
def test_out_naming_the_input_is_refused_before_it_is_read(
    encounters: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = encounters.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(encounters)
    dates = ["--before", "2024-01-01", "--after", "2024-12-01"]
    for out in (encounters, link, tmp_path / ".." / tmp_path.name / "link.jsonl"):
        if command == "screen":
            args = ["screen", "--batch", str(encounters), "--out", str(out)]
        else:
            args = ["impact", str(encounters), *dates, "--out", str(out)]
        assert "--out: " in (err := _refused(args, capsys)) and "is the file read as IN" in err
    assert encounters.read_bytes() == before


def test_impact_out_naming_the_change_file_is_refused(
    encounters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = tmp_path / "change.jsonl"  # an extension both read and written
    change.write_text(json.dumps(VACATED))
    with pytest.raises(InputError):
        files.screen_file(encounters, encounters, US_PACK)
    err = _refused(["impact", str(encounters), "--change", str(change), "--out", str(change)], capsys)
    assert "is the file read as --change" in err
    assert json.loads(change.read_text()) == VACATED


@pytest.mark.parametrize("chunk_rows", [1_000, None])
def test_a_parquet_page_spoiled_after_the_footer_is_named_and_nothing_is_written(
    tmp_path: Path, chunk_rows: int | None
) -> None:
    """The row group that cannot be read is named with its rows, whether it is read alone or in a
    chunk with others that read well (the whole file in one chunk was said unreadable "from its
    first row")."""
    from amparo.i18n import say

    source = tmp_path / "in.parquet"
    write_with_a_spoiled_page(source, US_PACK)
    out = tmp_path / "out.parquet"
    out.write_text("an earlier run's file\n")
    with pytest.raises(InputError) as error:
        files.screen_file(source, out, US_PACK, chunk_rows=chunk_rows, workers=1)
    problem = error.value.errors[0]
    assert problem.path == "IN"
    assert problem.message.startswith(
        f"{source} cannot be read in its row group 2 of 3, rows 1,001 to 2,000 ("
    )
    assert say(problem.message, "es").startswith(
        f"{source} no se puede leer en su grupo de filas 2 de 3, filas 1.001 a 2.000 ("
    )
    assert out.read_text() == "an earlier run's file\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("stop", "suffix", "code", "said"),
    [("SIGTERM", ".parquet", 143, "terminated"), ("SIGINT", ".jsonl", 130, "interrupted")],
)
def test_a_run_stopped_by_a_signal_leaves_no_half_written_file(
    tmp_path: Path, stop: str, suffix: str, code: int, said: str
) -> None:
    """``kill``, ``timeout`` or a scheduler ends a command with SIGTERM: it left the hidden
    ``.NAME.part`` file (6-18 MB, a new one each run) and, raised into the main thread inside a
    library's callback, sometimes an internal error or nothing at all (the file written whole).
    Ctrl-C (SIGINT) did the same while ``synth`` made a chunk: about one run in four finished the
    whole file (exit 0), one stopped with an internal error."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / f"big{suffix}"
    command = [sys.executable, "-m", "amparo", "synth", "encounters", "--n", "5000000", "--seed", "1"]
    for delay in (0.0, 0.3):  # as a chunk is written, and while the next is made
        process = subprocess.Popen([*command, "--out", str(out)], stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size > 0 for p in tmp_path.glob(".*.part")):  # a chunk written
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(delay)
        process.send_signal(getattr(signal, stop))
        _, err = process.communicate(timeout=60)
        assert process.returncode == code, err
        assert err.strip().splitlines()[-1] == said
        assert list(tmp_path.iterdir()) == []


def test_a_place_no_file_can_be_written_is_refused_naming_out(
    encounters: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The error named the hidden temporary file (``Failed to open local file
    '/sys/.x.parquet.6f0f88ea.part'``), not ``--out`` and the path given. ``/sys`` is a folder
    no one, root included, creates a file in (``/proc`` and ``/dev`` are refused by name:
    test_special_paths)."""
    for args in (
        ["synth", "encounters", "--n", "3", "--seed", "1", "--out", "/sys/amparo-x.parquet"],
        ["screen", "--batch", str(encounters), "--out", "/sys/amparo-x.jsonl"],
    ):
        err = _refused(args, capsys)
        assert f"--out: {args[-1]}: cannot write a file there (" in err
        assert ".part" not in err


@pytest.mark.parametrize(
    "failure",
    [
        OSError(28, "No space left on device"),
        pl.exceptions.ComputeError(
            "parquet: File out of specification: underlying IO error: No space left on device (os error 28)"
        ),
        OSError("Error writing bytes to file. Detail: [errno 28] No space left on device"),
    ],
)
def test_a_full_disk_is_said_naming_out_and_nothing_is_left(tmp_path: Path, failure: Exception) -> None:
    from amparo.batch.output_file import staged

    out = tmp_path / "o.parquet"
    out.write_text("kept")
    with pytest.raises(InputError) as refused, staged(out) as part:
        part.write_text("half")
        raise failure
    assert str(refused.value).endswith(
        "--out: " + str(out) + ": the disk is full; free some space and run the command again"
    )
    assert out.read_text() == "kept" and [p.name for p in tmp_path.iterdir()] == ["o.parquet"]


def test_another_failure_while_writing_is_not_called_a_full_disk(tmp_path: Path) -> None:
    from amparo.batch.output_file import staged

    with pytest.raises(ZeroDivisionError), staged(tmp_path / "o.jsonl"):
        raise ZeroDivisionError
    assert list(tmp_path.iterdir()) == []
