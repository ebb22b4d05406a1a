"""Paths that are not plain files, given to the batch commands: standard input, devices, pipes,
links and system folders as ``--out``; a pipe, ``/dev/null`` and a misnamed Parquet file as IN;
the bytes of a compressed output (batch.files, batch.output_file, batch.compression; Ctrl-C while
a file is written: test_output_file)."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

from amparo.batch.synth import write_documents
from amparo.cli import main
from amparo.rules.us import US_PACK


@pytest.fixture(scope="module")
def encounters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("in") / "encounters.jsonl"
    write_documents(200, 3, path, US_PACK)
    return path


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    return " ".join(capsys.readouterr().err.split())  # Rich wraps long lines


def _commands(source: Path, out: str) -> list[list[str]]:
    return [
        ["screen", "--batch", str(source), "--out", out],
        ["impact", str(source), "--before", "2020-01-01", "--after", "2024-12-01", "--out", out],
        ["synth", "encounters", "--n", "3", "--seed", "1", "--out", out],
    ]


def test_standard_input_a_device_or_a_pipe_as_out_is_refused_and_left_as_it_was(
    encounters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out /dev/stdin`` wrote a regular file beside it and renamed it over the system's
    ``/dev/stdin`` link, breaking standard input for every later process."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    before = os.readlink("/dev/stdin")
    for out, said in (
        ("/dev/stdin", "is standard input"),
        ("/dev/fd/0.jsonl", "is a system file under /proc"),  # /dev/fd is a link to /proc/self/fd
        ("/dev/null.jsonl", "is a system file under /dev"),
        ("/proc/self/fd/0.jsonl", "is a system file under /proc"),
        (str(fifo), "is not a regular file (a device, a pipe or a socket)"),
    ):
        for args in _commands(encounters, out):
            err = _refused(args, capsys)
            assert f"--out: {out} {said}" in err, err
    assert os.readlink("/dev/stdin") == before
    assert fifo.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.jsonl"]


def test_impact_out_naming_standard_output_is_refused_whatever_its_name(
    encounters: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out -`` was refused (the counts go to standard output), ``--out /dev/stdout`` not: the
    rows came out ahead of the JSON counts."""
    for out in ("-", "/dev/stdout"):
        err = _refused(
            ["impact", str(encounters), "--before", "2020-01-01", "--after", "2024-12-01", "--out", out],
            capsys,
        )
        assert "--out: the counts are printed on standard output" in err


def test_out_through_a_link_writes_the_linked_file(encounters: Path, tmp_path: Path) -> None:
    """The link was replaced by a regular file; it is kept and its file written, as cp writes."""
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text("")
    link.symlink_to(real)
    with pytest.raises(SystemExit) as done:
        main(["screen", "--batch", str(encounters), "--out", str(link)])
    assert done.value.code in (0, None)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert len(real.read_text().splitlines()) == 200


def test_dev_null_is_an_empty_batch_and_a_pipe_as_in_is_named(
    encounters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``/dev/null`` and a pipe (``<(zcat a.gz)``, a FIFO) were both 'no such file'."""
    out = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as done:
        main(["screen", "--batch", "/dev/null", "--out", str(out)])
    assert done.value.code in (0, None)
    assert out.read_text() == "" and "0 documents screened" in capsys.readouterr().err
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for args in (
        ["screen", "--batch", str(fifo), "--out", str(out)],
        ["impact", str(fifo), "--before", "2020-01-01", "--after", "2024-12-01"],
    ):
        err = _refused(args, capsys)
        assert f"IN: {fifo} is not a regular file (a pipe or a device); send it to standard input" in err


def test_a_parquet_file_named_jsonl_is_named_as_parquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was read as text: one 'not UTF-8' error row per line of its bytes, with no id."""
    misnamed = tmp_path / "encounters.jsonl"
    write_documents(20, 1, tmp_path / "encounters.parquet", US_PACK)
    (tmp_path / "encounters.parquet").rename(misnamed)
    for args in (
        ["screen", "--batch", str(misnamed), "--out", str(tmp_path / "out.jsonl")],
        ["impact", str(misnamed), "--before", "2020-01-01", "--after", "2024-12-01"],
    ):
        err = _refused(args, capsys)
        assert "IN: encounters.jsonl is a Parquet file (it begins with PAR1); name it .parquet" in err
    assert not (tmp_path / "out.jsonl").exists()


def test_a_gzip_output_is_the_same_bytes_each_run_and_names_no_file(tmp_path: Path) -> None:
    """The gzip header held the time and the hidden temporary name (``gunzip -N`` restored
    ``.out.jsonl.gz.a7286bfe.part``), so a seed did not give identical files."""
    outs = [tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"]
    for out in outs:
        with pytest.raises(SystemExit) as done:
            main(["synth", "encounters", "--n", "50", "--seed", "7", "--out", str(out)])
        assert done.value.code in (0, None)
        time.sleep(1.1)  # a header with the time would differ
    first, second = (out.read_bytes() for out in outs)
    assert first == second
    assert first[3] & 0x08 == 0  # FLG.FNAME: no file name in the header
    assert int.from_bytes(first[4:8], "little") == 0  # MTIME
    assert len(gzip.decompress(first).decode().splitlines()) == 50


def test_an_empty_json_change_file_and_an_empty_name_are_said_plainly(
    encounters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty .json said 'Expecting value: line 2 column 1' (an empty .yaml: 'an empty file');
    ``--change ''`` said the current folder 'is a folder'."""
    empty = tmp_path / "change.json"
    empty.write_text("\n")
    err = _refused(["impact", str(encounters), "--change", str(empty)], capsys)
    assert "found an empty file" in err and "Expecting value" not in err
    err = _refused(["impact", str(encounters), "--change", ""], capsys)
    assert "--change: expected a file name, got ''" in err


def test_a_loop_of_links_is_named_as_out_and_as_in(
    encounters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``Path.resolve`` raised RuntimeError on the loop: an internal error from every command."""
    (tmp_path / "a.jsonl").symlink_to(tmp_path / "b.jsonl")
    (tmp_path / "b.jsonl").symlink_to(tmp_path / "a.jsonl")
    loop = str(tmp_path / "a.jsonl")
    for args in _commands(encounters, loop):
        assert f"--out: {loop} is a loop of links" in _refused(args, capsys)
    assert f"IN: {loop} is a link to no file (a loop of links)" in _refused(
        ["screen", "--batch", loop, "--out", str(tmp_path / "o.jsonl")], capsys
    )


def test_compressed_bytes_named_as_plain_json_lines_are_named(
    encounters: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gzip file named ``.jsonl`` gave an error row per line of its bytes ('not UTF-8 text')."""
    misnamed = tmp_path / "encounters.jsonl"
    misnamed.write_bytes(gzip.compress(encounters.read_bytes()))
    err = _refused(["screen", "--batch", str(misnamed), "--out", str(tmp_path / "o.jsonl")], capsys)
    assert "IN: encounters.jsonl is gzip-compressed; name it .jsonl.gz" in err


def test_rewriting_an_out_keeps_its_permissions(encounters: Path, tmp_path: Path) -> None:
    """A file kept readable by its owner only (asylum records) became 0644 when rewritten."""
    out = tmp_path / "private.jsonl"
    out.write_text("old\n")
    out.chmod(0o600)
    with pytest.raises(SystemExit) as done:
        main(["screen", "--batch", str(encounters), "--out", str(out)])
    assert done.value.code in (0, None)
    assert out.stat().st_mode & 0o777 == 0o600
    assert len(out.read_text().splitlines()) == 200


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm on this machine")
def test_a_file_in_dev_shm_may_be_written(encounters: Path) -> None:
    """``/dev/shm`` is a folder of plain files in memory: only devices and links under /dev are
    refused."""
    out = Path("/dev/shm") / f"amparo-test-{os.getpid()}.jsonl"
    try:
        with pytest.raises(SystemExit) as done:
            main(["screen", "--batch", str(encounters), "--out", str(out)])
        assert done.value.code in (0, None)
        assert len(out.read_text().splitlines()) == 200
    finally:
        out.unlink(missing_ok=True)
