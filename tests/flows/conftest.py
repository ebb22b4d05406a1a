"""Fixtures for the flows tests: the CLI run in-process, as the console script runs it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from amparo.cli import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def amparo(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``amparo ARGS`` in this process, as the console script does (domain errors included)."""

    def run(*args: str) -> CliResult:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
