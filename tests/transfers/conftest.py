"""Helpers for the transfer tests: run the command line in process, write small files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from amparo.cli import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    def run(*args: str) -> CliResult:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def case(case_id: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case_id": case_id,
        "group_id": fields.pop("group_id", case_id),
        "people": 1,
        "receiving_country": "GT",
        "nationalities": ["HN"],
        "excluded_countries": [],
        "earliest": "2020-01-01",
        "deadline": "2020-03-31",
        "waiting_since": "2019-12-01",
        "vulnerable": False,
    }
    row.update(fields)
    return row


def write_cases(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def write_capacity(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document) if path.suffix in (".yaml", ".yml") else json.dumps(document))
    return path
