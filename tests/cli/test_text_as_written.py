"""What a user wrote (a document's id, a file's path) is printed as written, never read as Rich
markup: ``[/b]`` in an id stopped ``amparo screen`` with an internal error, and ``[red]`` coloured
what followed it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.aca_example import aca_encounter

from amparo.cli import main

MARKUP = "[/b] [red]x"


def ran(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    said = capsys.readouterr()
    return int(ended.value.code or 0), said.out, said.err


def test_an_invalid_document_s_id_is_printed_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_text(json.dumps({"id": MARKUP}) + "\n", encoding="utf-8")
    code, _, err = ran(["screen", str(path), "--lang", "es"], capsys)
    assert code == 2
    assert err.splitlines()[0] == f"documento no válido {MARKUP}"
    bare = tmp_path / "bare.jsonl"
    bare.write_text("[]\nnot json\n", encoding="utf-8")
    assert ran(["screen", str(bare)], capsys)[2].splitlines()[0] == "invalid document"  # no space after it


def test_a_screened_document_s_id_heads_its_panel_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(aca_encounter(MARKUP)), encoding="utf-8")
    try:
        main(["screen", str(path)])
        code = 0
    except SystemExit as ended:
        code = int(ended.code or 0)
    said = capsys.readouterr()
    assert code == 0, said.err
    assert f"{MARKUP} · law read on" in said.out


def test_control_characters_in_an_id_are_shown_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An id holding an escape sequence cannot colour or clear the terminal: shown as ``\\x1b``."""
    coloured = "X\x1b[31mRED\x07"
    path = tmp_path / "lines.jsonl"
    path.write_text(
        "".join(
            json.dumps(d) + "\n" for d in (aca_encounter(coloured), {"id": coloured}, aca_encounter(coloured))
        ),
        encoding="utf-8",
    )
    code, out, err = ran(["screen", str(path)], capsys)
    assert code == 2
    assert "X\\x1b[31mRED\\x07 · law read on" in out and "invalid document X\\x1b[31mRED\\x07" in err
    code, _, err = ran(["screen", "--batch", str(path), "--out", str(tmp_path / "o.parquet")], capsys)
    assert "(e.g. X\\x1b[31mRED\\x07)" in err
    assert "\x1b" not in out + err
