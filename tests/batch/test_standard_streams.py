"""``-`` as IN and OUT: ``amparo screen --batch - --out -``, ``amparo impact -`` and ``amparo synth
encounters --out -`` read standard input and write standard output as they read and write files."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from amparo.batch import standard_streams
from amparo.batch.compression import InputFile
from amparo.batch.standard_streams import STANDARD_INPUT
from amparo.cli import build_app, main
from amparo.errors import InputError

RUNNER = CliRunner()


def _run(*args: str, stdin: bytes | None = None) -> Any:
    return RUNNER.invoke(build_app(), list(args), input=stdin)


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stdin") / "encounters.jsonl"
    assert _run("synth", "encounters", "--n", "300", "--seed", "8", "--out", str(path)).exit_code == 0
    # two invalid rows among the valid ones: their places and ids must stay
    rows = path.read_text().splitlines()
    rows[7] = "not json"
    rows[40] = json.dumps({**json.loads(rows[40]), "encountered_on": "2023-02-29"})
    path.write_text("\n".join(rows) + "\n")
    return path


def _screened(source: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "from-file.jsonl"
    assert _run("screen", "--batch", str(source), "--out", str(out)).exit_code == 2
    return out.read_bytes()


@pytest.mark.parametrize("codec", [None, "gzip", "bzip2", "xz"])
def test_standard_input_gives_the_rows_of_the_file(lines: Path, tmp_path: Path, codec: str | None) -> None:
    data = lines.read_bytes()
    packed = {None: data, "gzip": gzip.compress(data), "bzip2": bz2.compress(data), "xz": lzma.compress(data)}
    out = tmp_path / "from-stdin.jsonl"
    result = _run("screen", "--batch", "-", "--out", str(out), stdin=packed[codec])
    assert result.exit_code == 2, result.output  # two rows invalid
    assert out.read_bytes() == _screened(lines, tmp_path)


def test_standard_output_gets_the_rows_and_the_report_goes_to_standard_error(
    lines: Path, tmp_path: Path
) -> None:
    result = _run("screen", "--batch", "-", "--out", "-", stdin=lines.read_bytes())
    assert result.exit_code == 2
    assert result.stdout_bytes == _screened(lines, tmp_path)
    assert "screened into standard output" in result.stderr
    assert not list(tmp_path.glob(".*.part"))


def test_an_array_and_an_object_on_standard_input_are_read_as_in_a_file(lines: Path, tmp_path: Path) -> None:
    documents = [json.loads(x) for x in lines.read_text().splitlines()[:30] if x.startswith("{")]
    for name, text in (
        ("array.json", json.dumps(documents, indent=2)),
        ("object.json", json.dumps(documents[0], indent=2)),
    ):
        path = tmp_path / name
        path.write_text(text)
        expected = tmp_path / f"{name}.jsonl"
        assert _run("screen", "--batch", str(path), "--out", str(expected)).exit_code == 0
        result = _run("screen", "--batch", "-", "--out", "-", stdin=text.encode())
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == expected.read_bytes()


def test_synth_to_standard_output_and_impact_from_standard_input(lines: Path, tmp_path: Path) -> None:
    synthetic = _run("synth", "encounters", "--n", "300", "--seed", "8", "--out", "-")
    assert synthetic.exit_code == 0
    file = tmp_path / "s.jsonl"
    assert _run("synth", "encounters", "--n", "300", "--seed", "8", "--out", str(file)).exit_code == 0
    assert synthetic.stdout_bytes == file.read_bytes()

    dates = ("--before", "2019-01-01", "--after", "2024-07-01", "--json")
    from_file = _run("impact", str(file), *dates)
    from_stdin = _run("impact", "-", *dates, stdin=synthetic.stdout_bytes)
    assert from_stdin.exit_code == 0, from_stdin.output
    counted = [json.loads(r.stdout) for r in (from_file, from_stdin)]
    for result in counted:
        result.pop("seconds", None)
    assert counted[0] == counted[1]
    assert counted[0]["changed"] > 0


def _refused(args: list[str], stdin: bytes, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> str:
    """What ``amparo ARGS`` says on standard error, the documents piped in; exit 2."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    return " ".join(capsys.readouterr().err.split())


def test_what_standard_streams_cannot_carry_is_refused_naming_the_option(
    lines: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    parquet = tmp_path / "e.parquet"
    assert _run("synth", "encounters", "--n", "10", "--seed", "8", "--out", str(parquet)).exit_code == 0
    out = tmp_path / "never.jsonl"
    said = _refused(["screen", "--batch", "-", "--out", str(out)], parquet.read_bytes(), monkeypatch, capsys)
    assert "IN: standard input holds a Parquet file" in said
    assert not out.exists()

    cut = gzip.compress(lines.read_bytes())[:500]
    said = _refused(["screen", "--batch", "-", "--out", str(out)], cut, monkeypatch, capsys)
    assert "IN: standard input cannot be read as a gzip file" in said
    assert not out.exists() and not list(tmp_path.glob(".*.part"))

    text = tmp_path / "a.txt"
    text.write_text("{}\n")
    said = _refused(["screen", "--batch", str(text), "--out", str(out)], b"", monkeypatch, capsys)
    assert "IN: expected a .jsonl or .parquet file, got 'a.txt'" in said
    assert ".jsonl.gz" in said and "- for standard input" in said

    dates = ["--before", "2019-01-01", "--after", "2020-01-01"]
    said = _refused(["impact", str(lines), *dates, "--out", "-"], b"", monkeypatch, capsys)
    assert "--out: the counts are printed on standard output" in said


def test_a_terminal_is_not_waited_on(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(Terminal(b"")))
    with pytest.raises(InputError, match="standard input is a terminal"):
        InputFile(STANDARD_INPUT)


def test_what_a_peeking_reader_read_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytes(range(256)) * 1000
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    with InputFile(STANDARD_INPUT, peek=True) as first:
        assert first.readline(100) == data[:11]  # byte 10 is a line end
        assert first.read(70_000) == data[11:70_011]
    with InputFile(STANDARD_INPUT, peek=True) as again:
        assert again.read(5) == data[:5]
    with InputFile(STANDARD_INPUT) as reader:
        assert reader.read(3) == data[:3]
        assert reader.read() == data[3:]
        assert reader.position() == len(data)
    with InputFile(STANDARD_INPUT) as after:  # read once: nothing is left
        assert after.read() == b""
    assert standard_streams.source_name(STANDARD_INPUT) == "<stdin>"


def test_a_pipe_between_two_processes(lines: Path, tmp_path: Path) -> None:
    """Real pipes: synth writes standard output as it goes, screen reads it as it comes."""
    amparo = [sys.executable, "-m", "amparo"]
    synth = subprocess.Popen(
        [*amparo, "synth", "encounters", "--n", "2000", "--seed", "3", "--out", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    screened = subprocess.run(
        [*amparo, "screen", "--batch", "-", "--out", "-"],
        stdin=synth.stdout,
        capture_output=True,
        check=False,
    )
    assert synth.stdout is not None
    synth.stdout.close()
    assert synth.wait() == 0
    assert screened.returncode == 0, screened.stderr
    file = tmp_path / "s.jsonl"
    assert _run("synth", "encounters", "--n", "2000", "--seed", "3", "--out", str(file)).exit_code == 0
    expected = tmp_path / "o.jsonl"
    assert _run("screen", "--batch", str(file), "--out", str(expected)).exit_code == 0
    assert screened.stdout == expected.read_bytes()


def test_the_progress_bar_over_a_pipe_counts_what_was_read(
    lines: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from amparo.batch.files import screen_file
    from amparo.rules.us import US_PACK

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.read_bytes())))
    report = screen_file(STANDARD_INPUT, tmp_path / "o.jsonl", US_PACK, progress=True)
    assert report.rows == 300
    shown = capsys.readouterr().err
    assert f"{lines.stat().st_size / 1000:.1f}/? kB" in shown  # no total: no percentage to show
    assert "%" not in shown


def test_dev_null_as_out_throws_the_rows_away(lines: Path) -> None:
    """``--out /dev/null`` (to time a run) was refused: ``expected a .jsonl or .parquet file, got
    'null'``. It is written as it goes, as standard output is, with no temporary file beside it."""
    for code, args in (
        (2, ["screen", "--batch", str(lines), "--out", "/dev/null"]),  # its two invalid rows
        (0, ["impact", str(lines), "--before", "2019-01-01", "--after", "2025-01-01", "--out", "/dev/null"]),
        (0, ["synth", "encounters", "--n", "5", "--seed", "1", "--out", "/dev/null"]),
    ):
        result = _run(*args)
        assert result.exit_code == code, result.output
        assert "expected a .jsonl or .parquet file" not in " ".join(result.output.split())
    assert Path("/dev/null").is_char_device()
    assert not [p for p in Path("/dev").iterdir() if p.name.startswith(".null")]
