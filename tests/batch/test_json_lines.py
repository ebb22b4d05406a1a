"""JSON Lines read column-wise (amparo.batch.json_lines): every line the columns take gives the
single evaluator's answer, and every line they cannot take exactly as given is read one by one,
with the single evaluator's own answer or error (the line number for a line that is not JSON)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from agreement import as_json, disagreements, single_row
from eu_applications import eu_application

from amparo.batch.columns import documents_of
from amparo.batch.files import screen_file
from amparo.batch.json_lines import LineChunk, line_chunks, parse_lines, screen_lines
from amparo.batch.runner import BatchScreener
from amparo.engine.registry import PackRegistry, installed_registry
from amparo.rules.us import US_PACK

GOOD: dict[str, Any] = {
    "schema": "amparo/encounter@1",
    "id": "G-0",
    "encountered_on": "2024-06-20",
    "adjudicated_on": "2024-08-01",
    "place": {"border": "southwest_land", "manner": "between_ports", "location": "El Paso Sector"},
    "person": {"nationalities": ["HN"], "birth_date": "1990-04-02", "sex": "F"},
    "route": [{"country": "GT", "entered_on": "2024-05-01"}, {"country": "MX", "entered_on": "2024-05-09"}],
    "fear_claims": [{"country": "HN", "basis": ["political_opinion"]}],
}


def _with(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    document = copy.deepcopy(base or GOOD)
    *parents, last = path.split("/")
    target: Any = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return document


def _line(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False)


# (line, taken in columns?) — the columns take a line only when Arrow reads it as encounter v1 would.
CASES: list[tuple[str, bool]] = [
    (_line(GOOD), True),
    (_line(_with("encountered_at", "2024-06-20T22:10:05-06:00")), True),
    (_line(_with("encountered_at", "2024-06-21T04:10:05.25Z")), True),
    (_line(_with("encountered_at", "2024-06-20T23:59:59.123456+05:30")), True),
    (_line(_with("extensions", {"agency": {"case": 12, "tags": ["a"]}})), True),
    (_line(_with("person/given_names", "Zoë 😀")), True),
    (_line(_with("person/nationalities/0", "hn")), True),  # vouched against: single evaluator, as given
    (_line(_with("person/sex", "Q")), True),
    (_line(_with("encountered_on", "2031-01-01")), True),  # beyond the pack's coverage: its error
    (_line(_with("encountered_on", "9999-12-31")), True),  # its one-year deadline past the calendar
    (_line(_with("encountered_at", "9999-12-31T23:59:59-12:00")), False),  # in UTC, past year 9999
    (_line(_with("encountered_at", "2024-06-20t22:10:05z")), False),  # valid, but not the usual form
    (_line(_with("encountered_at", "2024-06-20T22:10:05+05:60")), False),
    (_line(_with("encountered_at", "2024-06-20 22:10:05Z")), False),  # refused by encounter v1
    (_line(_with("encountered_at", "2024-06-20T22:10Z")), False),
    (_line(_with("encountered_at", "2024-06-20T22:10:05")), False),
    (_line(_with("encountered_at", "2024-06-20T24:00:00Z")), False),
    (_line(_with("encountered_at", "0999-06-20T22:10:05Z")), False),
    (_line(_with("encountered_on", "2024-6-20")), False),
    (_line(_with("encountered_on", "2023-02-29")), False),
    (_line(_with("encountered_on", "٢٠٢٤-06-20")), False),
    (_line(_with("route/1/entered_on", "2024-13-01")), False),
    (_line(_with("person/age", 30.0)), False),  # a whole number written 30.0: valid, read one by one
    (_line(_with("person/age", "30")), False),
    (_line(_with("person/age", True)), False),
    (_line(_with("schema", 10**20)), False),  # wider than 64 bits: named exactly in the error
    (_line(_with("route/0/protection_claim", "")), True),  # an empty claim is not a missing one
    (_line(_with("id", 12)), False),
    (_line(_with("adjudicated_on", None)), False),
    (_line(_with("person/last_habitual_residence", None)), False),  # a null encounter v1 allows
    (_line(_with("colour", "red")), False),
    (_line(_with("place/colour", "red")), False),
    (_line(_with("route/0/colour", "red")), False),
    (_line(_with("schema", "nobody/else@1")), False),
    (_line(_with("person/given_names", "Annulla")), False),  # 'null' in a value: one by one, same answer
    ('{"id": "D-1", "id": "D-2", ' + _line(GOOD)[1:].replace('"id": "G-0", ', ""), False),
    ("[1, 2]", False),
    ("{not json", False),
    (_line(GOOD) + " " + _line(GOOD), False),
    ("\ufeff" + _line(GOOD), False),
]


def _documents(lines: list[str]) -> list[Any]:
    out: list[Any] = []
    for line in lines:
        try:
            out.append(json.loads(line))  # as `amparo screen` reads a line
        except json.JSONDecodeError:
            out.append(None)
    return out


def _chunk(lines: list[str]) -> LineChunk:
    return LineChunk.of([line.encode() for line in lines], "test.jsonl")


@pytest.mark.parametrize("workers", [1, 2])
def test_each_line_is_taken_in_columns_or_read_one_by_one_with_the_single_evaluators_answer(
    workers: int,
) -> None:
    lines = [line for line, _ in CASES]
    for i, line in enumerate(lines):  # distinct ids, so that each row is told apart
        lines[i] = line.replace('"G-0"', f'"G-{i}"')
    parsed = parse_lines(_chunk(lines), US_PACK)
    taken = [i for i, (_, fast) in enumerate(CASES) if fast]
    assert sorted(parsed.fast) == taken
    assert sorted(parsed.fast + parsed.slow) == list(range(len(lines)))
    screener = BatchScreener(US_PACK, workers=workers)
    rows = screen_lines(screener, parsed).to_dicts()
    assert screener.warnings == []  # the sample check never had to correct the columns
    assert len(rows) == len(lines)
    documents = _documents(lines)
    for i, (row, document) in enumerate(zip(rows, documents, strict=True)):
        if document is None:
            assert row["error"] is not None and f"line {i + 1} " in row["error"]["errors"][0]["message"]
            continue
        expected = single_row(document, PackRegistry([US_PACK]))  # as the screener reads a schema
        assert {k: row[k] for k in expected} == expected, lines[i]
    errors = [r for r in rows if r["error"] is not None]
    assert {e["error"]["errors"][0]["path"] for e in errors} >= {
        "/person/nationalities/0",
        "/schema",
        "/colour",
        "/route/0/protection_claim",
        "/encountered_on",
        "/encountered_at",
    }


def test_synthetic_lines_in_columns_agree_and_instants_keep_their_moment(synthetic: Any) -> None:
    documents = as_json(documents_of(synthetic.head(1500)))
    offsets = ["-06:00", "+01:00", "Z"]
    for i, document in enumerate(documents):  # the same instants written with other offsets
        at = document.get("encountered_at")
        if at and i % 4 == 0:
            moment = dt.datetime.fromisoformat(at)
            offset = offsets[i % 3]
            zone = dt.UTC if offset == "Z" else dt.timezone(dt.timedelta(hours=int(offset[:3])))
            document["encountered_at"] = moment.astimezone(zone).isoformat().replace("+00:00", "Z")
    parsed = parse_lines(_chunk([_line(d) for d in documents]), US_PACK)
    assert parsed.slow == []
    rows = screen_lines(BatchScreener(US_PACK, verify_sample=0), parsed).to_dicts()
    assert disagreements(documents, rows, US_PACK) == []


def test_refused_lines_are_found_by_halving_and_the_rest_stay_in_columns(synthetic: Any) -> None:
    documents = as_json(documents_of(synthetic.head(1000)))
    lines = [_line(d) for d in documents]
    bad = [17, 500, 933]
    for i in bad:
        lines[i] = _line(_with("person/age", "thirty", documents[i]))
    parsed = parse_lines(_chunk(lines), US_PACK)
    assert parsed.slow == bad
    rows = screen_lines(BatchScreener(US_PACK, verify_sample=0), parsed).to_dicts()
    assert [r["error"] is not None for r in rows].count(True) == len(bad)
    assert all(rows[i]["error"]["errors"][0]["path"] == "/person/age" for i in bad)
    assert disagreements(_documents(lines), rows, US_PACK) == []


def test_lines_of_another_pack_are_set_aside_before_arrow_reads_the_chunk(
    synthetic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EU applications among encounter lines go to their own pack without a parse of their own
    (finding them by halving parsed each small group: ten times slower); a line that names the
    pack's own schema in another spelling (an escaped slash) is read one by one too."""
    import random

    import amparo.batch.json_lines as json_lines

    documents: list[Any] = as_json(documents_of(synthetic.head(600)))
    for n in range(0, 600, 7):
        documents[n] = eu_application(random.Random(n), n)
    lines = [_line(d) for d in documents]
    lines[3] = lines[3].replace('"amparo/encounter@1"', '"amparo\\/encounter@1"')
    eu = list(range(0, 600, 7))
    reads: list[int] = []
    read_groups = json_lines._read_groups

    def counted(chunk: Any, group: list[int], *args: Any) -> Any:
        reads.append(len(group))
        return read_groups(chunk, group, *args)

    monkeypatch.setattr(json_lines, "_read_groups", counted)
    parsed = parse_lines(_chunk(lines), US_PACK)
    assert parsed.slow == sorted([*eu, 3])
    assert reads == [600 - len(eu) - 1]  # one read of the encounters, no halving
    registry = installed_registry("us")
    rows = screen_lines(BatchScreener(registry, verify_sample=0), parsed).to_dicts()
    assert [r["pack"] for r in rows[:8]] == ["eu", "us", "us", "us", "us", "us", "us", "eu"]
    assert disagreements(_documents(lines), rows, registry) == []


def test_line_numbers_count_blank_lines_and_chunks(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    good = _line(GOOD)
    source.write_text("\n".join([good, "", good, "  ", "{oops", good, "{again"]) + "\n")
    chunks = list(line_chunks(source, 2))
    assert [(c.first, c.count) for c in chunks] == [(1, 2), (3, 2), (5, 2), (7, 1)]
    assert [chunks[0].line(0), chunks[1].line(1), chunks[3].line(0)] == [good.encode(), b"  ", b"{again"]
    out = tmp_path / "out.jsonl"
    report = screen_file(source, out, US_PACK, chunk_rows=2)
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert report.rows == 5 and report.invalid == 2
    assert "line 5 " in rows[2]["error"]["errors"][0]["message"]
    assert "line 7 " in rows[4]["error"]["errors"][0]["message"]
    assert rows[0]["encounter_id"] == rows[1]["encounter_id"] == "G-0"


def test_a_file_without_a_final_newline_and_crlf_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes((_line(GOOD) + "\r\n" + _line(_with("id", "G-9"))).encode())
    out = tmp_path / "out.parquet"
    report = screen_file(source, out, US_PACK)
    import polars as pl

    frame = pl.read_parquet(out)
    assert report.invalid == 0 and frame["encounter_id"].to_list() == ["G-0", "G-9"]


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_lines_across_read_blocks_and_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    from amparo.batch import json_lines

    monkeypatch.setattr(json_lines, "_READ_BLOCK", block)
    lines = [b'{"a": 1}', b"", b'{"b": "\xc3\xa9\xc3\xa9"}', b"  ", b"x" * 100, b'{"c": [1, 2, 3]}', b"last"]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines))  # no line end after the last line
    for size in (1, 2, 3, 100):
        chunks = list(line_chunks(source, size))
        assert [c.line(i) for c in chunks for i in range(c.count)] == lines
        assert [c.number(i) for c in chunks for i in range(c.count)] == list(range(1, len(lines) + 1))
        assert (
            all(c.count == size for c in chunks[:-1])
            and sum(c.consumed for c in chunks) == source.stat().st_size
        )


def test_a_line_longer_than_arrows_block_is_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from amparo.batch import json_lines

    monkeypatch.setattr(json_lines, "_ARROW_BLOCK", 4096)
    lines = [_line(_with("id", f"L-{i}")) for i in range(60)]
    lines[31] = _line(_with("person/given_names", "María " * 2000, _with("id", "L-31")))
    parsed = parse_lines(_chunk(lines), US_PACK)
    assert parsed.slow == [] and sorted(parsed.fast) == list(range(60))
    rows = screen_lines(BatchScreener(US_PACK), parsed).to_dicts()
    assert [r["encounter_id"] for r in rows] == [f"L-{i}" for i in range(60)]
    assert disagreements(_documents(lines), rows, US_PACK) == []


def test_json_lines_out_mixes_packs_and_error_rows_as_each_row_reads(synthetic: Any, tmp_path: Path) -> None:
    """The JSON Lines writer (encoded column-wise): an error row holds only ``encounter_id`` and
    ``error``; any other row its own pack's keys, with dates as ``YYYY-MM-DD``; in input order."""
    from toy_pack import TOY_PACK, toy_document

    registry = PackRegistry([US_PACK, TOY_PACK], default="us")
    us = as_json(documents_of(synthetic.head(30)))
    documents: list[Any] = []
    for i, document in enumerate(us):
        documents.append(document)
        if i % 5 == 0:
            documents.append(toy_document(id=f"T-{i}", age=20 + i, nationality="AA", arrived_on="2024-06-01"))
        if i % 7 == 0:
            documents.append(_with("person/age", -3, document))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(_line(d) for d in documents) + "\n{not json\n")
    screen_file(source, tmp_path / "out.parquet", registry, verify_sample=0)
    screen_file(source, tmp_path / "out.jsonl", registry, verify_sample=0)
    import polars as pl

    rows = pl.read_parquet(tmp_path / "out.parquet").to_dicts()
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == len(rows) == len(documents) + 1
    keys = {pack.id: pack.program.summary_keys for pack in registry}
    for row, line in zip(rows, lines, strict=True):
        if row["error"] is not None:
            assert line == {"encounter_id": row["encounter_id"], "error": row["error"]}
            continue
        expected = {
            "encounter_id": row["encounter_id"],
            "pack": row["pack"],
            "as_of": row["as_of"].isoformat(),
            **{k: row[k] for k in keys[row["pack"]]},
            "flags": row["flags"],
        }
        assert line == expected and list(line) == list(expected)
    assert {line.get("pack") for line in lines} == {"us", "toy", None}
    assert sum("error" in line for line in lines) == 5 + 1


def test_synthetic_json_lines_are_each_rows_plain_document(synthetic: Any) -> None:
    """`amparo synth` writes JSON Lines column-wise, null fields left out: the same bytes as each
    row's plain document dumped by orjson, whatever its text values hold."""
    import polars as pl

    from amparo.batch.synth import json_lines_of

    tricky = ['Ann,"x":null', '{"given_names":null}', 'Zoë \\ " \n\t\x01 😀', "null", ""]
    person = synthetic["person"].head(len(tricky)).to_frame().unnest("person")
    person = person.with_columns(pl.Series("given_names", tricky))
    frame = pl.concat(
        [
            synthetic.head(len(tricky)).with_columns(pl.struct(person).alias("person")),
            synthetic.slice(5, 2000),
        ]
    )
    expected = b"".join(orjson.dumps(d) + b"\n" for d in documents_of(frame))
    assert json_lines_of(frame).encode() == expected
    assert [json.loads(x)["person"]["given_names"] for x in json_lines_of(frame).splitlines()[:5]] == tricky


def test_a_default_pack_without_a_column_form_reads_lines_document_by_document(tmp_path: Path) -> None:
    """The same line reader, each line decoded (line numbers across blank lines and chunks)."""
    from toy_pack import TOY_PACK, toy_document

    registry = PackRegistry([TOY_PACK, US_PACK], default="toy")
    documents = [
        toy_document(id=f"T-{i}", age=20 + i, nationality="AA", arrived_on="2024-06-01") for i in range(3)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join([_line(documents[0]), "", "{oops", _line(documents[1]), _line(GOOD), _line(documents[2])])
    )
    out = tmp_path / "out.jsonl"
    report = screen_file(source, out, registry, chunk_rows=2, verify_sample=0)
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert report.rows == 5 and report.invalid == 1
    assert [r.get("pack") for r in rows] == ["toy", None, "toy", "us", "toy"]
    assert "line 3 " in rows[1]["error"]["errors"][0]["message"]
    assert rows[3]["encounter_id"] == "G-0" and rows[4]["encounter_id"] == "T-2"


def test_nan_and_infinity_are_not_json_for_the_batch_nor_for_amparo_screen(tmp_path: Path) -> None:
    """``NaN``, ``Infinity`` and ``-Infinity`` (which Python's decoder takes) make a line "not
    valid JSON" in both readings, the line with a 20-digit number too (read by the standard
    library in the batch); the other lines are screened."""
    from amparo.screening.inputs import read_items

    lines = [
        _line(GOOD),
        _line(GOOD).replace('"id": "G-0"', '"id": "G-1", "n": NaN'),
        _line(GOOD).replace('"id": "G-0"', '"id": "G-2", "n": [Infinity, 12345678901234567890]'),
        _line(GOOD).replace('"id": "G-0"', '"id": "G-3", "n": -Infinity'),
        _line(GOOD).replace('"id": "G-0"', '"id": "G-4"'),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    screen_file(source, out, US_PACK, verify_sample=0)
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    _, items = read_items(source.read_text(), source=str(source))
    singles = list(items)
    for number in (2, 3, 4):
        batch_message = rows[number - 1]["error"]["errors"][0]["message"]
        single = singles[number - 1].error
        assert single is not None
        assert batch_message.startswith(f"line {number} is not valid JSON"), batch_message
        assert single.errors[0].message.startswith(f"line {number} is not valid JSON"), single
    assert [r["encounter_id"] for r in rows] == ["G-0", None, None, None, "G-4"]
    assert singles[0].error is None and singles[4].error is None
    pretty = '{\n  "id": "A",\n  "n": NaN\n}\n'  # one object over several lines
    cases = (
        (json.dumps([GOOD])[:-1] + ", NaN]", "array"),
        ('{"id": Infinity}', "object"),
        (pretty, "object"),
    )
    for text, shape in cases:
        got_shape, got = read_items(text, source="-")
        item = list(got)[-1]
        assert got_shape == shape and item.error is not None
        assert "Infinity is not a JSON value" in str(item.error) or "NaN is not a JSON value" in str(
            item.error
        )
