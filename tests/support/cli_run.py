"""The `amparo` command line run in process: its exit code and what it printed."""

from __future__ import annotations

import pytest

from amparo.cli import main


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code (0 when the command returned), standard output and standard error of ``amparo argv``."""
    try:
        main(argv)
        code = 0
    except SystemExit as ended:
        code = int(ended.code or 0)
    said = capsys.readouterr()
    return code, said.out, said.err
