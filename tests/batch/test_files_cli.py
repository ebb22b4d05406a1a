"""``amparo screen --batch IN --out OUT`` and ``amparo synth encounters`` from the command line:
JSON Lines and Parquet by extension, one row per input in order, error rows with their JSON
paths, exit 2 when any row is invalid; the same rows whichever the formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import as_json, disagreements, single_row
from typer.testing import CliRunner

from amparo.batch.columns import documents_of
from amparo.cli import build_app, main
from amparo.rules.us import US_PACK

RUNNER = CliRunner()


def _run(*args: str) -> Any:
    return RUNNER.invoke(build_app(), list(args))


@pytest.fixture(scope="module")
def encounters_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    out = folder / "encounters.parquet"
    result = _run("synth", "encounters", "--n", "600", "--seed", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_synth_is_deterministic_and_writes_both_formats(encounters_file: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.parquet"
    assert _run("synth", "encounters", "--n", "600", "--seed", "5", "--out", str(again)).exit_code == 0
    assert pl.read_parquet(again).equals(pl.read_parquet(encounters_file))
    other = tmp_path / "other.parquet"
    assert _run("synth", "encounters", "--n", "600", "--seed", "6", "--out", str(other)).exit_code == 0
    assert not pl.read_parquet(other).equals(pl.read_parquet(encounters_file))
    lines = tmp_path / "e.jsonl"
    assert _run("synth", "encounters", "--n", "600", "--seed", "5", "--out", str(lines)).exit_code == 0
    documents = [json.loads(x) for x in lines.read_text().splitlines()]
    assert documents == as_json(documents_of(pl.read_parquet(encounters_file)))


def test_parquet_to_parquet_and_jsonl_to_jsonl_agree(encounters_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    result = _run("screen", "--batch", str(encounters_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = pl.read_parquet(out).to_dicts()
    documents = documents_of(pl.read_parquet(encounters_file))
    assert len(rows) == len(documents)
    assert disagreements(documents, rows, US_PACK) == []

    # Statistics for the columns of one value a row (a reader filters on them), none for lists.
    import pyarrow.parquet as pq

    group = pq.ParquetFile(out).metadata.row_group(0)
    columns = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    assert columns["encounter_id"].statistics.has_min_max
    assert columns["as_of"].statistics.min <= columns["as_of"].statistics.max
    assert columns["flags.list.element"].statistics is None

    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(d) for d in as_json(documents)) + "\n")
    out_lines = tmp_path / "out.jsonl"
    assert _run("screen", "--batch", str(source), "--out", str(out_lines)).exit_code == 0
    lines = [json.loads(x) for x in out_lines.read_text().splitlines()]
    keys = ("encounter_id", *US_PACK.program.summary_keys, "flags")
    assert [{k: r[k] for k in keys} for r in lines] == [{k: r[k] for k in keys} for r in rows]


def test_invalid_rows_give_error_rows_in_place_and_exit_2(tmp_path: Path) -> None:
    good = {
        "id": "G-1",
        "encountered_on": "2020-02-10",
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": ["HN"]},
    }
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                json.dumps({**good, "id": "B-1", "person": {"nationalities": ["hn"]}}),
                json.dumps({**good, "id": "G-2"}),
            ]
        )
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    result = _run("screen", "--batch", str(source), "--out", str(out), "--as-of", "2020-03-01")
    assert result.exit_code == 2
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["encounter_id"] for r in rows] == ["G-1", None, "B-1", "G-2"]
    assert "line 2" in rows[1]["error"]["errors"][0]["message"]
    assert rows[2]["error"]["errors"][0]["path"] == "/person/nationalities/0"
    assert rows[0]["as_of"] == "2020-03-01" and "error" not in rows[0]


def test_json_and_lang_give_the_runs_report_in_batch_mode(
    encounters_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    result = _run("screen", "--batch", str(encounters_file), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the report alone on standard output
    assert (report["documents"], report["invalid"], report["out"]) == (600, 0, str(out))
    assert report["warnings"] == [] and report["as_of"] is None
    assert len(out.read_text().splitlines()) == 600

    result = _run("screen", "--batch", str(encounters_file), "--out", str(out), "--lang", "es")
    assert result.exit_code == 0
    assert "600 documentos evaluados, escritos en" in result.stderr and "0 no válidos" in result.stderr

    # One document is said in the singular; a decision read past its pack's currency is warned of,
    # as `amparo screen` warns (the batch said neither: "1 documents", no warning).
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(as_json(documents_of(pl.read_parquet(encounters_file).head(1)))[0]) + "\n")
    late = "2099-01-01"
    for lang, said, warned in (
        ("en", "1 document screened into", "warning: 1 decision reads the law past the date"),
        ("es", "1 documento evaluado, escrito en", "aviso: 1 decisión aplica la normativa después"),
    ):
        result = _run("screen", "--batch", str(one), "--out", str(out), "--as-of", late, "--lang", lang)
        assert result.exit_code == 0, result.output
        assert said in result.stderr and warned in result.stderr, result.stderr
    report = json.loads(
        _run("screen", "--batch", str(one), "--out", str(out), "--as-of", late, "--json").stdout
    )
    assert report["beyond_currency"] == 1

    for args, named in (
        (["--out", "-", "--json"], "--json"),
        (["--out", str(out), "--lang", "fr"], "--lang"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(["screen", "--batch", str(encounters_file), *args])
        assert exit_.value.code == 2
        assert named in capsys.readouterr().err


def test_a_bad_extension_or_missing_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:

    source = tmp_path / "in.jsonl"
    source.write_text("")
    for args, named in (
        (["--batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl")], "IN"),
        (["--batch", str(source), "--out", str(tmp_path / "o.csv")], "--out"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(["screen", *args])
        assert exit_.value.code == 2
        assert named in capsys.readouterr().err


def test_an_output_in_a_missing_folder_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused up front, for every command that writes one (screening millions of rows and then
    failing to write them would lose the work)."""

    source = tmp_path / "in.jsonl"
    source.write_text("")
    folder = tmp_path / "a-folder.parquet"
    folder.mkdir()
    missing = str(tmp_path / "no-such-folder" / "out.parquet")
    for args, said in (
        (["screen", "--batch", str(source), "--out", missing], "no such folder"),
        (
            ["impact", str(source), "--before", "2020-01-01", "--after", "2021-01-01", "--out", missing],
            "no such folder",
        ),
        (["synth", "encounters", "--n", "3", "--seed", "1", "--out", missing], "no such folder"),
        (["screen", "--batch", str(source), "--out", str(folder)], "is a folder"),
        # A name ending in "/" names a folder (as cp reads it); the file without it was written.
        (["screen", "--batch", str(source), "--out", f"{tmp_path}/new.parquet/"], "names a folder"),
        (
            [
                "impact",
                str(source),
                "--before",
                "2020-01-01",
                "--after",
                "2021-01-01",
                "--out",
                f"{tmp_path}/i.jsonl/",
            ],
            "names a folder",
        ),
        (
            ["synth", "encounters", "--n", "3", "--seed", "1", "--out", f"{tmp_path}/s.parquet/"],
            "names a folder",
        ),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 2, args
        err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
        assert "--out" in err and said in err, err
    assert not (tmp_path / "no-such-folder").exists()
    assert not {"new.parquet", "i.jsonl", "s.parquet"} & {p.name for p in tmp_path.iterdir()}


def test_a_json_array_and_a_wrapped_spec_example(tmp_path: Path) -> None:
    """A file holding one JSON array is read whole; a spec example wrapped under /encounter is named
    as `amparo screen` names it."""
    doc = {
        "id": "A-1",
        "encountered_on": "2020-02-10",
        "place": {"border": "southwest_land", "manner": "between_ports"},
        "person": {"nationalities": ["HN"]},
    }
    source = tmp_path / "array.json"
    source.write_text(json.dumps([doc, {"encounter": doc, "expected_summary": {}}], indent=2))
    out = tmp_path / "out.jsonl"
    assert _run("screen", "--batch", str(source), "--out", str(out)).exit_code == 2
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows[0]["encounter_id"] == "A-1" and rows[0]["aca_removal_to"] == "GT"
    assert rows[1]["error"]["errors"][0]["path"] == "/encounter"


@pytest.mark.parametrize("indent", [None, 1])
def test_a_json_array_is_read_in_columns_as_json_lines_are(
    encounters_file: Path, tmp_path: Path, indent: int | None
) -> None:
    """A whole JSON array (on one line, or indented) is read in columns, as the same documents in
    JSON Lines are (each was read one by one before, three times over by ``impact``): the same
    rows and counts. An element that is not an object, or holds a number past a float's range
    (read as infinite, as ``amparo screen`` reads it), is a line as in JSON Lines, and its row is
    the single evaluator's."""
    from amparo.batch.files import json_input
    from amparo.batch.json_lines import LineChunk
    from amparo.cli.packs import pack_registry

    documents = as_json(documents_of(pl.read_parquet(encounters_file)))
    documents[3]["person"]["nationalities"] = ["XX"]
    lines, array = tmp_path / "e.jsonl", tmp_path / "e.json"
    lines.write_text("".join(json.dumps(d) + "\n" for d in documents))
    array.write_text(json.dumps(documents, indent=indent))
    registry = pack_registry()
    assert {type(chunk) for chunk in json_input(array, registry, 200)} == {LineChunk}
    assert sum(chunk.consumed for chunk in json_input(array, registry, 200)) == array.stat().st_size
    for source in (lines, array):
        result = _run("screen", "--batch", str(source), "--out", str(tmp_path / f"{source.suffix}.jsonl"))
        assert result.exit_code == 2, result.output  # the one invalid document
    rows = (tmp_path / ".json.jsonl").read_text()
    assert rows == (tmp_path / ".jsonl.jsonl").read_text()
    expected = as_json([single_row(d, US_PACK) for d in documents])
    assert [
        {k: json.loads(r).get(k) for k in e} for r, e in zip(rows.splitlines(), expected, strict=True)
    ] == expected
    impact = [
        json.loads(_run("impact", str(s), "--before", "2024-05-01", "--after", "2024-07-01", "--json").stdout)
        for s in (lines, array)
    ]
    for counts in impact:
        counts.pop("seconds")
    assert impact[0] == impact[1] and impact[0]["changed"] > 0

    odd = [*documents[:250], 7, *documents[250:450], {**documents[450], "person": {"age": 1e400}}]
    array.write_text(json.dumps(odd).replace("Infinity", "1e400"))
    kinds = [type(chunk) for chunk in json_input(array, registry, 200)]
    assert kinds == [LineChunk, LineChunk, LineChunk]  # the 7 in the second, 1e400 in the third
    result = _run("screen", "--batch", str(array), "--out", str(tmp_path / "odd.jsonl"))
    rows = [json.loads(r) for r in (tmp_path / "odd.jsonl").read_text().splitlines()]
    assert len(rows) == len(odd) and rows[250]["error"] is not None
    last = as_json([single_row(json.loads(array.read_text())[-1], US_PACK)])[0]
    assert {k: rows[-1].get(k) for k in last} == last and rows[-1]["error"] is not None


@pytest.mark.parametrize("command", ["screen", "impact"])
def test_the_chunk_size_setting_reaches_the_reader(
    encounters_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    import amparo.batch.files as files
    import amparo.batch.impact as impact

    sizes: list[int] = []
    module = files if command == "screen" else impact
    read = module.parquet_chunks

    def recorded(path: Path, size: int = files.PARQUET_CHUNK, reader: str = "arrow") -> Any:
        sizes.append(size)
        return read(path, size, reader)

    monkeypatch.setattr(module, "parquet_chunks", recorded)
    monkeypatch.setenv("AMPARO_BATCH_CHUNK_ROWS", "1000")
    if command == "screen":
        result = _run("screen", "--batch", str(encounters_file), "--out", str(tmp_path / "o.parquet"))
    else:
        result = _run("impact", str(encounters_file), "--before", "2020-01-01", "--after", "2024-07-01")
    assert result.exit_code == 0, result.output
    assert sizes == [1000]


def _second_row_past_the_calendar() -> dict[str, Any]:
    """For each date field of encounter v1 (its JSON path), the column with the second row's day
    past the calendar (years 0001 to 9999), nested ones too."""
    second = pl.int_range(pl.len()) == 1
    route = pl.col("route").list.eval(
        pl.element().struct.with_fields(pl.date(10183, 9, 21).alias("entered_on"))
    )
    return {
        "/encountered_at": pl.when(second)
        .then(pl.datetime(10000, 1, 1, 11, time_zone="UTC"))
        .otherwise(pl.col("encountered_at"))
        .alias("encountered_at"),
        "/encountered_on": pl.when(second).then(pl.date(10000, 3, 1)).otherwise(pl.col("encountered_on")),
        "/adjudicated_on": pl.when(second).then(pl.date(-5, 3, 1)).otherwise(pl.col("adjudicated_on")),
        "/person/birth_date": pl.when(second)
        .then(pl.col("person").struct.with_fields(pl.date(12000, 1, 1).alias("birth_date")))
        .otherwise(pl.col("person")),
        "/route/0/entered_on": pl.when(second & (pl.col("route").list.len() > 0))
        .then(route)
        .otherwise(pl.col("route")),
        "/documents/metered_before": pl.when(second)
        .then(pl.struct(pl.date(10000, 1, 1).alias("metered_before")))
        .otherwise(pl.col("documents")),
    }


@pytest.mark.parametrize("statistics", [True, False])
def test_parquet_dates_past_the_calendar_give_an_error_row_at_their_path(
    encounters_file: Path, tmp_path: Path, statistics: bool
) -> None:
    """A Parquet file can hold a date or an instant past year 9999, which Python cannot (the batch
    stopped with a traceback): that row gets the error a JSON document writing the day as text
    gets, at its path (nested ones too), whether the file has statistics or not; the others are
    screened as the single evaluator screens them, and `impact` counts the row as invalid."""
    import pyarrow.parquet as pq

    frame = pl.read_parquet(encounters_file).head(6)
    cases = _second_row_past_the_calendar()
    expected = as_json([single_row(d, US_PACK) for d in as_json(documents_of(frame))])
    for path, value in cases.items():
        column = path.split("/")[1]
        source, out = tmp_path / f"{column}.parquet", tmp_path / f"{column}.jsonl"
        pq.write_table(
            frame.with_columns(value.alias(column)).to_arrow(), source, write_statistics=statistics
        )
        assert _run("screen", "--batch", str(source), "--out", str(out)).exit_code == 2
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == 6
        paths = [e["path"] for e in rows[1]["error"]["errors"]]
        assert path in paths, paths
        for i in (0, 2, 3, 4, 5):
            assert {k: rows[i].get(k) for k in expected[i]} == expected[i], (path, i)
        impact = _run("impact", str(source), "--before", "2020-01-01", "--after", "2024-06-05", "--json")
        assert impact.exit_code == 0, impact.output
        assert json.loads(impact.output)["invalid"] == 1


@pytest.mark.parametrize(("workers", "as_of"), [(1, None), (2, None), (1, "2024-07-01")])
def test_frames_in_memory_with_days_past_the_calendar_give_an_error_row(
    encounters_file: Path, workers: int, as_of: str | None
) -> None:
    """The same through the Python API (``BatchScreener.screen_frame``, a Polars frame given in
    memory, in pieces or whole): it raised ``ValueError`` from Polars' conversion to Python dates,
    and a day the facts never bound (an adjudication date read ``--as-of``, ``metered_before``)
    gave a decision where the single evaluator gives an error."""
    import datetime as dt

    from amparo.batch.runner import PIECE_ROWS, BatchScreener

    frame = pl.read_parquet(encounters_file)
    frame = pl.concat([frame] * (-(-2 * PIECE_ROWS // frame.height)))[: 2 * PIECE_ROWS]
    frame = frame.with_columns(pl.format("e-{}", pl.int_range(pl.len())).alias("id"))
    for path, value in _second_row_past_the_calendar().items():
        column = path.split("/")[1]
        given = frame.with_columns(value.alias(column))
        read_on = dt.date.fromisoformat(as_of) if as_of else None
        out = BatchScreener(US_PACK, workers=workers, as_of=read_on).screen_frame(given)
        assert out.height == given.height
        assert [e["path"] for e in out["error"][1]["errors"]] == [path]
        head = as_json(out.head(6).to_dicts())
        documents = as_json(documents_of(frame.head(6)))
        expected = as_json([single_row(d, US_PACK, as_of=read_on) for d in documents])
        for i in (0, 2, 3, 4, 5):
            assert {k: head[i].get(k) for k in expected[i]} == expected[i], (path, i)
        assert out["error"].is_null().sum() == given.height - 1


def test_days_past_the_calendar_become_text_at_any_depth_in_a_sliced_table() -> None:
    """The Arrow side of the above: only a column holding such a day changes, each of its dates
    written as encounter v1 writes them, nulls kept, in a table that is a slice of a larger one."""
    import pyarrow as pa

    from amparo.batch.calendar import past_the_calendar_as_text

    day = pa.int32()
    route = pa.list_(pa.struct([("country", pa.string()), ("entered_on", pa.date32())]))
    table = pa.table(
        {
            "on": pa.array([0, 1, 2, 3], day).cast(pa.date32()),
            "route": pa.array(
                [
                    [{"country": "MX", "entered_on": None}],
                    None,
                    [{"country": "GT", "entered_on": 19_000}, {"country": "MX", "entered_on": 3_000_000}],
                    [],
                ],
                pa.list_(pa.struct([("country", pa.string()), ("entered_on", day)])),
            ).cast(route),
        }
    ).slice(1)
    out = past_the_calendar_as_text(table)
    assert out.column("on") == table.column("on")  # untouched: within the calendar
    assert out.column("route").to_pylist() == [
        None,
        [{"country": "GT", "entered_on": "2022-01-08"}, {"country": "MX", "entered_on": "10183-09-21"}],
        [],
    ]
    within = table.select(["on"])
    assert past_the_calendar_as_text(within) is within  # nothing to change: the table as it was


@pytest.mark.parametrize(
    "command",
    [
        ["synth", "encounters", "--n", "5", "--seed", "-1", "--out", "{tmp}/e.jsonl"],
        ["synth", "population", "--n", "5", "--seed", "-1", "--out", "{tmp}/people"],
        ["demo", "--seed", "-1", "--size", "150", "--out", "{tmp}/demo"],
    ],
)
def test_a_negative_seed_is_refused_as_the_users_mistake(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """numpy's generators take no negative seed: it stopped each command as "a bug in amparo"."""
    with pytest.raises(SystemExit) as exit_:
        main([part.format(tmp=tmp_path) for part in command])
    assert exit_.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "'--seed'" in err and "greater than or equal to 0" in err
    assert "bug" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_name_is_refused_naming_its_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--batch ""`` read the current folder as a folder of Parquet parts; ``impact --out ""``
    wrote nothing and said nothing."""
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.jsonl"
    source.write_text("")
    for args, option in (
        (["screen", "--batch", "", "--out", "o.jsonl"], "--batch"),
        (["screen", "--batch", str(source), "--out", ""], "--out"),
        (["impact", "", "--before", "2020-01-01", "--after", "2021-01-01"], "IN"),
        (["impact", str(source), "--before", "2020-01-01", "--after", "2021-01-01", "--out", ""], "--out"),
        (["synth", "encounters", "--n", "3", "--seed", "1", "--out", ""], "--out"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 2, args
        err = " ".join(capsys.readouterr().err.split())
        assert f"{option}: expected a file name" in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
