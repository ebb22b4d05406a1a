"""`amparo impact` over one row that cannot be compared says it of one row, in both languages (it
said `every one of the 1 rows`, `las 1 filas no son válidas`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.aca_example import aca_encounter

from amparo.cli import main


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No encounter compared: the one row is invalid (named above;"),
        ("es", "Ningún encuentro comparado: la única fila no es válida (se nombra arriba;"),
    ],
)
def test_one_invalid_row_is_said_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(aca_encounter("A-1")) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main(["impact", str(source), "--before", "1900-01-01", "--after", "2021-01-01", "--lang", lang])
    assert ended.value.code == 2
    assert said in capsys.readouterr().out
