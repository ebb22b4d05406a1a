"""Compressed JSON Lines (``.jsonl.gz``, ``.jsonl.bz2``, ``.jsonl.xz``) in and out of
``amparo screen --batch``, ``amparo impact`` and ``amparo synth encounters``: the same rows as the
plain text gives, read chunk by chunk; a file its codec cannot read stops the run naming IN, with
nothing written; Parquet is never wrapped in a codec."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import disagreements
from eu_applications import eu_application
from typer.testing import CliRunner

from amparo.batch.compression import InputFile
from amparo.batch.files import screen_file
from amparo.batch.json_lines import line_chunks
from amparo.batch.synth import write_documents
from amparo.cli import build_app, main
from amparo.engine.registry import PackRegistry
from amparo.errors import InputError
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK

RUNNER = CliRunner()

COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
}
DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.decompress,
    ".bz2": bz2.decompress,
    ".xz": lzma.decompress,
}


def _run(*args: str) -> Any:
    return RUNNER.invoke(build_app(), list(args))


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic encounters and EU applications in one JSON Lines file, with a line that is not
    JSON among them."""
    path = tmp_path_factory.mktemp("plain") / "mixed.jsonl"
    write_documents(700, 11, path, US_PACK)
    lines = path.read_text(encoding="utf-8").splitlines()
    applications = [json.dumps(eu_application(random.Random(n), n)) for n in range(60)]
    lines[100:100] = applications
    lines.insert(3, '{"schema": "amparo/encounter@1", "id": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _packed(plain: Path, folder: Path, suffix: str) -> Path:
    packed = folder / f"{plain.name}{suffix}"
    packed.write_bytes(COMPRESS[suffix](plain.read_bytes()))
    return packed


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_compressed_lines_give_the_rows_of_the_plain_file(plain: Path, tmp_path: Path, suffix: str) -> None:
    registry = PackRegistry([US_PACK, EU_PACK])
    expected = tmp_path / "plain-out.jsonl"
    screen_file(plain, expected, registry, progress=False, chunk_rows=128)
    packed = _packed(plain, tmp_path, suffix)
    out = tmp_path / f"out.jsonl{suffix}"
    report = screen_file(packed, out, registry, progress=False, chunk_rows=128)
    assert report.rows == len(plain.read_text().splitlines())
    assert report.invalid == 1
    assert DECOMPRESS[suffix](out.read_bytes()) == expected.read_bytes()
    table = tmp_path / "out.parquet"
    screen_file(packed, table, registry, progress=False, chunk_rows=128)
    rows = pl.read_parquet(table).to_dicts()
    assert rows[3]["error"]["errors"][0]["message"].startswith("line 4 is not valid JSON")
    del rows[3]
    documents = [json.loads(line) for i, line in enumerate(plain.read_text().splitlines()) if i != 3]
    eu = [i for i, d in enumerate(documents) if d.get("schema") == "amparo/eu-application@1"]
    assert len(eu) == 60
    us = sorted(set(range(len(documents))) - set(eu))
    assert disagreements([documents[i] for i in us], [rows[i] for i in us], US_PACK) == []
    assert disagreements([documents[i] for i in eu], [rows[i] for i in eu], EU_PACK) == []


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_chunks_of_a_compressed_file_account_for_all_of_it(plain: Path, tmp_path: Path, suffix: str) -> None:
    """The progress bar runs over the file as stored: the chunks' bytes add up to its size, and
    their lines are the text's."""
    packed = _packed(plain, tmp_path, suffix)
    chunks = list(line_chunks(packed, 100))
    assert len(chunks) > 5
    assert sum(chunk.consumed for chunk in chunks) == packed.stat().st_size
    assert b"".join(chunk.data for chunk in chunks) == plain.read_bytes()
    assert [chunk.first for chunk in chunks] == [1 + 100 * i for i in range(len(chunks))]


def test_a_compressed_array_and_object_are_read_as_the_plain_ones(plain: Path, tmp_path: Path) -> None:
    documents = [json.loads(line) for line in plain.read_text().splitlines()[:50] if line.endswith("}")]
    for name, text in (
        ("array.json", json.dumps(documents, indent=1)),
        ("one.json", json.dumps(documents[0], indent=2)),
    ):
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        packed = _packed(source, tmp_path, ".gz")
        expected, out = tmp_path / f"{name}.out.jsonl", tmp_path / f"{name}.gz.out.jsonl"
        screen_file(source, expected, US_PACK, progress=False)
        screen_file(packed, out, US_PACK, progress=False)
        assert out.read_text() == expected.read_text()
        assert len(out.read_text().splitlines()) == (len(documents) if name == "array.json" else 1)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.jsonl.gz", lambda text: gzip.compress(text)[: len(gzip.compress(text)) // 2]),
        ("text.jsonl.gz", lambda text: text),
        ("text.jsonl.xz", lambda text: text),
        (
            "spoiled.jsonl.bz2",
            lambda text: bz2.compress(text)[:200] + b"\x00" * 64 + bz2.compress(text)[264:],
        ),
    ],
)
def test_a_file_its_codec_cannot_read_stops_the_run_naming_in(
    plain: Path,
    tmp_path: Path,
    name: str,
    content: Callable[[bytes], bytes],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / name
    source.write_bytes(content(plain.read_bytes()))
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError) as raised:
        screen_file(source, out, US_PACK, progress=False, chunk_rows=64)
    error = raised.value.errors[0]
    assert error.path == "IN"
    assert "cannot be read as a" in error.message and name in error.message
    assert list(tmp_path.iterdir()) == [source]  # nothing written, not even a part
    with pytest.raises(SystemExit) as exit_:
        main(["screen", "--batch", str(source), "--out", str(out)])
    assert exit_.value.code == 2
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert f"IN: {name} cannot be read as a" in err and "Traceback" not in err and "bug" not in err
    assert list(tmp_path.iterdir()) == [source]


@pytest.mark.parametrize(("given", "option"), [("IN", "IN"), ("OUT", "--out")])
def test_parquet_in_a_codec_is_refused_naming_the_option(tmp_path: Path, given: str, option: str) -> None:
    source = tmp_path / ("in.parquet.gz" if given == "IN" else "in.jsonl")
    source.write_bytes(gzip.compress(b"") if given == "IN" else b"")
    out = tmp_path / ("out.parquet.gz" if given == "OUT" else "out.jsonl")
    with pytest.raises(InputError) as raised:
        screen_file(source, out, US_PACK, progress=False)
    assert raised.value.errors[0].path == option
    assert "a Parquet file compresses its own columns" in raised.value.errors[0].message


def test_impact_and_synth_read_and_write_compressed_lines(plain: Path, tmp_path: Path) -> None:
    packed = _packed(plain, tmp_path, ".xz")
    outputs = {}
    for source, out in ((plain, tmp_path / "impact.jsonl"), (packed, tmp_path / "impact.jsonl.bz2")):
        result = _run(
            "impact",
            str(source),
            "--before",
            "2023-01-01",
            "--after",
            "2026-07-01",
            "--json",
            "--out",
            str(out),
        )
        assert result.exit_code == 0, result.output
        counts = json.loads(result.output)
        counts.pop("seconds")
        outputs[out.suffix] = counts
    assert outputs[".jsonl"] == outputs[".bz2"]
    assert outputs[".jsonl"]["changed"] > 0
    text = (tmp_path / "impact.jsonl").read_bytes()
    assert bz2.decompress((tmp_path / "impact.jsonl.bz2").read_bytes()) == text
    assert len(text.splitlines()) == outputs[".jsonl"]["changed"]

    synth_plain, synth_gz = tmp_path / "s.jsonl", tmp_path / "s.jsonl.gz"
    for out in (synth_plain, synth_gz):
        assert _run("synth", "encounters", "--n", "300", "--seed", "4", "--out", str(out)).exit_code == 0
    assert gzip.decompress(synth_gz.read_bytes()) == synth_plain.read_bytes()


def test_an_empty_input_gives_an_empty_compressed_file(tmp_path: Path) -> None:
    source = tmp_path / "empty.jsonl.gz"
    source.write_bytes(gzip.compress(b""))
    out = tmp_path / "out.jsonl.xz"
    assert screen_file(source, out, US_PACK, progress=False).rows == 0
    assert lzma.decompress(out.read_bytes()) == b""
    with InputFile(out) as handle:
        assert handle.read() == b""
