"""A command started with a standard stream closed (`<&-`, `>&-`, `2>&-`) says so and exits 2
where it needed it, and does its work where it did not; it stopped with an internal error, or
reported success for output that went nowhere. Also the PATH `amparo screen` cannot read as a file
(an empty name, a device) is named as such, as `screen --batch` names it."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.aca_example import aca_encounter


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    amparo = f"{shlex.quote(sys.executable)} -m amparo"
    return subprocess.run(
        ["bash", "-c", command.replace("amparo", amparo, 1)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=cwd,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "in.jsonl").write_text(json.dumps(aca_encounter("A-1")) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("amparo screen in.jsonl >&-", "stdout: this process has no standard output to write to"),
        (
            "amparo screen --batch in.jsonl --out - --lang es >&-",
            "stdout: este proceso no tiene salida estándar",
        ),
        ("amparo synth encounters --n 5 --seed 1 --out - >&-", "stdout: this process has no standard output"),
        (
            "amparo impact in.jsonl --before 2020-01-01 --after 2021-06-01 >&-",
            "this process has no standard output",
        ),
        ("amparo screen - <&-", "PATH: this process has no standard input to read"),
        (
            "amparo screen '' --lang es",
            "PATH: se esperaba un nombre de archivo (o - para la entrada estándar)",
        ),
        ("amparo screen /dev/null", "PATH: /dev/null is not a regular file (a device or a socket)"),
    ],
)
def test_a_stream_or_file_it_cannot_use_is_named(folder: Path, command: str, said: str) -> None:
    done = shell(command, folder)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and "internal error" not in done.stderr


def test_with_standard_error_closed_the_work_is_done(folder: Path) -> None:
    done = shell("amparo screen --batch in.jsonl --out out.jsonl 2>&-", folder)
    assert done.returncode == 0
    assert json.loads((folder / "out.jsonl").read_text())["encounter_id"] == "A-1"
