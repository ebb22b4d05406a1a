"""Usage errors, found by Typer before a command reads its ``--lang``, are said in the language the
arguments ask (:mod:`amparo.cli.usage_errors`); without ``--lang es`` they are Typer's own, in
English, as before. Either way the exit code is 2."""

from __future__ import annotations

import pytest

from amparo.cli import main
from amparo.cli.usage_errors import language_asked


def said(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    err = capsys.readouterr().err
    return " ".join(err.replace("│", " ").replace("╭", " ").replace("╮", " ").split())


CASES = [
    (
        ["screen", "--batch", "in.jsonl", "--out", "o.jsonl", "--bogus"],
        "No such option: --bogus",
        "no existe la opción: --bogus (opciones posibles: --out)",
    ),
    (
        ["synth", "encounters", "--seed", "1", "--out", "x.jsonl"],
        "Missing option '--n'",
        "falta la opción '--n'",
    ),
    (
        ["synth", "encounters", "--n", "abc", "--seed", "1", "--out", "x.jsonl"],
        "Invalid value for '--n'",
        "valor no válido para '--n': se esperaba un número entero",
    ),
    (
        ["synth", "encounters", "--seed", "1", "--out", "x.jsonl", "--n=0"],
        "Input should be greater than or equal to 1",
        "valor no válido para '--n': se esperaba un número mayor o igual a 1",
    ),
    (["screen", "a", "b", "c"], "Got unexpected extra argument(s) (b c)", "argumentos de más (b c)"),
    (["screen", "a", "b"], "Got unexpected extra argument(s) (b)", "argumento de más (b)"),
    (["nocommand", "x"], "No such command 'nocommand'", "no existe el comando: 'nocommand'"),
    (
        ["screen", "--batch", "in.jsonl", "--out"],
        "Option '--out' requires an argument",
        "la opción '--out' necesita un valor",
    ),
]


@pytest.mark.parametrize(("argv", "english", "spanish"), CASES)
def test_a_usage_error_is_said_in_the_language_asked(
    capsys: pytest.CaptureFixture[str], argv: list[str], english: str, spanish: str
) -> None:
    # --lang just before the last argument (the last may be an option waiting for its value; an
    # unknown command is found before the options after it are read).
    in_spanish = said([*argv[:-1], "--lang", "es", argv[-1]], capsys)
    assert spanish in in_spanish and english not in in_spanish
    in_english = said(argv, capsys)
    assert english in in_english and spanish not in in_english
    assert said([*argv[:-1], "--lang=en", argv[-1]], capsys) == in_english


def test_the_usage_line_and_the_hint_are_said_too(capsys: pytest.CaptureFixture[str]) -> None:
    text = said(["screen", "--lang", "es", "--bogus"], capsys)
    assert text.startswith(
        "Uso: amparo screen [OPTIONS] [PATH] Pruebe 'amparo screen --help' para ver la ayuda."
    )
    assert "Usage:" not in text and "Try '" not in text


@pytest.mark.parametrize(
    ("argv", "asked"),
    [
        (["screen", "x", "--lang", "es"], "es"),
        (["screen", "--lang=es", "x"], "es"),
        (["screen", "--lang", "es", "--lang", "en"], "en"),
        (["screen", "--", "--lang", "es"], None),
        (["screen", "--lang", "fr"], None),
        (["screen", "--lang"], None),
        (["screen"], None),
    ],
)
def test_the_language_asked_is_the_last_lang_before_a_double_dash(argv: list[str], asked: str | None) -> None:
    assert language_asked(argv) == asked


@pytest.mark.parametrize(
    ("argv", "english", "spanish"),
    [
        (
            ["--lang", "es"],
            "the following arguments are required: source, out",
            "faltan estos argumentos obligatorios: source, out",
        ),
        (
            ["a", "b", "--bogus", "--lang", "es"],
            "unrecognized arguments: --bogus",
            "argumentos no reconocidos: --bogus",
        ),
        (
            ["a", "b", "--lang=es", "--master"],
            "argument --master: expected one argument",
            "argumento --master: se esperaba un valor",
        ),
    ],
)
def test_the_spark_job_s_usage_errors_are_said_in_the_language_asked(
    capsys: pytest.CaptureFixture[str], argv: list[str], english: str, spanish: str
) -> None:
    from amparo.cli import spark_job

    def usage_error(arguments: list[str]) -> str:
        with pytest.raises(SystemExit) as ended:
            spark_job.main(arguments)
        assert ended.value.code == 2
        return capsys.readouterr().err

    in_spanish = usage_error(argv)
    assert in_spanish.startswith("uso: ") and spanish in in_spanish and english not in in_spanish
    in_english = usage_error(["en" if a == "es" else "--lang=en" if a == "--lang=es" else a for a in argv])
    assert in_english.startswith("usage: ") and english in in_english
    import argparse

    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]  # argparse's own again
