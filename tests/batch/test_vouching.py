"""Rows the columns must not vouch for, found by fuzzing the batch evaluator against the single
one (twentieth round): each is screened as the single evaluator screens it, with the sample check
off (a row's answer must not depend on whether the sample picked it)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from agreement import disagreements, single_row
from hypothesis import given
from hypothesis import strategies as st

from amparo.batch.files import screen_file
from amparo.batch.impact import Impact, run_impact
from amparo.batch.runner import BatchScreener
from amparo.engine.registry import PackRegistry
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK

SHARED = Path(__file__).resolve().parents[3] / "shared"
REGISTRY = PackRegistry([US_PACK, EU_PACK], default="us")


def _example() -> dict[str, Any]:
    """Encounter v1's lawful-pathways example, with no route or state (a decision in columns)."""
    document = json.loads((SHARED / "spec" / "examples" / "lawful-pathways-2023-08.json").read_text())[
        "encounter"
    ]
    document.pop("route", None)
    document["place"].pop("state", None)
    return dict(document)


def _copies(n: int, change: Any = None) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        document = copy.deepcopy(_example())
        document["id"] = f"V-{i}"
        if change is not None:
            change(i, document)
        out.append(document)
    return out


def _lines_rows(documents: list[dict[str, Any]], tmp_path: Path, **kwargs: Any) -> list[dict[str, Any]]:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    source.write_text("".join(json.dumps(d, default=str) + "\n" for d in documents), encoding="utf-8")
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0, **kwargs)
    return pl.read_parquet(out).to_dicts()


def _parquet_rows(table: Any, tmp_path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The batch rows of a Parquet file holding ``table``, and its documents as the single
    evaluator reads them (rebuilt from the file's own columns)."""
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(table, source, row_group_size=7)
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0)
    return pl.read_parquet(out).to_dicts(), [_given(row) for row in pq.read_table(source).to_pylist()]


def _given(value: Any) -> Any:
    """A row as pyarrow reads it, a null field an absent one (as the file's columns give it)."""
    if isinstance(value, dict):
        return {k: _given(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_given(v) for v in value]
    return value


def test_a_us_national_is_refused_in_columns_as_one_by_one(tmp_path: Path) -> None:
    """``USLawPack.parse`` refuses a US national (issue 11); the column form gave a decision."""
    nationalities = [["US"], ["US", "GT"], ["GT", "US"], ["GT"]]

    def national(i: int, document: dict[str, Any]) -> None:
        document["person"]["nationalities"] = nationalities[i % 4]

    documents = _copies(40, national)
    rows = _lines_rows(documents, tmp_path)
    assert disagreements(documents, rows, REGISTRY) == []
    refused = [r for r in rows if r["error"] is not None]
    assert len(refused) == 30
    assert {r["error"]["errors"][0]["path"] for r in refused} == {"/person/nationalities"}
    frame = pl.read_parquet(tmp_path / "out.parquet")
    assert frame.height == 40
    in_memory = BatchScreener(REGISTRY, verify_sample=0).screen_documents(documents).to_dicts()
    assert disagreements(documents, in_memory, REGISTRY) == []


def test_an_exact_time_days_away_from_its_date_is_refused_in_columns_as_one_by_one(tmp_path: Path) -> None:
    """Twenty-seventh round (a tester): ``encountered_at`` years before ``encountered_on`` was
    read as given (MPP read on the time's day, the rest on the date's). Its day in UTC may be the
    date or a day either side (a place's offset crosses midnight); further, the row is refused."""
    times = [
        "2023-08-14T10:00:00-05:00",  # the date itself
        "2023-08-13T23:30:00-07:00",  # 2023-08-14 in UTC: a late evening in the west
        "2023-08-15T23:30:00-07:00",  # 2023-08-16 in UTC: two days away
        "2023-08-12T20:00:00-04:00",  # 2023-08-13 in UTC: a day before
        "2023-08-12T12:00:00+02:00",  # 2023-08-12 in UTC: two days before
        "2020-03-20T23:59:59-04:00",  # years before
    ]

    def timed(i: int, document: dict[str, Any]) -> None:
        document["encountered_on"] = "2023-08-14"
        document["encountered_at"] = times[i % len(times)]

    documents = _copies(36, timed)
    for rows in (
        _lines_rows(documents, tmp_path),
        BatchScreener(REGISTRY, verify_sample=0).screen_documents(documents).to_dicts(),
    ):
        assert disagreements(documents, rows, REGISTRY) == []
        refused = [i % len(times) for i, r in enumerate(rows) if r["error"] is not None]
        assert sorted(set(refused)) == [2, 4, 5]
        assert {e["path"] for i, r in enumerate(rows) if r["error"] for e in r["error"]["errors"]} == {
            "/encountered_at"
        }


def test_a_birth_date_over_130_years_before_is_refused_in_columns_as_one_by_one(tmp_path: Path) -> None:
    """Twenty-seventh round (a tester): a birth date of 0001-01-01 was accepted, though an age
    over 130 is refused; a person 130 on the encounter's date is accepted, 131 refused (born on
    February 29, 1896: still 129 on 2026-02-28)."""
    births = ["1893-08-14", "1892-08-14", "0001-01-01", "1896-02-29", "1800-01-01"]

    def born(i: int, document: dict[str, Any]) -> None:
        document["encountered_on"] = ["2023-08-14", "2023-08-14", "2023-08-14", "2026-02-28", "2023-08-14"][
            i % 5
        ]
        document["person"]["birth_date"] = births[i % 5]
        document["person"].pop("age", None)

    documents = _copies(25, born)
    for rows in (
        _lines_rows(documents, tmp_path),
        BatchScreener(REGISTRY, verify_sample=0).screen_documents(documents).to_dicts(),
    ):
        assert disagreements(documents, rows, REGISTRY) == []
        refused = sorted({i % 5 for i, r in enumerate(rows) if r["error"] is not None})
        assert refused == [1, 2, 4]
        assert {e["path"] for r in rows if r["error"] for e in r["error"]["errors"]} == {"/person/birth_date"}


@pytest.mark.parametrize("year", [2099, 2100, 2150, 2199])
def test_instants_from_2100_read_their_local_day_as_zoneinfo_does(tmp_path: Path, year: int) -> None:
    """Polars' zone rules stop applying daylight saving time in 2100: a summer evening in Texas
    is the next day in New York under Python's rules, and the column form read it a day early."""

    def evening(i: int, document: dict[str, Any]) -> None:
        document["encountered_on"] = f"{year}-07-0{1 + i % 3}"
        document["encountered_at"] = f"{year}-07-0{1 + i % 3}T23:{10 + i:02d}:00-05:00"
        document["place"] = {
            "border": "southwest_land",
            "manner": "between_ports",
            "location": "Laredo Sector",
        }
        document["person"] = {"nationalities": ["GT"], "birth_date": f"{year - 18}-07-0{2 + i % 3}"}

    documents = _copies(12, evening)
    for as_of in (None, dt.date(year, 7, 2)):
        kwargs = {"as_of": as_of} if as_of else {}
        rows = _lines_rows(documents, tmp_path, **kwargs)
        assert disagreements(documents, rows, REGISTRY, **kwargs) == []
        if as_of is None:
            assert {row["as_of"] for row in rows} == {
                dt.date(year, 7, 2),
                dt.date(year, 7, 3),
                dt.date(year, 7, 4),
            }


def _retyped(value_of: Any, path: tuple[str, ...], kind: Any, n: int = 20) -> Any:
    """A table of ``n`` copies whose field at ``path`` is a column of ``kind``, row 0 holding
    ``value_of(0)`` and the others ``value_of(i)``."""
    documents = _copies(n)
    for document in documents:
        document["encountered_on"] = dt.date.fromisoformat(document["encountered_on"])
    table = pa.Table.from_pylist(documents)
    values = pa.array([value_of(i) for i in range(n)], kind)
    if len(path) == 1:
        if path[0] not in table.column_names:
            return table.append_column(path[0], values)
        return table.set_column(table.schema.get_field_index(path[0]), path[0], values)
    if path[0] not in table.column_names:
        present = pa.array([value_of(i) is not None for i in range(n)])
        struct = pa.StructArray.from_arrays([values], [path[1]], mask=pc.invert(present))
        return table.append_column(path[0], struct)
    parent = table.column(path[0]).combine_chunks()
    names = [parent.type.field(i).name for i in range(parent.type.num_fields)]
    arrays = [parent.field(i) for i in range(len(names))]
    if path[1] in names:
        arrays[names.index(path[1])] = values
    else:
        names, arrays = [*names, path[1]], [*arrays, values]
    return table.set_column(
        table.schema.get_field_index(path[0]), path[0], pa.StructArray.from_arrays(arrays, names)
    )


@pytest.mark.parametrize(
    ("name", "value_of", "path", "kind"),
    [
        ("age 17.5 in a float column", lambda i: 17.5 if i == 0 else 27.0, ("person", "age"), pa.float64()),
        ("whole ages in a float column", lambda i: 17.0 + i, ("person", "age"), pa.float64()),
        ("an age written as text", lambda i: str(17 + i), ("person", "age"), pa.string()),
        ("an age written as a boolean", lambda i: i % 2 == 0, ("person", "age"), pa.bool_()),
        ("1 for true", lambda i: 1 if i == 0 else None, ("documents", "cbp_one_appointment"), pa.int64()),
        (
            "a day for an instant",
            lambda i: dt.date(2023, 8, 14) if i == 0 else None,
            ("encountered_at",),
            pa.date32(),
        ),
        (
            "an instant without a zone",
            lambda i: dt.datetime(2023, 8, 14, 10) if i == 0 else None,
            ("encountered_at",),
            pa.timestamp("us"),
        ),
        (
            "an instant at a fixed offset of +05:30",
            lambda i: dt.datetime(2023, 8, 14, 10, i, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
            ("encountered_at",),
            pa.timestamp("us", "+05:30"),
        ),
        ("an instant for a day", lambda i: dt.datetime(2023, 8, 14), ("encountered_on",), pa.timestamp("ms")),
        ("bytes for text", lambda i: b"Rio Grande Valley", ("place", "location"), pa.binary()),
        (
            "text in a dictionary",
            lambda i: "Rio Grande Valley",
            ("place", "location"),
            pa.dictionary(pa.int8(), pa.string()),
        ),
    ],
)
def test_parquet_columns_of_another_type_give_the_single_evaluators_rows(
    tmp_path: Path, name: str, value_of: Any, path: tuple[str, ...], kind: Any
) -> None:
    """A cast Polars allows may change the value a document gives (17.5 to 17, 1 to true, a day
    to an instant): such rows are read one by one; casts that keep every value stay in columns."""
    rows, documents = _parquet_rows(_retyped(value_of, path, kind), tmp_path)
    assert disagreements(documents, rows, REGISTRY) == [], name


def test_a_dictionary_encoded_schema_column_gives_each_row_its_pack(tmp_path: Path) -> None:
    """A ``schema`` column written as a dictionary (a pandas or Polars categorical) picks each
    row's pack as text does; every row went to the default pack."""
    application = json.loads(next((SHARED / "spec" / "eu" / "examples").glob("*.json")).read_text())
    application = application.get("document", application.get("encounter", application))
    source = tmp_path / "applications.parquet"
    frame = pl.DataFrame([application] * 3).with_columns(pl.col("schema").cast(pl.Categorical))
    frame.write_parquet(source)
    assert pa.types.is_dictionary(pq.read_schema(source).field("schema").type)
    out = tmp_path / "out.parquet"
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0)
    rows = pl.read_parquet(out).to_dicts()
    assert [row["pack"] for row in rows] == ["eu"] * 3
    assert disagreements([application] * 3, rows, REGISTRY) == []
    counts, _ = run_impact(
        source, Impact(REGISTRY, REGISTRY, before_on=dt.date(2020, 1, 1), after_on=dt.date(2026, 7, 1))
    )
    assert counts.screened == 3 and counts.invalid == 0
    in_memory = BatchScreener(REGISTRY, verify_sample=0).screen_frame(frame).to_dicts()
    assert [row["pack"] for row in in_memory] == ["eu"] * 3


def test_dictionary_text_in_a_nested_column_over_several_row_groups_is_read(tmp_path: Path) -> None:
    """Arrow reads text dictionary-encoded inside a list or struct one row group at a time only:
    the file was refused as unreadable from its first row."""
    documents = _copies(60, lambda i, d: d["person"].update(nationalities=[["GT"], ["HN"], ["SV"]][i % 3]))
    table = pa.Table.from_pylist(documents)
    person = table.column("person").combine_chunks()
    names = [person.type.field(i).name for i in range(person.type.num_fields)]
    nationalities = person.field(names.index("nationalities"))
    encoded = pa.ListArray.from_arrays(nationalities.offsets, nationalities.flatten().dictionary_encode())
    arrays = [encoded if n == "nationalities" else person.field(i) for i, n in enumerate(names)]
    table = table.set_column(
        table.schema.get_field_index("person"), "person", pa.StructArray.from_arrays(arrays, names)
    )
    for group in (7, 60):
        source, out = tmp_path / f"nested-{group}.parquet", tmp_path / f"out-{group}.parquet"
        pq.write_table(table, source, row_group_size=group)
        for chunk_rows in (None, 5):
            screen_file(source, out, REGISTRY, progress=False, verify_sample=0, chunk_rows=chunk_rows)
            rows = pl.read_parquet(out).to_dicts()
            assert disagreements(documents, rows, REGISTRY) == []
            assert all(row["error"] is None for row in rows)


def test_a_zoneless_instant_or_a_timestamp_for_a_day_read_one_by_one_is_an_error() -> None:
    """An instant without its zone, given in columns (a Parquet timestamp without a time zone),
    read by the single evaluator: an error at its path, where it stopped the command. A timestamp
    given for a day says what was given."""
    document = _example()
    document["encountered_at"] = dt.datetime(2023, 8, 14, 10)
    row = single_row(document, REGISTRY)
    assert row["error"]["errors"][0]["path"] == "/encountered_at"
    assert "offset" in row["error"]["errors"][0]["message"]
    document = _example()
    document["encountered_on"] = dt.datetime(2023, 8, 14)  # a timestamp column for a day
    message = single_row(document, REGISTRY)["error"]["errors"][0]
    assert message["path"] == "/encountered_on" and "not a date and time" in message["message"]


@pytest.mark.parametrize("value", [5, "x", [1, 2], [], True, 1.5])
def test_extensions_that_are_not_an_object_are_refused_in_columns_as_one_by_one(
    tmp_path: Path, value: Any
) -> None:
    """Free data is read by no rule, but encounter v1 wants an object: a row whose ``extensions``
    is anything else got a decision in columns."""

    def extended(i: int, document: dict[str, Any]) -> None:
        document["extensions"] = value if i == 13 else {"case": i}

    documents = _copies(30, extended)
    rows = _lines_rows(documents, tmp_path)
    assert disagreements(documents, rows, REGISTRY) == []
    assert rows[13]["error"]["errors"][0]["path"] == "/extensions"
    table = pa.Table.from_pylist(
        [{**d, "extensions": None if i != 13 else str(value)} for i, d in enumerate(_copies(30))]
    )
    parquet_rows, given = _parquet_rows(table, tmp_path)
    assert disagreements(given, parquet_rows, REGISTRY) == []
    assert [i for i, row in enumerate(parquet_rows) if row["error"] is not None] == [13]


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 4, 56, tzinfo=dt.UTC),
        dt.datetime(1799, 12, 31, tzinfo=dt.UTC),
    ],
)
def test_an_instant_whose_eastern_time_is_before_the_year_1_is_refused_in_columns(
    tmp_path: Path, value: Any
) -> None:
    rows, documents = _parquet_rows(
        _retyped(lambda i: value if i == 3 else None, ("encountered_at",), pa.timestamp("s", "UTC")), tmp_path
    )
    assert disagreements(documents, rows, REGISTRY) == []


def test_seconds_past_what_microseconds_hold_are_an_error_row_not_a_panic(tmp_path: Path) -> None:
    table = _retyped(lambda i: None, ("encountered_at",), pa.timestamp("s", "UTC"))
    huge = pa.array([10**15 if i == 3 else None for i in range(table.num_rows)], pa.int64()).cast(
        pa.timestamp("s", "UTC")
    )
    table = table.set_column(table.schema.get_field_index("encountered_at"), "encountered_at", huge)
    source, out = tmp_path / "huge.parquet", tmp_path / "out.parquet"
    pq.write_table(table, source)
    screen_file(source, out, REGISTRY, progress=False, verify_sample=0)
    rows = pl.read_parquet(out).to_dicts()
    assert [i for i, row in enumerate(rows) if row["error"] is not None] == [3]
    assert rows[3]["error"]["errors"][0]["path"] == "/encountered_at"


def test_columns_polars_cannot_hold_refuse_the_file_naming_in_and_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two columns of one name, or a type Polars does not read (``decimal256``, a list view):
    the file is refused naming IN and the column (it stopped the command with an internal error).
    A map of instants at a fixed offset is read."""
    from amparo.cli import main
    from amparo.errors import InputError

    base = pa.Table.from_pylist(_copies(5))
    cases = {
        "twice": (
            pa.Table.from_arrays([*base.columns, base.column("id")], [*base.column_names, "id"]),
            "two columns named 'id'",
        ),
        "decimal256": (
            base.append_column("notes", pa.array([1] * 5, pa.decimal256(40, 0))),
            "the column 'notes' (decimal256",
        ),
        "list view": (
            base.append_column("extensions", pa.array([[1]] * 5, pa.list_view(pa.int64()))),
            "the column 'extensions' (list_view",
        ),
    }
    for name, (table, said) in cases.items():
        source = tmp_path / f"{name}.parquet"
        pq.write_table(table, source)
        with pytest.raises(InputError) as raised:
            screen_file(source, tmp_path / "out.parquet", REGISTRY, progress=False)
        assert raised.value.errors[0].path == "IN" and said in raised.value.errors[0].message, name
        assert not (tmp_path / "out.parquet").exists()
    # A column of 128-bit integers (Polars writes one for a value past 2**63): Arrow does not open
    # the file (it stopped both commands with an internal error).
    source = tmp_path / "int128.parquet"
    pl.from_arrow(base).with_columns(pl.lit(2**64, dtype=pl.Int128).alias("big")).write_parquet(source)
    for command in (
        ["screen", "--batch", str(source), "--out", str(tmp_path / "out.jsonl")],
        ["impact", str(source), "--before", "2024-01-01", "--after", "2024-06-06"],
    ):
        with pytest.raises(SystemExit) as ended:
            main(command)
        assert ended.value.code == 2
        said = " ".join(capsys.readouterr().err.split())
        assert "holds a column of a type amparo cannot read (Integers with more than 64 bits" in said
    assert not (tmp_path / "out.jsonl").exists()
    offset = dt.timezone(dt.timedelta(hours=5, minutes=30))
    mapped = pa.array(
        [[("seen", dt.datetime(2023, 8, 14, 10, tzinfo=offset))]] * 5,
        pa.map_(pa.string(), pa.timestamp("us", "+05:30")),
    )
    source = tmp_path / "map.parquet"
    pq.write_table(base.append_column("extensions", mapped), source)
    screen_file(source, tmp_path / "out.parquet", REGISTRY, progress=False, verify_sample=0)
    assert pl.read_parquet(tmp_path / "out.parquet").height == 5


@given(st.text(max_size=4) | st.sampled_from(["TX", "NM", "tx", "T1", "TX\n", "ÀB", "ＴＸ", "", "ZZ"]))
def test_a_state_is_vouched_exactly_where_encounter_v1_takes_it(state: str) -> None:
    """``us_state_ok`` (a set of the 676 two-letter texts) against the model's ``UsState``."""
    from pydantic import TypeAdapter, ValidationError

    from amparo.encounter.model import UsState
    from amparo.rules.us.column_exprs import us_state_ok

    try:
        TypeAdapter(UsState).validate_python(state)
        taken = True
    except ValidationError:
        taken = False
    vouched = pl.select(us_state_ok(pl.lit(state, dtype=pl.String))).item()
    assert vouched == taken


def test_a_parquet_file_without_a_field_the_eu_pack_requires_gives_its_error(tmp_path: Path) -> None:
    """Found by testers: a Parquet file of applications written without ``applicant.nationality``
    (a field EU application v1 requires but allows null) was read in columns as a stateless
    applicant's, and decided; the single evaluator refuses each such row. With the field in the
    file, a null nationality is the stateless applicant's and is read in columns."""
    rows = [
        {
            "schema": EU_PACK.schema_id,
            "id": f"N{i}",
            "lodged_in": "DE" if i % 3 else "IT",
            "lodged_on": "2024-10-01",
            "applicant": {"age": 30},
        }
        for i in range(40)
    ]
    got, documents = _parquet_rows(pa.Table.from_pylist(rows), tmp_path)
    assert disagreements(documents, got, REGISTRY) == []
    assert all(row["error"] is not None for row in got)
    assert {e["path"] for row in got for e in row["error"]["errors"]} == {"/applicant/nationality"}
    stateless = [{**row, "applicant": {"nationality": None, "age": 30}} for row in rows]
    got, _ = _parquet_rows(pa.Table.from_pylist(stateless), tmp_path)
    assert disagreements(stateless, got, REGISTRY) == []  # the documents as written, null given
    assert all(row["error"] is None for row in got)
