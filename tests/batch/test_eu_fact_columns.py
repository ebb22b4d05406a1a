"""The EU pack's facts column-wise (issue 14): ``amparo.rules.eu.fact_columns`` gives every fact the
single extraction gives, with the same value on every row, for the spec's examples, the pack's
scenarios and generated applications, on several reading dates; a row the parser or ``read_dates``
would refuse is never vouched; and ``screen --batch`` of applications, from a frame, from a Parquet
file or from JSON Lines, gives the single evaluator's row for every application."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import disagreements, single_row
from eu_applications import STATES, eu_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amparo.batch.change_file import RuleChange
from amparo.batch.columns import conform, documents_of
from amparo.batch.facts import facts_one_by_one
from amparo.batch.files import screen_file
from amparo.batch.overlay import overlay
from amparo.batch.runner import BatchScreener
from amparo.engine.pack import VOUCHED_COLUMN, ColumnarPack
from amparo.engine.periods import add_period
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError
from amparo.rules.eu import EU_PACK
from amparo.rules.eu.fact_groups import add_months
from amparo.rules.us import US_PACK
from amparo.screening.scenarios import discover, load_scenario

SPEC_EXAMPLES = Path(__file__).parents[2].parent / "shared/spec/eu/examples"
EXAMPLES = sorted(SPEC_EXAMPLES.glob("*.json"))
SCENARIOS = list(discover(EU_PACK.scenarios_dir, PackRegistry([US_PACK, EU_PACK])))
PACKS = PackRegistry([US_PACK, EU_PACK])
ALONE = PackRegistry([EU_PACK])  # as BatchScreener(EU_PACK) reads a document (its schema picks no other)
READING_DATES = [None, dt.date(2014, 1, 1), dt.date(2024, 10, 1), dt.date(2026, 7, 1), dt.date(2031, 2, 28)]


def _accepted(document: Any, as_of: dt.date | None) -> bool:
    """Whether the single path reads the document's facts (``parse`` and ``read_dates`` pass)."""
    try:
        EU_PACK.read_dates(EU_PACK.parse(document), as_of)
    except AmparoError:
        return False
    return True


def _assert_same_facts(single: Any, columns: Any, rows: list[int] | None = None) -> None:
    """Every column of the single extraction's frame, of the same type and value on ``rows``."""
    assert set(single.columns) <= set(columns.columns), set(single.columns) - set(columns.columns)
    if rows is not None:
        columns = columns[rows]
    for name in single.columns:
        if single.schema[name] != pl.Null:
            assert columns.schema[name] == single.schema[name], name
        assert columns[name].to_list() == single[name].to_list(), name


def _frame(documents: list[dict[str, Any]]) -> Any:
    """Documents as a frame read from columns (a Parquet file written from the JSON documents)."""
    return pl.DataFrame(documents, infer_schema_length=None)


def _rebuilt(frame: Any) -> list[dict[str, Any]]:
    """The documents the batch runner's single evaluator reads from a frame's rows (in columns an
    absent nationality is a null one: the row reads as a stateless applicant's)."""
    return documents_of(frame, [EU_PACK])


def _vouched_from_columns(
    documents: list[dict[str, Any]], as_of: dt.date | None
) -> tuple[Any, list[bool], list[dict[str, Any]]]:
    """The column facts of documents given as columns (conformed as the batch runner does), which
    rows the runner would read from them (vouched, and not suspect to the conversion), and the
    documents it would give the single evaluator for the others (rebuilt from the columns)."""
    frame = _frame(documents)
    conformed, suspect = conform(frame, dict(EU_PACK.document_schema()))
    facts = EU_PACK.extract_fact_columns(conformed, as_of)
    taken = (facts[VOUCHED_COLUMN] & ~suspect).to_list()
    return facts, taken, _rebuilt(frame)


def _check_documents(documents: list[dict[str, Any]], as_of: dt.date | None) -> None:
    """Column facts equal the single extraction's, from parsed documents and from columns; no row
    the single path refuses is vouched."""
    accepted = [_accepted(d, as_of) for d in documents]
    parsed = [EU_PACK.parse(d) for d, ok in zip(documents, accepted, strict=True) if ok]
    if parsed:
        single = facts_one_by_one(EU_PACK, parsed, as_of)
        columns = EU_PACK.extract_fact_columns(EU_PACK.documents_frame(parsed), as_of)
        assert columns[VOUCHED_COLUMN].all()
        _assert_same_facts(single, columns)
    facts, taken, rebuilt = _vouched_from_columns(documents, as_of)
    assert facts.height == len(documents)
    never = [d.get("id") for d, t in zip(rebuilt, taken, strict=True) if t and not _accepted(d, as_of)]
    assert never == []
    rows = [i for i, t in enumerate(taken) if t]
    if rows:
        single = facts_one_by_one(EU_PACK, [EU_PACK.parse(rebuilt[i]) for i in rows], as_of)
        _assert_same_facts(single, facts, rows)


def _examples() -> list[dict[str, Any]]:
    return [json.loads(path.read_text())["encounter"] for path in EXAMPLES]


def _scenarios() -> list[tuple[dict[str, Any], dt.date | None]]:
    out = []
    for path in SCENARIOS:
        scenario = load_scenario(path, PACKS)
        if scenario.encounter.get("schema") == EU_PACK.schema_id:
            out.append((scenario.encounter, scenario.as_of))
    return out


def test_the_pack_reads_documents_in_columns() -> None:
    assert isinstance(EU_PACK, ColumnarPack)
    assert len(EXAMPLES) == 3 and len(_scenarios()) >= 40


@pytest.mark.parametrize("as_of", READING_DATES)
def test_examples_and_scenarios_give_the_same_facts_in_columns(as_of: dt.date | None) -> None:
    documents = _examples() + [document for document, _ in _scenarios()]
    _check_documents(documents, as_of)
    _, taken, _ = _vouched_from_columns(documents, as_of)
    assert all(taken)


def test_scenarios_on_their_own_reading_dates() -> None:
    for document, as_of in _scenarios():
        if as_of is not None:
            _check_documents([document], as_of)


def test_months_are_added_as_add_period_adds_them() -> None:
    """Month ends clip, a 29 February carried a year ends on the 28th, years are 12 months."""
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2023, 8, 31), dt.date(2025, 12, 31)]
    days += [dt.date(2016, 2, 29), dt.date(1, 1, 1), dt.date(9989, 12, 31), dt.date(2026, 6, 30)]
    frame = pl.DataFrame({"day": days})
    for amount, unit in [(1, "months"), (5, "months"), (6, "months"), (12, "months"), (18, "months")]:
        got = frame.select(add_months(pl.col("day"), amount))["day"].to_list()
        assert got == [add_period(d, amount, unit) for d in days]
    for years in (2, 3):
        got = frame.select(add_months(pl.col("day"), 12 * years))["day"].to_list()
        assert got == [add_period(d, years, "years") for d in days]


# --------------------------------------------------------------------------------------------
# Generated applications: edges of every window, ties, both frameworks

EDGE_DAYS = [
    dt.date(2024, 2, 29),
    dt.date(2024, 1, 31),
    dt.date(2025, 2, 28),
    dt.date(2026, 6, 30),
    dt.date(2026, 7, 1),
    dt.date(2026, 8, 31),
    dt.date(2027, 2, 28),
    dt.date(2025, 8, 31),
]


def _shift(rng: random.Random, day: str) -> str:
    """A day a window's length or so away from ``day``, give or take one (the windows' edges)."""
    base = dt.date.fromisoformat(day)
    months = rng.choice([-36, -24, -20, -18, -12, -6, -5, 0, 5, 6, 12, 18, 20, 24])
    return (add_period(base, months, "months") + dt.timedelta(days=rng.choice([-1, 0, 1]))).isoformat()


def _dates(document: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every (object, field) of the document holding a date but ``lodged_on``."""
    out = []
    for name in ("documents", "entries", "stays", "eurodac_hits", "previous_applications"):
        for item in document.get(name, []):
            out += [
                (item, key)
                for key in ("valid_from", "valid_to", "on", "from", "to", "lodged_on")
                if key in item
            ]
    for name in ("acceptance", "extensions"):
        if name in document:
            out += [(document[name], key) for key in ("on", "request_sent_on") if key in document[name]]
    return out


def _mutated(rng: random.Random, document: dict[str, Any]) -> dict[str, Any]:
    """The application with its dates near the windows' edges, items repeated (ties) and
    reordered, a birth date around the 18th birthday, a registration around the AMMR's first day."""
    doc = copy.deepcopy(document)
    lodged = doc["lodged_on"]
    if rng.random() < 0.4:
        lodged = rng.choice(EDGE_DAYS).isoformat()
        doc["lodged_on"] = lodged
        if "registered_on" in doc or rng.random() < 0.5:
            doc["registered_on"] = (
                dt.date.fromisoformat(lodged) + dt.timedelta(rng.randrange(-3, 4))
            ).isoformat()
    for holder, key in _dates(doc):
        if rng.random() < 0.5:
            holder[key] = _shift(rng, lodged)
    for name in ("documents", "entries", "stays", "eurodac_hits", "previous_applications", "family"):
        items = doc.get(name)
        if items and rng.random() < 0.4:
            items.append(copy.deepcopy(rng.choice(items)))
            if rng.random() < 0.5:  # same dates, another State: a tie
                items[-1]["issued_by" if name == "documents" else "state"] = rng.choice(STATES)
        if items and rng.random() < 0.3:
            rng.shuffle(items)
    if rng.random() < 0.2:
        doc["applicant"].pop("age", None)
        born = add_period(dt.date.fromisoformat(lodged), -18 * 12, "months")
        doc["applicant"]["birth_date"] = (born + dt.timedelta(days=rng.choice([-1, 0, 1]))).isoformat()
    if rng.random() < 0.1 and doc.get("documents"):
        item = doc["documents"][0]
        item["valid_from"], item["valid_to"] = item["valid_to"], item["valid_from"]  # not refused
    return doc


#: Ways to make an application the single path refuses (each checked to be refused).
BREAKERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "schema missing": lambda d: d.pop("schema"),
    "another schema": lambda d: d.update(schema="amparo/eu-application@2"),
    "id empty": lambda d: d.update(id=""),
    "id too long": lambda d: d.update(id="x" * 129),
    "lodged in Greece as EL": lambda d: d.update(lodged_in="EL"),
    "lodged in a non-EU+ State": lambda d: d.update(lodged_in="US"),
    "lodged before Dublin III": lambda d: d.update(lodged_on="2013-12-31"),
    "registered before Dublin III": lambda d: d.update(registered_on="2013-06-30"),
    "a day past the calendar's limit": lambda d: d.update(absconded_on="9990-01-01"),
    "nationality in lower case": lambda d: d["applicant"].update(nationality="sy"),
    "nationality with a newline": lambda d: d["applicant"].update(nationality="S\n"),
    "age and birth date": lambda d: d["applicant"].update(age=20, birth_date="2000-01-01"),
    "age over 130": lambda d: d["applicant"].update(age=131),
    "a visa-waived entry, no waiver": lambda d: (
        d["applicant"].pop("visa_waived_in_lodging_state", None),
        d.setdefault("entries", []).append({"kind": "visa_waived_entry", "state": "FR", "on": "2023-01-01"}),
    ),
    "an unknown relation": lambda d: d.update(
        family=[{"relation": "cousin", "state": "SE", "status": "other"}]
    ),
    "a family member without status": lambda d: d.update(family=[{"relation": "spouse", "state": "SE"}]),
    "an unknown entry kind": lambda d: d.update(
        entries=[{"kind": "by_air", "state": "SE", "on": "2023-01-01"}]
    ),
    "an entry without its day": lambda d: d.update(entries=[{"kind": "airport_transit", "state": "SE"}]),
    "a document kind unknown": lambda d: d.update(
        documents=[
            {"kind": "passport", "issued_by": "SE", "valid_from": "2020-01-01", "valid_to": "2024-01-01"}
        ]
    ),
    "a document issued by a non-EU+ State": lambda d: d.update(
        documents=[{"kind": "visa", "issued_by": "GB", "valid_from": "2020-01-01", "valid_to": "2024-01-01"}]
    ),
    "a stay without its end": lambda d: d.update(stays=[{"state": "SE", "from": "2020-01-01"}]),
    "a Eurodac hit of category 4": lambda d: d.update(
        eurodac_hits=[{"category": 4, "state": "SE", "on": "2023-01-01"}]
    ),
    "an unknown outcome": lambda d: d.update(
        previous_applications=[{"state": "SE", "lodged_on": "2022-01-01", "outcome": "granted"}]
    ),
    "an acceptance without its day": lambda d: d.update(acceptance={"state": "SE"}),
    "an acceptance by a non-EU+ State": lambda d: d.update(acceptance={"state": "TR", "on": "2024-01-01"}),
    "a day that is not one": lambda d: d.update(registered_on="2023-02-30"),
    "a day written otherwise": lambda d: d.update(registered_on="2023-2-03"),
    "a field the schema lacks": lambda d: d.update(colour="red"),
    "an entry's field the schema lacks": lambda d: d.update(
        entries=[{"kind": "airport_transit", "state": "SE", "on": "2023-01-01", "gate": "B"}]
    ),
    "an applicant's field the schema lacks": lambda d: d["applicant"].update(name="A"),
}


def _valid_base(n: int = 0) -> dict[str, Any]:
    return {
        "schema": "amparo/eu-application@1",
        "id": f"B-{n}",
        "lodged_in": "DE",
        "lodged_on": "2024-03-11",
        "applicant": {
            "nationality": "SY",
            "age": 16,
            "unaccompanied_minor": True,
            "visa_waived_in_lodging_state": False,
        },
        "entries": [{"kind": "irregular_border_crossing", "state": "GR", "on": "2023-12-01"}],
        "family": [{"relation": "sibling", "state": "SE", "status": "legally_present"}],
        "eurodac_hits": [{"category": 2, "state": "GR", "on": "2024-03-11"}],
    }


@pytest.mark.parametrize("name", sorted(BREAKERS))
def test_a_document_the_single_path_refuses_is_not_vouched(name: str) -> None:
    valid = _valid_base()
    broken = _valid_base(1)
    BREAKERS[name](broken)
    assert _accepted(valid, None) and not _accepted(broken, None)
    for as_of in (None, dt.date(2026, 1, 1)):
        _, taken, _ = _vouched_from_columns([valid, broken], as_of)
        assert taken == [True, False]
        frame = _frame([valid, broken])
        rows = BatchScreener(EU_PACK, as_of=as_of, verify_sample=0).screen_frame(frame).to_dicts()
        assert rows[1]["error"] is not None
        assert disagreements(_rebuilt(frame), rows, ALONE, as_of=as_of) == []


def test_a_stateless_applicant_is_read_in_columns_and_an_absent_nationality_refused(tmp_path: Path) -> None:
    """A null nationality (stateless, or unknown) is read in columns, from a frame or parsed
    applications; a JSON line without the field, which columns would read as null, is the
    single evaluator's to refuse (lines read in columns hold no null: there a null is an absent
    field)."""
    stateless = _valid_base()
    stateless["applicant"]["nationality"] = None
    parsed = EU_PACK.parse(stateless)
    assert EU_PACK.extract_fact_columns(EU_PACK.documents_frame([parsed]), None)[
        VOUCHED_COLUMN
    ].to_list() == [True]
    _, taken, _ = _vouched_from_columns([stateless], None)
    assert taken == [True]
    absent = _valid_base(1)
    del absent["applicant"]["nationality"]
    documents = [_valid_base(n) for n in range(2, 40)] + [absent, stateless]
    source = tmp_path / "applications.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    registry = PackRegistry([US_PACK, EU_PACK], default="eu")
    screen_file(source, tmp_path / "out.parquet", registry, progress=False, verify_sample=0)
    rows = pl.read_parquet(tmp_path / "out.parquet").to_dicts()
    assert rows[-2]["error"]["errors"] == [{"path": "/applicant/nationality", "message": "is required"}]
    assert rows[-1]["error"] is None and rows[-1]["responsible_state"] is not None
    assert disagreements(documents, rows, registry) == []


def _application(rng: random.Random, n: int, broken: bool) -> dict[str, Any]:
    document = _mutated(rng, eu_application(rng, n))
    if broken:
        BREAKERS[rng.choice(sorted(BREAKERS))](document)
    return document


@st.composite
def applications(draw: Any) -> list[dict[str, Any]]:
    seed = draw(st.integers(0, 2**32 - 1))
    size = draw(st.integers(1, 25))
    broken = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    rng = random.Random(seed)
    return [_application(rng, n, b and rng.random() < 0.5) for n, b in enumerate(broken)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applications(), st.sampled_from(READING_DATES))
def test_generated_applications_give_the_same_facts_and_rows(
    documents: list[dict[str, Any]], as_of: Any
) -> None:
    _check_documents(documents, as_of)
    screener = BatchScreener(EU_PACK, as_of=as_of, verify_sample=0)
    frame = _frame(documents)
    rows = screener.screen_frame(frame).to_dicts()
    assert disagreements(_rebuilt(frame), rows, ALONE, as_of=as_of) == []
    rows = screener.screen_documents(documents).to_dicts()
    assert disagreements(documents, rows, ALONE, as_of=as_of) == []
    assert screener.warnings == []


def test_many_generated_applications_are_read_in_columns() -> None:
    """1,500 applications, mutated at the windows' edges, on three reading dates: equal facts, and
    every application read in columns, the stateless included."""
    rng = random.Random(14)
    documents = [_mutated(rng, eu_application(rng, n)) for n in range(1500)]
    for as_of in (None, dt.date(2026, 7, 1), dt.date(2029, 3, 31)):
        _check_documents(documents, as_of)
    _, taken, _ = _vouched_from_columns(documents, None)
    assert any(d["applicant"]["nationality"] is None for d in documents) and all(taken)


# --------------------------------------------------------------------------------------------
# Files, and a changed framework


def _calls_to_single(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    single = BatchScreener.single_row

    def counted(self: BatchScreener, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return single(self, *args, **kwargs)

    monkeypatch.setattr(BatchScreener, "single_row", counted)
    return calls


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_files_of_applications_are_screened_in_columns(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``screen --batch`` of a JSON Lines file (the EU pack the default: read by Arrow in its
    columns) and of a Parquet file (dates as text): each row the single evaluator's, the invalid
    ones its errors, and only those read one by one."""
    rng = random.Random(3)
    documents = [_application(rng, n, broken=n % 25 == 0) for n in range(300)]
    source = tmp_path / f"applications{suffix}"
    if suffix == ".jsonl":
        source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    else:
        _frame(documents).write_parquet(source)
    registry = PackRegistry([US_PACK, EU_PACK], default="eu")
    calls = _calls_to_single(monkeypatch)
    out = tmp_path / "out.parquet"
    screen_file(source, out, registry, progress=False, verify_sample=0)
    rows = pl.read_parquet(out).to_dicts()
    given = documents if suffix == ".jsonl" else _rebuilt(pl.read_parquet(source))
    expected = [single_row(d, registry) for d in given]
    assert [{k: row[k] for k in e} for row, e in zip(rows, expected, strict=True)] == expected
    refused = sum(e.get("error") is not None for e in expected)
    assert refused > 5 and len(calls) <= refused


def test_a_changed_framework_is_read_by_the_column_facts() -> None:
    """Through a rule change that keeps Dublin III a year longer (``amparo impact``), the column
    facts follow the changed framework's windows, as the single extraction does (the facts are
    not the pack's own book's)."""
    change = RuleChange.model_validate(
        {"changes": [{"extend": {"rule": "framework", "version": "dublin_iii"}, "until": "2027-07-01"}]}
    )
    changed = overlay(EU_PACK, change)
    rng = random.Random(5)
    documents = [eu_application(rng, n) for n in range(800)]
    for document in documents:  # registered in the year the change moves, stateless or not
        document["lodged_on"] = (dt.date(2026, 7, 1) + dt.timedelta(rng.randrange(365))).isoformat()
        document.pop("registered_on", None)
    parsed = [EU_PACK.parse(d) for d in documents]
    single = facts_one_by_one(changed, parsed, None)
    assert isinstance(changed, ColumnarPack)
    _assert_same_facts(single, changed.extract_fact_columns(changed.documents_frame(parsed), None))
    rows = BatchScreener(changed, verify_sample=0).screen_frame(_frame(documents)).to_dicts()
    assert {row["framework"] for row in rows} == {"dublin_iii"}
    assert disagreements(documents, rows, changed) == []
