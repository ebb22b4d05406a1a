"""Why a text is not JSON, said in the language asked: the standard library decoder's reasons
(``Expecting ',' delimiter``), where in the text, and the readers' own words for an array's
elements, all as phrases (:func:`amparo.screening.json_values.json_reason`); in English as before,
with the decoder's trailing ``at`` said once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amparo.cli import main
from amparo.i18n import say
from amparo.screening.json_values import JSON_REASONS, json_reason

CASES = [
    (
        "array.json",
        '[{"a": "x\x01"}]',
        "(Invalid control character at line 1, column 10)",
        "(carácter de control no válido en la línea 1, columna 10)",
    ),
    (
        "array.json",
        '[{"a": "x}]',
        "(Unterminated string starting at line 1, column 8)",
        "(cadena de texto sin cerrar que empieza en la línea 1, columna 8)",
    ),
    (
        "array.json",
        '[{"a": 1} {"b": 2}]',
        "expected ',' or ']' after element 0 at line 1, column 11",
        "se esperaba ',' o ']' después del elemento 0 en la línea 1, columna 11",
    ),
    (
        "array.json",
        '[{"a": 1}] x',
        "unexpected text after the array at line 1, column 12",
        "texto inesperado después del arreglo en la línea 1, columna 12",
    ),
    ("array.json", '[{"a": NaN}]', "(NaN is not a JSON value)", "(NaN no es un valor JSON)"),
    (
        "array.json",
        '["\\ud800"]',
        "\\ud800 is half of a UTF-16 surrogate pair, not a character",
        "\\ud800 es la mitad de un par sustituto UTF-16, no un carácter",
    ),
    (
        "lines.jsonl",
        '{"id": "A-1"}\n{"a": 1,}\n',
        "line 2 is not valid JSON (Expecting property name enclosed in double quotes at column 9)",
        "la línea 2 no es JSON válido (se esperaba un nombre de propiedad entre comillas dobles en la columna 9)",
    ),
    (
        "lines.jsonl",
        '{"id": "A-1"}\n{"a": 1} 2\n',
        "line 2 is not valid JSON (Extra data at column 10)",
        "la línea 2 no es JSON válido (datos de más en la columna 10)",
    ),
    (
        "lines.jsonl",
        '{"id": "A-1"}\n{"a": Infinity}\n',
        "line 2 is not valid JSON (Infinity is not a JSON value)",
        "la línea 2 no es JSON válido (Infinity no es un valor JSON)",
    ),
]


def screened(path: Path, capsys: pytest.CaptureFixture[str], *lang: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main(["screen", str(path), *lang])
    assert ended.value.code == 2  # some input is invalid
    return capsys.readouterr().err


@pytest.mark.parametrize(("name", "text", "english", "spanish"), CASES)
def test_why_a_text_is_not_json_is_said_in_the_language_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, english: str, spanish: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    in_spanish = screened(path, capsys, "--lang", "es")
    assert spanish in " ".join(in_spanish.split()), in_spanish
    assert english not in " ".join(in_spanish.split())
    in_english = " ".join(screened(path, capsys).split())
    assert english in in_english and " at at " not in in_english


def test_the_json_output_keeps_the_english_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "array.json"
    path.write_text('[{"a": "x}]', encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["screen", str(path), "--json", "--lang", "es"])
    [row] = json.loads(capsys.readouterr().out)
    message = row["error"]["errors"][0]["message"]
    assert (
        message
        == "element 0 of the array is not valid JSON (Unterminated string starting at line 1, column 8)"
    )


@pytest.mark.parametrize(
    "text", ['{"a": 1,}', '{"a" 1}', "[1 2]", "[", '"abc', '"a\x01"', '"\\q"', '"\\u12"', "1 2", "{1: 2}", ""]
)
def test_every_reason_the_decoder_gives_is_in_the_catalogue(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as refused:
        json.loads(text)
    reason = json_reason(refused.value)
    assert reason in JSON_REASONS
    assert say(reason, "es") != reason  # translated


@pytest.mark.parametrize(
    ("name", "data", "english", "spanish"),
    [
        (
            "in.jsonl.gz",
            b"\x1f\x8b\x08\x00garbage",
            "Compressed file ended before the end-of-stream marker was reached",
            "el archivo comprimido termina antes de la marca de fin de flujo",
        ),
        ("in.jsonl.bz2", b"BZh9garbage", "Invalid data stream", "flujo de datos no válido"),
        (
            "in.jsonl.xz",
            b"garbage",
            "Input format not supported by decoder",
            "el decodificador no admite ese formato",
        ),
    ],
)
def test_a_codec_s_reason_is_said_in_spanish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, english: str, spanish: str
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    out = str(tmp_path / "out.jsonl")
    for lang, said, unsaid in (("es", spanish, english), ("en", english, spanish)):
        with pytest.raises(SystemExit) as ended:
            main(["screen", "--batch", str(source), "--out", out, "--lang", lang])
        assert ended.value.code == 2
        err = " ".join(capsys.readouterr().err.split())
        assert said in err and unsaid not in err
