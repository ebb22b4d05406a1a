"""`amparo screen --lang es` (and `screen --batch --lang es`) says its errors in Spanish: the title
of an input error, each problem with values in it (:class:`amparo.errors.Phrase`), a file the system
cannot open; without --lang, or with --lang en, the same errors read in English as before."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from amparo.cli import main
from amparo.errors import FieldError, InputError, Phrase
from amparo.i18n import error_text, say


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amparo", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "A-1"}\n')
    return path


CASES = [
    (
        lambda d, f: ["screen", "--batch", str(d / "nope.jsonl"), "--out", str(d / "o.jsonl")],
        "IN: no such file:",
        "La entrada no es válida: IN: no existe el archivo:",
    ),
    (
        lambda d, f: ["screen", "--batch", str(f), "--out", str(d / "o.txt")],
        "--out: expected a .jsonl or .parquet file, got 'o.txt'",
        "--out: se esperaba un archivo .jsonl o .parquet, se recibió 'o.txt'",
    ),
    (
        lambda d, f: ["screen", "--batch", str(f), "--out", str(d / "o.jsonl"), "--as-of", "2024-02-30"],
        "--as-of: expected a real calendar date written YYYY-MM-DD, got '2024-02-30'",
        "--as-of: se esperaba una fecha real del calendario escrita AAAA-MM-DD, se recibió '2024-02-30'",
    ),
    (
        lambda d, f: ["screen", "--batch", str(f), "--out", str(d / "missing" / "o.jsonl")],
        "(folders are not created for a file)",
        "(no se crean carpetas para un archivo)",
    ),
    (  # a path under a file: that file named, not "no such folder"
        lambda d, f: ["screen", "--batch", str(f), "--out", str(f / "o.jsonl")],
        "in.jsonl is a file, not a folder to write o.jsonl in",
        "in.jsonl es un archivo, no una carpeta en la que escribir o.jsonl",
    ),
    (
        lambda d, f: ["screen", "--batch", str(f), "--out", str(f)],
        "is the file read as IN; give another file name to write",
        "es el archivo leído como IN; indique otro nombre de archivo para escribir",
    ),
    (
        lambda d, f: ["screen", str(d / "nope.json")],
        "PATH: no such file:",
        "PATH: no existe el archivo:",
    ),
    (
        lambda d, f: ["screen", "--batch", str(f)],
        "batch mode needs --batch IN and --out OUT",
        "el modo por lotes necesita --batch IN y --out OUT",
    ),
]


@pytest.mark.parametrize(("args", "english", "spanish"), CASES)
def test_screen_errors_are_said_in_the_language_asked(
    tmp_path: Path, jsonl: Path, args: object, english: str, spanish: str
) -> None:
    command = args(tmp_path, jsonl)  # type: ignore[operator]
    in_spanish = run(*command, "--lang", "es")
    assert in_spanish.returncode == 2, in_spanish.stderr
    assert spanish in in_spanish.stderr and english not in in_spanish.stderr
    in_english = run(*command)
    assert in_english.returncode == 2
    assert english in in_english.stderr and "The input is not valid" in in_english.stderr
    assert run(*command, "--lang", "en").stderr == in_english.stderr


def test_a_line_that_is_not_json_is_said_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_text('{"id": "A-1"}\nnot json\n')
    said = run("screen", str(path), "--lang", "es")
    assert "la línea 2 no es JSON válido" in said.stderr
    assert "/id: es obligatorio" not in said.stderr  # A-1 has its id
    assert "line 2 is not valid JSON" in run("screen", str(path)).stderr


def test_an_unknown_language_is_refused_in_english(jsonl: Path, tmp_path: Path) -> None:
    said = run("screen", "--batch", str(jsonl), "--out", str(tmp_path / "o.jsonl"), "--lang", "fr")
    assert said.returncode == 2
    assert "--lang: expected one of en, es, got 'fr'" in said.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_the_next_command_in_the_same_process_speaks_english_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for lang in ("es", "en"):
        with pytest.raises(SystemExit) as ended:
            main(["screen", str(tmp_path / "nope.json"), "--lang", lang])
        assert ended.value.code == 2
    spanish, english = capsys.readouterr().err.split("\n", 1)
    assert "no existe el archivo" in spanish and "no such file" in english
    with pytest.raises(SystemExit):
        main(["screen", str(tmp_path / "nope.json")])
    assert "no such file" in capsys.readouterr().err


def test_a_phrase_reads_as_its_english_and_keeps_its_values() -> None:
    phrase = Phrase("no such file: {path}", path=Path("/x/y.jsonl"))
    assert phrase == "no such file: /x/y.jsonl" and isinstance(phrase, str)
    assert phrase.template == "no such file: {path}" and phrase.values == {"path": "/x/y.jsonl"}
    again = pickle.loads(pickle.dumps(phrase))  # to a Spark worker and back
    assert isinstance(again, Phrase) and again.values == phrase.values and again == phrase
    assert say(phrase, "es") == "no existe el archivo: /x/y.jsonl"
    assert say(phrase, "en") == phrase
    braces = Phrase("no such file: {path}", path="{weird}.jsonl")  # a value is never read as a template
    assert say(braces, "es") == "no existe el archivo: {weird}.jsonl"


def test_a_phrase_in_a_phrase_is_said_in_the_same_language() -> None:
    hint = Phrase("give a file name, - for standard output or /dev/null")
    outer = Phrase("{path} is standard input; {hint}", path="/dev/stdin", hint=hint)
    assert outer == "/dev/stdin is standard input; give a file name, - for standard output or /dev/null"
    assert say(outer, "es") == (
        "/dev/stdin es la entrada estándar; indique un nombre de archivo, - para la salida estándar o /dev/null"
    )


def test_a_message_without_a_translation_stays_english() -> None:
    assert say(Phrase("nobody translated {this}", this="x"), "es") == "nobody translated x"
    assert say("a plain message nobody wrote", "es") == "a plain message nobody wrote"


def test_an_input_error_is_described_whole_in_spanish() -> None:
    errors = [FieldError(f"/f{i}", Phrase("no such file: {path}", path=i)) for i in range(7)]
    error = InputError(errors, source="in.jsonl")
    assert str(error).startswith("The input is not valid in in.jsonl: /f0: no such file: 0; ")
    assert str(error).endswith(" (and 2 more)")
    spanish = error_text(error, "es")
    assert spanish.startswith("La entrada no es válida en in.jsonl: /f0: no existe el archivo: 0; ")
    assert spanish.endswith(" (y 2 más)") and "/f5" not in spanish
    assert error_text(error, "en") == str(error)


def test_a_document_s_own_errors_are_said_in_spanish(tmp_path: Path) -> None:
    us = {
        "id": "X" * 200,
        "encountered_on": "2020-01-10",
        "place": {"border": "mars", "manner": "between_ports"},
        "person": {"nationalities": ["HN"], "age": 200},
    }
    eu = {
        "schema": "amparo/eu-application@1",
        "id": "EU-1",
        "lodged_in": "EL",
        "lodged_on": "2024-10-01",
        "applicant": {"nationality": "SY", "age": 30},
        "bogus": 1,
    }
    path = tmp_path / "documents.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in (us, eu)) + "\n")
    spanish = run("screen", str(path), "--lang", "es").stderr
    english = run("screen", str(path)).stderr
    for said, written in [
        ("se esperaban como máximo 128 caracteres", "expected at most 128 characters"),
        ("se esperaba uno de 'southwest_land'", "expected one of 'southwest_land'"),
        ("se esperaba un número entero de como máximo 130", "expected a whole number at most 130"),
        ("se esperaba un Estado UE+", "expected an EU+ State"),
        ("no es un campo de amparo/eu-application@1", "is not a field of amparo/eu-application@1"),
    ]:
        assert said in " ".join(spanish.split()), said
        assert written in " ".join(english.split()), written


def test_standard_input_is_named_in_spanish(tmp_path: Path) -> None:
    said = subprocess.run(
        [
            sys.executable,
            "-m",
            "amparo",
            "screen",
            "--batch",
            "-",
            "--out",
            str(tmp_path / "o.jsonl"),
            "--lang",
            "es",
        ],
        input=b"\x1f\x8b\x08\x00x",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert said.returncode == 2
    message = " ".join(said.stderr.decode().split())
    assert "IN: la entrada estándar no se puede leer como archivo gzip (" in message
    assert "el texto sin comprimir" in message and not (tmp_path / "o.jsonl").exists()


def test_an_as_of_before_the_law_of_every_pack_is_said_once(tmp_path: Path, jsonl: Path) -> None:
    """Every document would be refused for it: one error naming --as-of, not one per row."""
    out = tmp_path / "o.jsonl"
    for command in (["screen", "--batch", str(jsonl), "--out", str(out)], ["screen", str(jsonl)]):
        said = run(*command, "--as-of", "1900-01-01")
        assert said.returncode == 2
        assert (
            "--as-of: 1900-01-01 is before the law of every installed law pack: the earliest reads the law from"
            in " ".join(said.stderr.split())
        )
        assert said.stderr.count("1900-01-01") == 1 and not out.exists()
    spanish = run("screen", "--batch", str(jsonl), "--out", str(out), "--as-of", "1900-01-01", "--lang", "es")
    assert "es anterior a la ley de todos los paquetes de leyes instalados" in " ".join(
        spanish.stderr.split()
    )


@pytest.mark.parametrize(
    ("content", "english", "spanish"),
    [
        (
            b'{"id": "A-1"}\n\x00\n',
            "is binary data, not text (a NUL byte at line 2, byte 1)",
            "contiene datos binarios, no texto (un byte NUL en la línea 2, byte 1)",
        ),
        (
            b'{"id": "A-\xff"}\n',
            "is not UTF-8 text (byte 0xff at line 1, byte 11)",
            "no es texto UTF-8 (byte 0xff en la línea 1, byte 11)",
        ),
    ],
    ids=["nul", "not-utf8"],
)
def test_a_file_that_is_not_text_is_said_in_spanish(
    tmp_path: Path, content: bytes, english: str, spanish: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    said = run("screen", str(path), "--lang", "es")
    assert said.returncode == 2
    assert f"PATH: {path} {spanish}" in said.stderr and "--encoding" not in said.stderr
    in_english = run("screen", str(path))
    assert f"PATH: {path} {english}" in in_english.stderr and "--encoding" not in in_english.stderr


def run_with(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "amparo", *args], input=stdin, capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("stdin", "english", "spanish"),
    [
        (b"", "/: the input is empty; expected", "/: la entrada está vacía; se esperaba"),
        (b"nope\n", "/: the input is not JSON: expected", "/: la entrada no es JSON: se esperaba"),
        (
            b'{"a": "x\x00"}\n',
            "PATH: <stdin> is binary data, not text",
            "PATH: <stdin> contiene datos binarios",
        ),
        (
            b'{"a": "caf\xe9"}\n',
            "PATH: <stdin> is not UTF-8 text (byte 0xe9",
            "PATH: <stdin> no es texto UTF-8 (byte 0xe9",
        ),
    ],
    ids=["empty", "not-json", "nul", "not-utf8"],
)
def test_standard_input_is_checked_as_a_file_is_and_said_in_spanish(
    stdin: bytes, english: str, spanish: str
) -> None:
    """Standard input took a NUL byte or bytes that are not UTF-8 (a file is refused for them)."""
    said = run_with(stdin, "screen", "-", "--lang", "es")
    assert said.returncode == 2 and spanish in said.stdout.decode() + said.stderr.decode()
    in_english = run_with(stdin, "screen", "-")
    assert in_english.returncode == 2 and english in in_english.stdout.decode() + in_english.stderr.decode()


def test_a_utf16_file_is_named_as_such_and_a_named_pipe_is_read(tmp_path: Path) -> None:
    wide = tmp_path / "u16.json"
    wide.write_text('{"id": "A-1"}\n', encoding="utf-16")
    said = run("screen", str(wide), "--lang", "es")
    assert "es texto UTF-16 (empieza con su marca de orden de bytes); guárdelo como UTF-8" in said.stderr
    assert (
        "is UTF-16 text (it starts with its byte order mark); save it as UTF-8"
        in run("screen", str(wide)).stderr
    )
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    writer = subprocess.Popen(["sh", "-c", f"printf '%s' '{{\"id\": \"A-1\"}}' > {pipe}"])
    read = run("screen", str(pipe), "--json")
    writer.wait(timeout=30)
    assert "no such file" not in read.stderr and json.loads(read.stdout)["encounter_id"] == "A-1"


def test_the_systems_reason_is_said_in_spanish(jsonl: Path) -> None:
    said = run("screen", "--batch", str(jsonl), "--out", "/sys/amparo-x.jsonl", "--lang", "es")
    assert said.returncode == 2 and "no se puede escribir un archivo ahí (" in said.stderr
    assert "permission denied" not in said.stderr and "read-only" not in said.stderr


def test_a_wide_text_is_read_where_no_encoding_is_asked_and_refused_where_utf8_is() -> None:
    from amparo.user_text import decode_user_bytes

    for encoding in ("utf-16", "utf-32"):  # Excel's "Unicode text" export is UTF-16 with its mark
        raw = "record_id,given_names\n1,José\n".encode(encoding)
        assert decode_user_bytes(raw, "a.csv", "A") == "record_id,given_names\n1,José\n"
        with pytest.raises(InputError) as refused:
            decode_user_bytes(raw, "a.json", "PATH", encoding="utf-8-sig")
        assert refused.value.errors[0].message == (
            f"is {encoding.upper()} text (it starts with its byte order mark); save it as UTF-8"
        )
    nul = b"\xff\xfe\x00\x01binary"  # a UTF-16 mark before bytes that are no UTF-16 text
    with pytest.raises(InputError, match="binary data"):
        decode_user_bytes(nul + b"\x00", "x.csv", "A")


def test_a_wide_encoding_asked_for_reads_its_text() -> None:
    from amparo.user_text import decode_user_bytes

    raw = "1,José\n".encode("utf-16")
    assert decode_user_bytes(raw, "a.csv", "A", encoding="utf-16") == "1,José\n"
    assert decode_user_bytes(raw, "a.csv", "A", encoding="UTF_16") == "1,José\n"
