"""The batch evaluator gives the single evaluator's summary, flags and errors for every document,
for every law pack: synthetic encounters, generated ones (hypothesis), the engine's toy pack, the
installed packs' own examples, and a mix of packs and invalid rows in one input."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import as_json, disagreements
from eu_applications import eu_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_strategies import encounters
from toy_pack import TOY_PACK, toy_document

from amparo.batch.columns import documents_of
from amparo.batch.runner import BatchScreener
from amparo.engine.registry import PackRegistry, installed_packs
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK

SHARED = Path(__file__).resolve().parents[3] / "shared"


def test_synthetic_encounters_in_columns(synthetic: Any) -> None:
    screener = BatchScreener(US_PACK, verify_sample=0)
    out = screener.screen_frame(synthetic)
    assert out.height == synthetic.height
    assert screener.warnings == []
    documents = documents_of(synthetic)
    assert out["encounter_id"].to_list() == [d["id"] for d in documents]
    assert disagreements(documents, out.to_dicts(), US_PACK) == []


def test_synthetic_encounters_as_json_documents_with_a_date(synthetic: Any) -> None:
    documents = as_json(documents_of(synthetic.head(800)))
    screener = BatchScreener(US_PACK, as_of=dt.date(2024, 7, 1), verify_sample=0)
    rows = screener.screen_documents(documents).to_dicts()
    assert disagreements(documents, rows, US_PACK, as_of=dt.date(2024, 7, 1)) == []
    assert sum(r["error"] is not None for r in rows) < 5


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(encounters(), min_size=1, max_size=40), st.sampled_from([None, "2020-01-10", "2024-06-05"]))
def test_generated_encounters(documents: list[dict[str, Any]], as_of: str | None) -> None:
    on = dt.date.fromisoformat(as_of) if as_of else None
    screener = BatchScreener(US_PACK, as_of=on, verify_sample=0)
    rows = screener.screen_documents(documents).to_dicts()
    assert disagreements(documents, rows, US_PACK, as_of=on) == []
    assert screener.warnings == []


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(encounters(), min_size=1, max_size=30))
def test_generated_encounters_in_columns(documents: list[dict[str, Any]]) -> None:
    """The columnar document path (Parquet input) on every valid generated document."""
    valid = []
    for document in documents:
        try:
            valid.append(US_PACK.parse(document))
        except Exception:
            continue
    if not valid:
        return
    frame = US_PACK.documents_frame(valid)
    rows = BatchScreener(US_PACK, verify_sample=0).screen_frame(frame).to_dicts()
    assert disagreements(documents_of(frame), rows, US_PACK) == []


def test_the_toy_pack_mixed_with_us_documents_and_invalid_rows(synthetic: Any) -> None:
    registry = PackRegistry([US_PACK, TOY_PACK], default="us")
    toy = [
        toy_document(id=f"T-{i}", age=age, nationality=nat, arrived_on=on)
        for i, (age, nat, on) in enumerate(
            [
                (30, "AA", "2024-06-01"),
                (12, "BB", "2024-03-01"),
                (40, "CC", "2023-01-01"),
                (50, "AA", "2025-02-01"),
            ]
        )
    ]
    us = as_json(documents_of(synthetic.head(20)))
    bad: list[Any] = [
        {"id": "X-1", "schema": "nobody/else@1"},
        {"id": "X-2"},
        [1, 2],
        toy_document(age="old"),
    ]
    documents: list[Any] = []
    for i in range(20):
        documents.append(us[i])
        if i < len(toy):
            documents.append(toy[i])
        if i < len(bad):
            documents.append(bad[i])
    screener = BatchScreener(registry, verify_sample=0)
    out = screener.screen_documents(documents)
    rows = out.to_dicts()
    assert [r["pack"] for r in rows[:3]] == ["us", "toy", None]
    assert disagreements(documents, rows, registry) == []
    errors = [r["error"] for r in rows if r["error"] is not None]
    assert len(errors) == len(bad)
    assert any(e["errors"][0]["path"] == "/schema" for e in errors)


@pytest.mark.parametrize("pack", installed_packs(), ids=lambda p: p.id)
def test_every_installed_pack_on_its_examples(pack: Any) -> None:
    folder = SHARED / "spec" / ("examples" if pack.id == "us" else f"{pack.id}/examples")
    documents = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        documents.append(data.get("encounter", data.get("document", data)))
    if not documents:
        pytest.skip(f"no examples for {pack.id}")
    rows = BatchScreener(PackRegistry([pack]), verify_sample=0).screen_documents(documents).to_dicts()
    assert disagreements(documents, rows, pack) == []


def test_a_column_form_that_disagrees_is_caught_by_the_sample_check(synthetic: Any, monkeypatch: Any) -> None:
    """A fact column that no longer agrees with the single extraction: the chunk is re-screened one
    document at a time, with a warning, and the output is still the single evaluator's."""
    import amparo.rules.us.fact_columns as fact_columns

    original = fact_columns.extract_fact_columns

    def broken(documents: Any, as_of: Any, wanted: Any = None) -> Any:
        facts = original(documents, as_of, wanted)
        return facts.with_columns(under_18=~facts["under_18"])

    monkeypatch.setattr(fact_columns, "extract_fact_columns", broken)
    screener = BatchScreener(US_PACK, verify_sample=50)
    frame = synthetic.head(300)
    rows = screener.screen_frame(frame).to_dicts()
    assert screener.warnings
    assert disagreements(documents_of(frame), rows, US_PACK) == []


@pytest.mark.parametrize("as_of", [None, dt.date(2027, 1, 15)])
def test_random_eu_applications_are_screened_in_columns(as_of: dt.date | None) -> None:
    """The EU pack's rules run in columns (its facts are read one application at a time, its
    mapping of Eurodac hits by State included), and every row is the single evaluator's."""
    documents = [eu_application(random.Random(7000 + n), n) for n in range(1500)]
    screener = BatchScreener(EU_PACK, as_of=as_of, verify_sample=0)
    assert screener.plan(EU_PACK) is not None
    rows = screener.screen_documents(documents).to_dicts()
    assert screener.warnings == []
    assert disagreements(documents, rows, EU_PACK, as_of=as_of) == []


def test_eu_applications_in_a_parquet_file_keep_a_stateless_applicant(tmp_path: Path) -> None:
    """Applications read from columns (a Parquet file, alone or beside encounters in a registry):
    a null nationality (stateless or unknown, required by application v1) stays null instead of
    becoming an absent field, so every row is the single evaluator's reading of the application."""
    documents = [eu_application(random.Random(9000 + n), n) for n in range(300)]
    assert any(d["applicant"]["nationality"] is None for d in documents)
    source = tmp_path / "applications.parquet"
    pl.DataFrame(documents).write_parquet(source)
    frame = pl.read_parquet(source)
    for packs in (EU_PACK, PackRegistry([US_PACK, EU_PACK])):
        rows = BatchScreener(packs, verify_sample=0).screen_frame(frame).to_dicts()
        assert all(row["error"] is None for row in rows)
        assert disagreements(documents, rows, EU_PACK) == []


def test_a_frame_of_several_schemas_gives_each_row_its_packs_reading(synthetic: Any) -> None:
    """A frame (e.g. one Parquet file) whose rows name different schemas, one of them a pack that
    reads one document at a time and one no installed pack: every row in its place, each pack's
    rows as the single evaluator reads them, the unknown schema refused at its path."""
    applications = [eu_application(random.Random(7000 + n), n) for n in range(60)]
    for document in applications:  # an application's documents and family are lists, an encounter's objects
        document.pop("documents", None)
        document.pop("family", None)
    encounters = synthetic.head(60)
    frame = pl.concat(
        [encounters.head(30), pl.DataFrame(applications, infer_schema_length=None), encounters.tail(30)],
        how="diagonal_relaxed",
    )
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 5)
        .then(pl.lit("amparo/unknown@9"))
        .otherwise("schema")
        .alias("schema")
    )
    rows = BatchScreener(PackRegistry([US_PACK, EU_PACK]), verify_sample=0).screen_frame(frame).to_dicts()
    assert len(rows) == 120
    assert rows[5]["error"]["errors"][0]["path"] == "/schema"
    assert [row["pack"] for row in rows[30:90]] == ["eu"] * 60
    assert disagreements(applications, rows[30:90], EU_PACK) == []
    documents = documents_of(encounters)
    assert disagreements(documents[:5] + documents[6:30], rows[:5] + rows[6:30], US_PACK) == []
    assert disagreements(documents[30:], rows[90:], US_PACK) == []


def test_eu_applications_screened_alone_agree() -> None:
    """A chunk of one application: every fact it lacks (no hits, no acceptance, no documents)
    is a column of missing values of the fact's declared type."""
    documents = [eu_application(random.Random(8000 + n), n) for n in range(40)]
    screener = BatchScreener(EU_PACK, verify_sample=0)
    rows = [screener.screen_documents([d]).to_dicts()[0] for d in documents]
    assert screener.warnings == []
    assert disagreements(documents, rows, EU_PACK) == []


@st.composite
def toy_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Documents of the engine's toy pack (its facts are read one document at a time)."""
    on = draw(st.dates(dt.date(2019, 6, 1), dt.date(2026, 6, 1)))
    doc = toy_document(
        id=f"T-{draw(st.integers(0, 9999))}",
        arrived_on=on.isoformat(),
        age=draw(st.integers(0, 80)),
        nationality=draw(st.sampled_from(["AA", "BB", "CC"])),
    )
    if draw(st.booleans()):
        doc["adjudicated_on"] = draw(st.dates(on, on + dt.timedelta(days=900))).isoformat()
    return doc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(toy_documents(), min_size=1, max_size=30), st.sampled_from([None, "2024-06-01", "2025-06-01"])
)
def test_generated_toy_documents(documents: list[dict[str, Any]], as_of: str | None) -> None:
    on = dt.date.fromisoformat(as_of) if as_of else None
    screener = BatchScreener(TOY_PACK, as_of=on, verify_sample=0)
    rows = screener.screen_documents(documents).to_dicts()
    assert screener.warnings == []
    assert disagreements(documents, rows, TOY_PACK, as_of=on) == []


def test_dates_far_from_today_agree_with_the_single_evaluator() -> None:
    """Ages are read through a table of days (1800-2200); a date outside it must not shift an
    age: such rows are screened one by one. One turns 18 on 2201-01-10, encountered 2201-01-15."""
    base = {
        "schema": "amparo/encounter@1",
        "place": {"border": "southwest_land", "manner": "between_ports", "arrived_from": "MX"},
    }
    documents = [
        {**base, "id": "turned-18", "encountered_on": "2201-01-15",
         "person": {"nationalities": ["HN"], "birth_date": "2183-01-10"}},
        {**base, "id": "born-1790", "encountered_on": "2019-08-01",
         "person": {"nationalities": ["GT"], "birth_date": "1790-05-01"}},
        {**base, "id": "minor", "encountered_on": "2019-08-01",
         "person": {"nationalities": ["SV"], "birth_date": "2003-05-01"}},
    ]  # fmt: skip
    for as_of in (None, dt.date(2250, 1, 1)):
        screener = BatchScreener(US_PACK, as_of=as_of, verify_sample=0)
        rows = screener.screen_documents(documents).to_dicts()
        assert disagreements(documents, rows, US_PACK, as_of=as_of) == []
        assert rows[0]["error"] is None
