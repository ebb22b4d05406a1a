"""The progress bar on a terminal speaks the language asked: ``screen --batch --lang es`` is
"evaluando", ``amparo screen --lang es`` counts documents "evaluados"; in English as before. Run in a
pseudo-terminal (the bar is only drawn on one)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.aca_example import aca_encounter


def on_a_terminal(*args: str) -> str:
    """What the command wrote to standard error, a pseudo-terminal."""
    main, replica = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "amparo", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=replica,
            timeout=180,
            check=False,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
        )
        os.close(replica)
        replica = -1
        said = b""
        while True:
            try:
                block = os.read(main, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not block:
                break
            said += block
    finally:
        os.close(main)
        if replica != -1:
            os.close(replica)
    assert done.returncode == 0, said
    return said.decode("utf-8", "replace")


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    rows = [aca_encounter(f"P-{i}") for i in range(3)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "word", "other"), [("es", "evaluando", "screening"), ("en", "screening", "evaluando")]
)
def test_the_batch_bar_is_headed_in_the_language_asked(
    tmp_path: Path, documents: Path, lang: str, word: str, other: str
) -> None:
    said = on_a_terminal(
        "screen", "--batch", str(documents), "--out", str(tmp_path / "o.jsonl"), "--lang", lang
    )
    assert word in said and other not in said


@pytest.mark.parametrize(
    ("lang", "word", "other"), [("es", "evaluados", "screened"), ("en", "screened", "evaluados")]
)
def test_the_screen_bar_counts_in_the_language_asked(
    documents: Path, lang: str, word: str, other: str
) -> None:
    said = on_a_terminal("screen", str(documents), "--lang", lang)
    assert word in said and other not in said
