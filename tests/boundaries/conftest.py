"""Run ``amparo ARGS`` in this process exactly as the console script does, capturing its output."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from amparo.cli import main

INPUTS = Path(__file__).with_name("inputs")
REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "aca-honduran-adult-2020-02.json"
#: What no boundary may ever print.
FORBIDDEN = ("Traceback (most recent call last)", "This is a bug")


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """Standard output and error with every run of whitespace made one space (Rich wraps)."""
        return " ".join(f"{self.out}\n{self.err}".split())


Run = Callable[..., CliResult]


@pytest.fixture
def amparo(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``amparo(*args, stdin="")``: the exit code and what was printed."""

    def run(*args: str, stdin: str = "") -> CliResult:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
