"""The Spark job (`python -m amparo.cli.spark_job IN OUT --lang es`) says its report and its errors
in Spanish, with the exit codes it has in English; without --lang, or with --lang en, every line
reads in English as before. The refusals are made before Spark starts (cheap); one run in Spark
(slow) says its report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from amparo.cli.spark_job import _master_failed, _unreadable_type, main
from amparo.i18n import error_text, say


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    """Five synthetic encounters in a Parquet file."""
    from amparo.batch.synth import generate
    from amparo.rules.us import US_PACK

    path = tmp_path / "in.parquet"
    next(generate(5, 1, US_PACK)).write_parquet(path)
    return path


CASES = [
    (
        lambda d, f: [str(f), "-"],
        "error: The input is not valid: OUT: the job writes a folder of Parquet parts, which standard output "
        "(-) cannot hold; give the folder to write",
        "error: La entrada no es válida: OUT: el trabajo escribe una carpeta de partes Parquet, que la salida "
        "estándar (-) no puede contener; indique la carpeta que se escribirá",
    ),
    (
        lambda d, f: [str(f), str(d / "o.jsonl")],
        "is named as a text file, but the job writes a folder of Parquet parts",
        "tiene nombre de archivo de texto, pero el trabajo escribe una carpeta de partes Parquet",
    ),
    (
        lambda d, f: [str(f), str(d / "out"), "--as-of", "2024-02-30"],
        "--as-of: expected a real calendar date written YYYY-MM-DD, got '2024-02-30'",
        "--as-of: se esperaba una fecha real del calendario escrita AAAA-MM-DD, se recibió '2024-02-30'",
    ),
    (
        lambda d, f: [str(f), str(d / "out"), "--master", "mars"],
        "--master: expected local, local[N], local[*], yarn, spark://HOST:PORT or k8s://URL, got 'mars'",
        "--master: se esperaba local, local[N], local[*], yarn, spark://HOST:PORT o k8s://URL, se recibió 'mars'",
    ),
    (
        lambda d, f: [str(f), str(d)],
        "holds {f}, read as IN, and is written over; write it elsewhere",
        "contiene {f}, leído como IN, y se sobrescribiría; escríbalo en otro lugar",
    ),
    (
        lambda d, f: [str(d / "nope.parquet"), str(d / "out")],
        "error: IN: cannot read {d}/nope.parquet as Parquet (no such file or folder)",
        "error: IN: no se puede leer {d}/nope.parquet como Parquet (no existe el archivo ni la carpeta)",
    ),
    (
        lambda d, f: [str(f), str(d / "missing" / "out")],
        "/missing/out: cannot write a folder there (no such file or directory)",
        "/missing/out: no se puede escribir una carpeta ahí (no existe el archivo o el directorio)",
    ),
    (
        lambda d, f: [str(d), str(d)],
        "OUT: {d} is the folder read as IN; give another path to write",
        "OUT: {d} es la carpeta leída como IN; indique otra ruta para escribir",
    ),
    (  # refused once before Spark starts, as screen --batch refuses it (it ran and gave an error row each)
        lambda d, f: [str(f), str(d / "out"), "--as-of", "1900-01-01"],
        "--as-of: 1900-01-01 is before the law of every installed law pack",
        "--as-of: 1900-01-01 es anterior a la ley de todos los paquetes de leyes instalados",
    ),
]


@pytest.mark.parametrize(("args", "english", "spanish"), CASES)
def test_the_job_s_refusals_are_said_in_the_language_asked(
    tmp_path: Path,
    parquet: Path,
    capsys: pytest.CaptureFixture[str],
    args: object,
    english: str,
    spanish: str,
) -> None:
    pytest.importorskip("pyspark")  # the last case is refused once pyspark is imported, before it starts
    command = args(tmp_path, parquet)  # type: ignore[operator]
    english, spanish = (text.format(d=tmp_path, f=parquet) for text in (english, spanish))
    assert main([*command, "--lang", "es"]) == 2
    said = capsys.readouterr().err
    assert spanish in said and english not in said and said.count("\n") == 1, said
    assert main(command) == 2
    in_english = capsys.readouterr().err
    assert english in in_english
    assert main([*command, "--lang", "en"]) == 2
    assert capsys.readouterr().err == in_english
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_an_unknown_language_is_refused_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.parquet"), "-", "--as-of", "x", "--lang", "fr"]) == 2
    assert (
        capsys.readouterr().err == "error: The input is not valid: --lang: expected one of en, es, got 'fr'\n"
    )


def test_pyspark_missing_is_said_in_spanish_exit_3(
    tmp_path: Path, parquet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` fails
    assert main([str(parquet), str(tmp_path / "out"), "--lang", "es"]) == 3
    assert capsys.readouterr().err == (
        "error: Esto necesita el paquete opcional 'pyspark'. Instálelo con: pip install 'amparo[spark]'\n"
    )
    assert main([str(parquet), str(tmp_path / "out")]) == 3
    assert capsys.readouterr().err == (
        "error: This needs the optional package 'pyspark'. Install it with: pip install 'amparo[spark]'\n"
    )


def test_spark_s_failures_are_said_in_spanish_with_spark_s_own_words() -> None:
    failed = _master_failed(
        RuntimeError("Cannot call methods on a stopped SparkContext."), "spark://h:7077", "--master"
    )
    assert failed is not None and str(failed).startswith(
        "--master: the Spark master at spark://h:7077 could not"
    )
    assert error_text(failed, "es") == (
        "--master: no se pudo contactar con el maestro de Spark en spark://h:7077, o no aceptó el trabajo "
        "(Spark desistió y se detuvo); indique la dirección de un maestro en marcha"
    )
    reason = _unreadable_type(RuntimeError("[UNSUPPORTED_TIME_TYPE] TIME"), "[UNSUPPORTED_TIME_TYPE] TIME")
    assert reason.endswith("give IN as a local path; [UNSUPPORTED_TIME_TYPE] TIME")
    assert say(reason, "es") == (
        "una columna de horas del día (Parquet TIME, Arrow time32/time64), que Spark solo lee de una IN local: "
        "quite la columna, o indique IN como ruta local; [UNSUPPORTED_TIME_TYPE] TIME"
    )


@pytest.mark.slow
@pytest.mark.spark
def test_the_job_s_report_is_said_in_spanish(tmp_path: Path) -> None:
    """One run in Spark (its own process, whose workers run its Python): the report in the words and
    numbers of `screen --batch --lang es`."""
    pytest.importorskip("pyspark")
    from amparo.batch.synth import generate
    from amparo.rules.us import US_PACK

    source, out = tmp_path / "in.parquet", tmp_path / "out"
    next(generate(1200, 2, US_PACK)).write_parquet(source)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "amparo.cli.spark_job",
            str(source),
            str(out),
            "--master",
            "local[2]",
            "--lang",
            "es",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = done.stderr.strip().splitlines()[-1].split("\r")[-1].strip()
    assert report.startswith(f"1.200 documentos evaluados, escritos en {out}, en ") and report.endswith(
        "/s); 0 no válidos"
    ), report
