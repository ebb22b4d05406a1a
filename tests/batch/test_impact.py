"""``amparo impact``: who changes outcome between two readings of the law, and under a rule change
given as data (the 2024 rule vacated from a date; an agreement phase extended)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import disagreements
from typer.testing import CliRunner

from amparo.batch.change_file import RuleChange, load_change
from amparo.batch.columns import documents_of
from amparo.batch.impact import Impact
from amparo.batch.overlay import overlay
from amparo.batch.runner import BatchScreener
from amparo.cli import build_app
from amparo.errors import InputError
from amparo.rules.us import US_PACK

VACATED = {
    "changes": [
        {
            "block": {"instrument": "securing_border_2024"},
            "from": "2024-07-01",
            "status": "vacated",
            "citation": "What-if: the 2024 rule vacated from July 1, 2024",
        }
    ]
}


def test_the_2024_rule_vacated_changes_exactly_those_it_barred_after_the_date(synthetic: Any) -> None:
    changed_pack = overlay(US_PACK, RuleChange.model_validate(VACATED))
    impact = Impact(US_PACK, changed_pack, before_on=None, after_on=None)
    before = impact.before.screen_frame(synthetic)
    after = impact.after.screen_frame(synthetic)
    where = pl.DataFrame({"nationality": ["X"] * synthetic.height, "month": ["2024-01"] * synthetic.height})
    rows = impact.chunk(before, after, where)
    barred = before.filter(
        pl.col("asylum_bars").list.contains("securing_border_2024") & (pl.col("as_of") >= dt.date(2024, 7, 1))
    )
    assert barred.height > 0
    assert set(rows["encounter_id"]) == set(barred["encounter_id"])
    assert (
        not after["asylum_bars"]
        .list.contains("securing_border_2024")
        .filter(after["as_of"] >= dt.date(2024, 7, 1))
        .any()
    )
    assert impact.counts.by_key["asylum_bars"] == barred.height
    # The single evaluator reads the same changed book.
    documents = documents_of(synthetic.head(600))
    out = BatchScreener(changed_pack, verify_sample=0).screen_frame(synthetic.head(600)).to_dicts()
    assert disagreements(documents, out, changed_pack) == []


def test_the_shipped_example_is_the_2024_rule_vacated() -> None:
    """``examples/changes/2024-rule-vacated-2024-07-01.yaml`` (docs/BATCH.md) is the what-if above."""
    example = Path(__file__).resolve().parents[2] / "examples/changes/2024-rule-vacated-2024-07-01.yaml"
    assert load_change(example) == RuleChange.model_validate(VACATED)


def test_an_extended_phase_is_read_in_place_of_the_next(synthetic: Any) -> None:
    change = RuleChange.model_validate(
        {
            "changes": [
                {
                    "extend": {"rule": "aca.guatemala_2019", "version": "phase_1_el_paso"},
                    "until": "2020-02-01",
                }
            ]
        }
    )
    book = overlay(US_PACK, change).law_book()
    rule = book.rule("aca.guatemala_2019")
    versions = [(v.version, v.valid_from, v.valid_to) for v in rule.versions]
    # the phase as it was, then its extension, which cites the change too
    assert ("phase_1_el_paso", dt.date(2019, 11, 21), dt.date(2019, 12, 12)) in versions
    assert ("phase_1_el_paso", dt.date(2019, 12, 12), dt.date(2020, 2, 1)) in versions
    extension = next(v for v in rule.versions if v.valid_from == dt.date(2019, 12, 12))
    assert extension.citations[-1] == "Hypothetical rule change (amparo impact --change)"
    assert all(v != "families" for v, _, _ in versions)
    assert ("mexicans", dt.date(2020, 2, 1), dt.date(2020, 3, 16)) in versions
    assert book.version != US_PACK.law_book().version


def test_a_bad_change_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "change.yaml"
    path.write_text("changes:\n  - block: {rule: bar.nothing}\n    from: 2024-07-01\n")
    with pytest.raises(InputError) as error:
        overlay(US_PACK, load_change(path))
    assert error.value.errors[0].path == "/changes/0/block/rule"
    path.write_text("changes:\n  - block: {rule: uac}\n    from: someday\n")
    with pytest.raises(InputError) as error:
        load_change(path)
    assert error.value.errors[0].path == "/changes/0/from"


def test_a_change_file_s_errors_are_one_line_and_name_the_file(
    synthetic: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by testers: a file that is not YAML gave PyYAML's message over several lines (with the
    text it read), and a rule no pack holds was said without the file's name."""
    from amparo.cli import main

    source = tmp_path / "in.parquet"
    synthetic.head(20).write_parquet(source)
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"id": "a"}\n{"id": "b"}\n')
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("changes:\n  - block: {rule: bar.nothing}\n    from: 2024-07-01\n")
    for change, said in [
        (
            lines,
            "--change: lines.jsonl is not valid YAML or JSON: expected '<document start>', but found '{' at line 2, column 1",
        ),
        (unknown, f"The input is not valid in {unknown}: /changes/0/block/rule: no rule 'bar.nothing'"),
    ]:
        with pytest.raises(SystemExit) as ended:
            main(["impact", str(source), "--change", str(change)])
        assert ended.value.code == 2
        err = capsys.readouterr().err
        assert said in " ".join(err.split()) and err.count("\n") == 1, err


EXTEND = "  - extend: {rule: aca.guatemala_2019, version: phase_1_el_paso}\n"
BLOCK = "  - block: {instrument: securing_border_2024}\n"


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (BLOCK + "    from: 2024-13-01\n", "/changes/0/from", "expected a date written YYYY-MM-DD"),
        (BLOCK + "    from: 2024-07-01\n    to: 2024-01-01\n", "/changes/0/to", "not after it starts"),
        (BLOCK + "    from: 2024-07-01\n    to: 2024-07-01\n", "/changes/0/to", "not after it starts"),
        (BLOCK + "    to: 2024-07-01\n", "/changes/0/from", "a block needs the date it starts"),
        (
            BLOCK + "    from: 2024-07-01\n    until: 2025-01-01\n",
            "/changes/0/until",
            "'until' is for 'extend'",
        ),
        (
            "  - block: {rule: bar.securing_border_2024, version: ifr_2024}\n    from: 2024-07-01\n",
            "/changes/0/block/version",
            "give the dates, not a version",
        ),
        (EXTEND + "    until: 2020-02-01\n    from: 2019-12-01\n", "/changes/0/from", "only 'until'"),
        (EXTEND + "    until: 2020-02-01\n    status: vacated\n", "/changes/0/status", "only 'until'"),
        (EXTEND, "/changes/0/until", "an extension needs its new end"),
        (
            "  - extend: {rule: aca.guatemala_2019}\n    until: 2020-02-01\n",
            "/changes/0/extend/version",
            "name",
        ),
        (
            "  - extend: {version: families}\n    until: 2020-02-01\n",
            "/changes/0/extend",
            "name either a rule or an instrument",
        ),
        ("  - {from: 2020-02-01}\n", "/changes/0", "give either 'block' or 'extend'"),
    ],
)
def test_a_change_that_is_not_whole_is_refused_at_its_field(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    path = tmp_path / "change.yaml"
    path.write_text("changes:\n" + text)
    with pytest.raises(InputError) as error:
        load_change(path)
    assert [(e.path, words in e.message) for e in error.value.errors] == [(where, True)]


@pytest.mark.parametrize(
    ("until", "words"),
    [
        ("2019-12-01", "already ends on 2019-12-12: an extension ends later (to end it sooner, block"),
        ("2019-01-01", "'until' is before it starts on 2019-11-21"),
        ("2019-12-12", "already ends on 2019-12-12"),
    ],
)
def test_an_extension_that_would_shorten_its_version_is_refused(
    tmp_path: Path, until: str, words: str
) -> None:
    """Before, an earlier end left days with no version in force (their rows became errors) or
    stopped the command with an inconsistent law book."""
    path = tmp_path / "change.yaml"
    path.write_text(f"changes:\n{EXTEND}    until: {until}\n")
    with pytest.raises(InputError) as error:
        overlay(US_PACK, load_change(path))
    assert error.value.errors[0].path == "/changes/0/until"
    assert words in error.value.errors[0].message


def test_a_version_in_force_with_no_end_cannot_be_extended(tmp_path: Path) -> None:
    path = tmp_path / "change.json"
    path.write_text(json.dumps({"changes": [{"extend": {"rule": "aca.guatemala_2019", "version": "terminated"},
                                             "until": "2030-01-01"}]}))  # fmt: skip
    with pytest.raises(InputError) as error:
        overlay(US_PACK, load_change(path))
    assert error.value.errors[0].path == "/changes/0/extend/version"
    assert "no end" in error.value.errors[0].message


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("", "an empty file"),
        ("- 1\n", "a list"),
        ("3\n", "a number"),
        ("no\n", "true or false"),
        ("x\n", "text"),
    ],
)
def test_a_change_file_that_is_not_a_mapping_says_what_it_found(
    tmp_path: Path, content: str, found: str
) -> None:
    path = tmp_path / "change.yaml"
    path.write_text(content)
    with pytest.raises(InputError) as error:
        load_change(path)
    assert error.value.errors[0].path == "/"
    assert found in error.value.errors[0].message
    with pytest.raises(InputError) as error:
        load_change(tmp_path)
    assert error.value.errors[0].message == "is a folder; expected a file"


def test_impact_from_the_command_line(synthetic: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    synthetic.write_parquet(source)
    change = tmp_path / "vacated.json"
    change.write_text(json.dumps(VACATED))
    out = tmp_path / "changed.jsonl"
    result = CliRunner().invoke(
        build_app(), ["impact", str(source), "--change", str(change), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    changed = [json.loads(x) for x in out.read_text().splitlines()]
    assert counts["changed"] == len(changed) > 0
    assert counts["screened"] == synthetic.height
    assert sum(counts["by_nationality"].values()) == counts["changed"] == sum(counts["by_month"].values())
    assert all(m >= "2024-" for m in counts["by_month"])
    assert all("securing_border_2024" in row["asylum_bars_before"] for row in changed)

    dates = CliRunner().invoke(
        build_app(), ["impact", str(source), "--before", "2023-05-01", "--after", "2023-06-01"]
    )
    assert dates.exit_code == 0, dates.output
    assert "change outcome between 2023-05-01 and 2023-06-01" in dates.output


def test_every_bad_field_of_a_change_file_is_named_at_once(tmp_path: Path) -> None:
    """A field refused as it is read (a bad date, an unknown field) no longer hides what the other
    changes lack: each is named, in the file's order, and a refused field is not named twice."""
    path = tmp_path / "change.yaml"
    path.write_text(
        "changes:\n"
        + BLOCK
        + "    from: 2024-13-01\n"
        + EXTEND
        + "  - block: {instrument: securing_border_2024, bogus: 2}\n"
        + "    to: 2024-07-01\n"
    )
    with pytest.raises(InputError) as error:
        load_change(path)
    assert [e.path for e in error.value.errors] == [
        "/changes/0/from",
        "/changes/1/until",
        "/changes/2/block/bogus",
        "/changes/2/from",
    ]


def test_impact_of_no_rows_writes_a_parquet_file_of_no_rows(synthetic: Any, tmp_path: Path) -> None:
    """An input of no rows gives an OUT Parquet can read, with the columns a run that read rows
    writes (it was a file of 0 bytes)."""
    empty, rows = tmp_path / "empty.jsonl", tmp_path / "in.parquet"
    empty.write_text("")
    synthetic.head(400).write_parquet(rows)
    outs = {}
    for name, source in (("none", empty), ("some", rows)):
        outs[name] = tmp_path / f"{name}.parquet"
        result = CliRunner().invoke(
            build_app(),
            [
                "impact",
                str(source),
                "--before",
                "2020-01-01",
                "--after",
                "2024-12-01",
                "--out",
                str(outs[name]),
            ],
        )
        assert result.exit_code == 0, result.output
    none, some = pl.read_parquet(outs["none"]), pl.read_parquet(outs["some"])
    assert none.height == 0 < some.height
    assert none.schema == some.schema


def test_a_date_before_the_pack_reads_the_law_is_named_by_its_option(synthetic: Any, tmp_path: Path) -> None:
    """The pack refuses a reading date before its coverage naming ``--as-of``; impact names its own
    option, ``--before`` or ``--after``."""
    source = tmp_path / "in.parquet"
    synthetic.head(50).write_parquet(source)
    for args, option in (
        (["--before", "2017-06-01", "--after", "2024-01-01"], "--before"),
        (["--before", "2024-01-01", "--after", "2017-06-01"], "--after"),
    ):
        result = CliRunner().invoke(build_app(), ["impact", str(source), *args, "--json"])
        assert result.exit_code == 2, result.output  # no row compared
        counts = json.loads(result.output)
        assert counts["invalid"] == 50
        assert {row["path"] for row in counts["invalid_rows"]} == {option}


def test_the_text_report_says_what_it_leaves_out(synthetic: Any, tmp_path: Path) -> None:
    """Past five transitions of a key and ten nationalities the report says how many more there are."""
    source = tmp_path / "in.parquet"
    synthetic.write_parquet(source)
    result = CliRunner().invoke(
        build_app(), ["impact", str(source), "--before", "2020-01-01", "--after", "2024-12-01"]
    )
    assert result.exit_code == 0, result.output
    full = json.loads(
        CliRunner()
        .invoke(
            build_app(), ["impact", str(source), "--before", "2020-01-01", "--after", "2024-12-01", "--json"]
        )
        .output
    )
    text = " ".join(result.output.split())
    for key, item in full["by_key"].items():
        hidden = len(item["transitions"]) - 5
        assert (f"… {hidden} more (" in text) == (hidden > 0) or hidden <= 0, key
    more = len(full["by_nationality"]) - 10
    if more > 0:
        assert f"… {more} more (--json for all)" in text
    assert any(len(item["transitions"]) > 5 for item in full["by_key"].values()) or more > 0


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The height of each frame the US pack extracts facts from, in order."""
    import amparo.rules.us.fact_columns as fact_columns

    heights: list[int] = []
    original = fact_columns.extract_fact_columns

    def counted(documents: Any, as_of: Any, wanted: Any = None) -> Any:
        heights.append(documents.height)
        return original(documents, as_of, wanted)

    monkeypatch.setattr(fact_columns, "extract_fact_columns", counted)
    return heights


def test_both_readings_on_one_date_extract_the_facts_once(
    synthetic: Any, calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a rule change and no dates, the pack and the changed pack read the same facts: they are
    extracted once per chunk, and each side's rows are those its own screener gives alone (a large
    frame is read whole by each side, not cut into pieces the other side would not share)."""
    import amparo.batch.runner as runner

    monkeypatch.setattr(runner, "PIECE_ROWS", 200)
    frame = synthetic.head(2000)
    changed_pack = overlay(US_PACK, RuleChange.model_validate(VACATED))
    impact = Impact(US_PACK, changed_pack, before_on=None, after_on=None)
    before, after = impact.before.screen_frame(frame), impact.after.screen_frame(frame)
    assert calls == [frame.height]
    assert before.equals(BatchScreener(US_PACK, verify_sample=0).screen_frame(frame))
    assert after.equals(BatchScreener(changed_pack, verify_sample=0).screen_frame(frame))
    assert not before.equals(after)
    # Read on two dates, the facts differ (the date the law is read on is one): extracted for each.
    calls.clear()
    dated = Impact(US_PACK, US_PACK, before_on=dt.date(2024, 1, 1), after_on=dt.date(2024, 12, 1))
    dated.before.screen_frame(frame)
    dated.after.screen_frame(frame)
    assert calls == [frame.height, frame.height]
    # Another frame is never given the facts of the one before.
    calls.clear()
    impact.before.screen_frame(frame.head(10))
    impact.after.screen_frame(frame.tail(10))
    assert calls == [10, 10]


def test_chunks_screened_at_once_count_and_write_as_one_at_a_time(
    synthetic: Any, calls: list[int], tmp_path: Path
) -> None:
    """Two chunks in flight (each in its thread, each read by both screeners): the facts are still
    extracted once per chunk, and the counts and changed rows are those of one chunk at a time."""
    from amparo.batch.impact import run_impact

    source = tmp_path / "in.parquet"
    synthetic.head(2000).write_parquet(source)
    changed_pack = overlay(US_PACK, RuleChange.model_validate(VACATED))
    results = {}
    for workers in (1, 2):
        calls.clear()
        impact = Impact(US_PACK, changed_pack, before_on=None, after_on=None, workers=workers)
        out = tmp_path / f"changed-{workers}.parquet"
        counts, _ = run_impact(source, impact, out=out, chunk_rows=400)
        assert calls == [400] * 5, workers
        results[workers] = (counts.as_dict("b", "a", 0.0), pl.read_parquet(out))
    assert results[1][0] == results[2][0] and results[1][0]["changed"] > 0
    assert results[1][1].equals(results[2][1])


def test_impact_over_json_lines_equals_impact_over_parquet(
    synthetic: Any, tmp_path: Path, calls: list[int]
) -> None:
    """JSON lines are read in columns once for both readings; a line refused in columns (here: an
    age written ``30.0``, and a line that is not JSON) is read one by one, in its place."""
    from agreement import as_json

    documents = as_json(documents_of(synthetic.head(1200)))
    documents[5]["person"]["age"] = 30.0
    lines = [json.dumps(d) for d in documents]
    lines.insert(9, "{not json")
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    parquet = tmp_path / "in.parquet"
    synthetic.head(1200).write_parquet(parquet)  # the same documents
    change = tmp_path / "vacated.json"
    change.write_text(json.dumps(VACATED))
    answers = {}
    for path in (source, parquet):
        out = tmp_path / f"changed-{path.suffix[1:]}.parquet"
        result = CliRunner().invoke(
            build_app(), ["impact", str(path), "--change", str(change), "--out", str(out), "--json"]
        )
        assert result.exit_code == 0, result.output
        counts = json.loads(result.output)
        answers[path.suffix] = ({k: v for k, v in counts.items() if k != "seconds"}, pl.read_parquet(out))
    (json_counts, json_rows), (parquet_counts, parquet_rows) = answers[".jsonl"], answers[".parquet"]
    assert json_counts["invalid"] == 1 and json_counts["screened"] == 1201
    assert json_counts["invalid_rows"] == [
        {
            "row": 10,
            "encounter_id": None,
            "path": "",
            "message": "line 10 is not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        }
    ]
    assert {**json_counts, "invalid": 0, "screened": 1200, "invalid_rows": []} == parquet_counts
    assert json_counts["changed"] > 0 and json_rows.equals(parquet_rows)
    # JSON: the chunk's lines in columns extracted once for both readings, the line read one by one
    # once by each; then the Parquet chunk once.
    assert calls == [1199, 1, 1, 1200]


def test_the_text_report_is_said_in_the_language_asked(synthetic: Any, tmp_path: Path) -> None:
    """``--lang es``: the report's words and numbers in Spanish, its codes as they are; English
    unchanged without it."""
    from agreement import as_json

    source = tmp_path / "in.jsonl"
    lines = [json.dumps(d) for d in as_json(documents_of(synthetic.head(400)))]
    source.write_text("\n".join([*lines, '{"id": "X-1"}', "not json"]) + "\n")
    change = tmp_path / "vacated.json"
    change.write_text(json.dumps(VACATED))
    args = ["impact", str(source), "--change", str(change), "--before", "2024-07-02"]
    spanish = CliRunner().invoke(build_app(), [*args, "--lang", "es"])
    english = CliRunner().invoke(build_app(), args)
    assert spanish.exit_code == english.exit_code == 0, spanish.output
    changed = json.loads(CliRunner().invoke(build_app(), [*args, "--json"]).stdout)["changed"]
    assert changed > 0
    said = " ".join(spanish.stdout.split())
    screened = format(len(lines) + 2, ",").replace(",", ".")
    assert (
        f"de {screened} encuentros cambian de resultado con vacated.json, la ley leída el 2024-07-02 "
        "(no válidos: 2;" in said
    )
    assert "asylum_bars:" in said and "por nacionalidad:" in said and "por mes:" in said
    assert "2 filas no válidas no comparadas" in " ".join(spanish.stderr.split())
    assert f"fila {len(lines) + 1} (X-1): /encountered_on: es obligatorio" in " ".join(spanish.stderr.split())
    assert f"fila {len(lines) + 2} (sin id): (el documento):" in " ".join(spanish.stderr.split())
    assert (
        f"of {len(lines) + 2:,} encounters change outcome with vacated.json, the law read on 2024-07-02 (2 invalid;"
        in " ".join(english.stdout.split())
    )
    assert "2 invalid rows not compared" in english.stderr
    refused = CliRunner().invoke(build_app(), [*args, "--lang", "fr"])
    assert refused.exit_code != 0
