"""`amparo synth encounters --lang es` says its report and its errors in Spanish (English, byte for
byte as before, without --lang or with --lang en), and refuses an --n whose file would not fit on
the disk that holds OUT before writing anything (it wrote until the disk was full)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from amparo.cli import main
from amparo.cli.batch import BYTES_PER_DOCUMENT

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def amparo(capsys: pytest.CaptureFixture[str]) -> Run:
    """``amparo ARGS`` in this process: its exit code, standard output and standard error."""

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            main(list(args))
        captured = capsys.readouterr()
        return int(ended.value.code or 0), captured.out, captured.err

    return run


def _free(free: int, total: int = 10**15, root_only: int = 0) -> Callable[[object], SimpleNamespace]:
    """``os.statvfs`` of a disk with ``free`` bytes free to anyone and ``root_only`` more kept for
    root (no huge disk needed)."""

    def statvfs(_path: object) -> SimpleNamespace:
        return SimpleNamespace(f_frsize=1, f_blocks=total, f_bavail=free, f_bfree=free + root_only)

    return statvfs


def test_the_report_is_said_in_spanish_and_in_english_as_before(amparo: Run, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    code, _, err = amparo("synth", "encounters", "--n", "3", "--seed", "1", "--out", str(out), "--lang", "es")
    assert code == 0 and re.fullmatch(rf"3 encuentros escritos en {re.escape(str(out))} en \d+,\d s\n", err)
    code, _, err = amparo("synth", "encounters", "--n", "1", "--seed", "1", "--out", str(out), "--lang", "es")
    assert code == 0 and err.startswith(f"1 encuentro escrito en {out} en ")
    code, printed, err = amparo(
        "synth", "encounters", "--n", "2", "--seed", "1", "--out", "-", "--lang", "es"
    )
    assert (
        code == 0
        and printed.count("\n") == 2
        and err.startswith("2 encuentros escritos en la salida estándar en ")
    )
    for lang in ((), ("--lang", "en")):
        code, _, err = amparo("synth", "encounters", "--n", "3", "--seed", "1", "--out", str(out), *lang)
        assert code == 0 and re.fullmatch(
            rf"3 encounters written to {re.escape(str(out))} in \d+\.\d s\n", err
        )
        code, _, err = amparo("synth", "encounters", "--n", "1", "--seed", "1", "--out", "-", *lang)
        assert err.startswith("1 encounter written to standard output in ")


@pytest.mark.parametrize(
    ("out", "english", "spanish"),
    [
        (
            "o.txt",
            "--out: expected a .jsonl or .parquet file, got 'o.txt'",
            "--out: se esperaba un archivo .jsonl o .parquet, se recibió 'o.txt'",
        ),
        (
            "missing/o.jsonl",
            "(folders are not created for a file)",
            "(no se crean carpetas para un archivo)",
        ),
    ],
)
def test_errors_are_said_in_the_language_asked(
    amparo: Run, tmp_path: Path, out: str, english: str, spanish: str
) -> None:
    command = ("synth", "encounters", "--n", "3", "--seed", "1", "--out", str(tmp_path / out))
    code, _, err = amparo(*command, "--lang", "es")
    assert code == 2 and err.startswith("error: La entrada no es válida: ") and spanish in err, err
    code, _, in_english = amparo(*command)
    assert code == 2 and english in in_english and "The input is not valid" in in_english
    assert amparo(*command, "--lang", "en")[2] == in_english
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_language_is_refused_before_anything_is_written(amparo: Run, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    code, _, err = amparo("synth", "encounters", "--n", "3", "--seed", "1", "--out", str(out), "--lang", "fr")
    assert code == 2 and "--lang: expected one of en, es, got 'fr'" in err and not out.exists()


def test_an_n_that_would_fill_the_disk_is_refused_before_writing(
    amparo: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--n 10000000000000` wrote until the disk was full; it is now refused naming --n, with the
    estimate and the free space of the disk holding OUT."""
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(41 * 10**9))
    command = ("synth", "encounters", "--n", "10000000000000", "--seed", "1", "--out")
    code, _, err = amparo(*command, str(tmp_path / "e.jsonl"))
    assert code == 2
    assert err == (
        "error: The input is not valid: --n: 10,000,000,000,000 documents would take about 4.8 PB as "
        "JSON Lines; the disk holding OUT has 41 GB free\n"
    )
    code, _, err = amparo(*command, str(tmp_path / "e.parquet"), "--lang", "es")
    assert code == 2
    assert err == (
        "error: La entrada no es válida: --n: 10.000.000.000.000 documentos ocuparían unos 300 TB en formato "
        "Parquet; el disco que contiene OUT tiene 41 GB libres\n"
    )
    code, _, err = amparo(*command, str(tmp_path / "e.jsonl.gz"))
    assert code == 2 and "about 360 TB as JSON Lines compressed with gzip;" in err
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_the_bound_is_the_estimate_and_standard_output_is_not_checked(
    amparo: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "e.jsonl"
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(10 * BYTES_PER_DOCUMENT["jsonl"] - 1))
    code, _, err = amparo("synth", "encounters", "--n", "10", "--seed", "1", "--out", str(out))
    # Both would read '4.8 kB': said in bytes then.
    assert code == 2 and "--n: 10 documents would take about 4,800 B as JSON Lines" in err
    assert "has 4,799 B free" in err and not out.exists()
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(10 * BYTES_PER_DOCUMENT["jsonl"]))
    assert amparo("synth", "encounters", "--n", "10", "--seed", "1", "--out", str(out))[0] == 0
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(0))
    code, printed, _ = amparo("synth", "encounters", "--n", "10", "--seed", "1", "--out", "-")
    assert code == 0 and printed.count("\n") == 10
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(0, total=0))  # /sys, /proc: no size
    assert amparo("synth", "encounters", "--n", "10", "--seed", "1", "--out", str(out))[0] == 0


@pytest.mark.parametrize("name", ["e.jsonl", "e.jsonl.gz", "e.jsonl.bz2", "e.jsonl.xz", "e.parquet"])
def test_the_estimate_is_below_what_is_written(amparo: Run, tmp_path: Path, name: str) -> None:
    """Each format's bytes a document are a lower bound of what the generator writes, so that --n
    is refused only where OUT surely does not fit."""
    out = tmp_path / name
    assert amparo("synth", "encounters", "--n", "2000", "--seed", "3", "--out", str(out))[0] == 0
    kind = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".parquet": "parquet"}.get(out.suffix, "jsonl")
    assert out.stat().st_size >= 2000 * BYTES_PER_DOCUMENT[kind]


def test_one_document_is_said_in_the_singular_and_a_huge_n_in_words(
    amparo: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(0))
    out = str(tmp_path / "e.jsonl")
    code, _, err = amparo("synth", "encounters", "--n", "1", "--seed", "1", "--out", out)
    assert code == 2 and "--n: 1 document would take about 480 B as JSON Lines;" in err
    code, _, err = amparo("synth", "encounters", "--n", "1", "--seed", "1", "--out", out, "--lang", "es")
    assert code == 2 and "--n: 1 documento ocuparía unos 480 B en formato JSON Lines;" in err
    huge = str(10**400)  # Babel's 28 digits stopped the Spanish one with a traceback from 10**25
    code, _, err = amparo("synth", "encounters", "--n", huge, "--seed", "1", "--out", out, "--lang", "es")
    assert code == 2 and "ocuparían más de 1.000 YB en formato JSON Lines" in err
    assert err.startswith("error: La entrada no es válida: --n: 10.000.000.000.000.000.000.000.000.")
    code, _, err = amparo("synth", "encounters", "--n", huge, "--seed", "1", "--out", out)
    assert code == 2 and "would take about more than 1,000 YB as JSON Lines" not in err
    assert "would take more than 1,000 YB as JSON Lines" in err


def test_root_may_use_the_blocks_kept_for_root(
    amparo: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system keeps some blocks for root (ext4: 5 %): root's run that fits there was refused."""
    needed = 10 * BYTES_PER_DOCUMENT["jsonl"]
    monkeypatch.setattr("amparo.cli.batch.os.statvfs", _free(needed - 1, root_only=1))
    out = str(tmp_path / "e.jsonl")
    monkeypatch.setattr("amparo.cli.batch.os.geteuid", lambda: 0, raising=False)
    assert amparo("synth", "encounters", "--n", "10", "--seed", "1", "--out", out)[0] == 0
    monkeypatch.setattr("amparo.cli.batch.os.geteuid", lambda: 1000, raising=False)
    assert amparo("synth", "encounters", "--n", "10", "--seed", "1", "--out", out)[0] == 2
