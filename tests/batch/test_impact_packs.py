"""``amparo impact`` over every installed law pack: each document read by the pack its ``schema``
names, a change file's changes each laid over the pack that holds what it names."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from agreement import as_json
from eu_applications import eu_application
from toy_pack import TOY_PACK
from typer.testing import CliRunner

from amparo.batch.change_file import RuleChange
from amparo.batch.columns import documents_of
from amparo.batch.impact import Impact
from amparo.batch.overlay import overlay, overlay_registry
from amparo.cli import build_app
from amparo.engine.registry import PackRegistry
from amparo.errors import InputError
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK
from amparo.screening import screen

SHARED_EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "eu" / "examples"
EU_CHANGE = {
    "block": {"rule": "ammr_art33_1"},
    "from": "2026-07-01",
    "status": "vacated",
    "citation": "What-if: AMMR Art. 33(1) annulled",
}
US_CHANGE = {"block": {"instrument": "securing_border_2024"}, "from": "2024-07-01", "status": "vacated"}


def _impact_of(source: Path, changes: list[dict[str, Any]], tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """``amparo impact SOURCE --change FILE --out OUT --json``: its counts and OUT."""
    change, out = tmp_path / "change.json", tmp_path / "changed.jsonl"
    change.write_text(json.dumps({"changes": changes}))
    result = CliRunner().invoke(
        build_app(), ["impact", str(source), "--change", str(change), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output), out


def _summary(document: dict[str, Any], pack: Any) -> dict[str, Any]:
    decision = screen(document, pack)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in decision.summary.items()}


def test_impact_reads_each_document_by_its_pack_and_lays_each_change_over_its_pack(
    synthetic: Any, tmp_path: Path
) -> None:
    rng = random.Random(7)
    applications = [eu_application(rng, n) for n in range(400)]
    encounters = as_json(documents_of(synthetic.head(800)))
    documents = [*encounters[:400], *applications, *encounters[400:]]
    source = tmp_path / "mixed.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    change = tmp_path / "change.json"
    change.write_text(json.dumps({"changes": [EU_CHANGE, US_CHANGE]}))

    outputs = {}
    for suffix in ("jsonl", "parquet"):
        out = tmp_path / f"changed.{suffix}"
        result = CliRunner().invoke(
            build_app(), ["impact", str(source), "--change", str(change), "--out", str(out), "--json"]
        )
        assert result.exit_code == 0, result.output
        outputs[suffix] = (json.loads(result.output), out)
    counts, out = outputs["jsonl"]
    assert counts["screened"] == 1200 and counts["invalid"] == 0
    assert counts["by_pack"]["eu"]["screened"] == 400 and counts["by_pack"]["us"]["screened"] == 800
    assert counts["by_pack"]["eu"]["changed"] > 0 and counts["by_pack"]["us"]["changed"] > 0
    assert counts["changed"] == sum(n["changed"] for n in counts["by_pack"].values())
    assert {k for k, v in counts["by_key"].items() if v["changed"]} >= {"criterion", "asylum_bars"}

    rows = [json.loads(line) for line in out.read_text().splitlines()]
    eu_rows = {row["encounter_id"]: row for row in rows if row["pack"] == "eu"}
    # The single evaluator, the EU pack as it stands and with the EU change alone laid over it.
    changed_eu = overlay(EU_PACK, RuleChange.model_validate({"changes": [EU_CHANGE]}))
    expected = {}
    for application in applications:
        before, after = _summary(application, EU_PACK), _summary(application, changed_eu)
        if before != after:
            expected[application["id"]] = (application, before, after)
    assert set(eu_rows) == set(expected) and expected
    for document_id, (application, before, after) in expected.items():
        row = eu_rows[document_id]
        assert row["nationality"] == application["applicant"].get("nationality")
        assert row["month"] == application["lodged_on"][:7]
        assert {k: row[f"{k}_before"] for k in before} == before
        assert {k: row[f"{k}_after"] for k in after} == after
        assert "asylum_bars_before" not in row  # each row holds its own pack's keys
    assert all("framework_before" not in row for row in rows if row["pack"] == "us")
    # Parquet: the same rows, in columns of every pack's keys.
    parquet_counts, parquet_out = outputs["parquet"]
    assert {k: v for k, v in parquet_counts.items() if k != "seconds"} == {
        k: v for k, v in counts.items() if k != "seconds"
    }
    table = pl.read_parquet(parquet_out)
    assert table["encounter_id"].to_list() == [row["encounter_id"] for row in rows]
    assert {"framework_before", "asylum_bars_after", "pack"} <= set(table.columns)
    # The default pack's keys (encounter v1's) come first.
    assert table.columns.index("asylum_bars_before") < table.columns.index("framework_before")

    # Read on two dates, an application keeps its outcome (the EU pack reads the law on its
    # registration date; as_of dates the reading only): none of them changes, all are screened.
    dated = CliRunner().invoke(
        build_app(), ["impact", str(source), "--before", "2026-06-30", "--after", "2026-07-01", "--json"]
    )
    assert dated.exit_code == 0, dated.output
    by_pack = json.loads(dated.output)["by_pack"]
    assert by_pack["eu"] == {"screened": 400, "changed": 0}


@pytest.mark.parametrize("default", ["us", "eu"])
@pytest.mark.parametrize("suffix", ["parquet", "jsonl"])
def test_applications_in_a_document_frame_are_counted_by_their_own_nationality_and_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default: str, suffix: str
) -> None:
    """A file of applications: their nationality and month are read through their own pack,
    whether their columns are another pack's form than the columnar pack's (default ``us``) or
    the columnar pack's own (default ``eu``: every row was counted under ``unknown``)."""
    monkeypatch.setenv("AMPARO_DEFAULT_LAW_PACK", default)
    if suffix == "parquet":  # read in columns whatever the default (one by one: 81 s a million)
        from amparo.batch import impact

        def one_by_one(*args: Any) -> Any:
            raise AssertionError("applications in Parquet read one by one for their nationality")

        monkeypatch.setattr(impact, "_json_document_columns", one_by_one)
    rng = random.Random(3)
    applications = [eu_application(rng, n) for n in range(300)]
    source = tmp_path / f"applications.{suffix}"
    if suffix == "parquet":
        pl.DataFrame(applications).write_parquet(source)
    else:
        source.write_text("".join(json.dumps(a) + "\n" for a in applications))
    counts, out = _impact_of(source, [EU_CHANGE], tmp_path)
    assert counts["by_pack"]["eu"]["screened"] == 300 and counts["invalid"] == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and counts["changed"] == len(rows)
    by_id = {a["id"]: a for a in applications}
    for row in rows:
        application = by_id[row["encounter_id"]]
        assert row["pack"] == "eu"
        assert row["nationality"] == application["applicant"].get("nationality")
        assert row["month"] == application["lodged_on"][:7]
    assert sum(counts["by_month"].values()) == len(rows)
    assert "unknown" not in counts["by_month"]


@pytest.mark.parametrize("rule", ["take_charge_deadline", "reply_deadline", "transfer_deadline"])
def test_a_rule_blocked_over_its_whole_coverage_has_no_value(rule: str, tmp_path: Path) -> None:
    """Found by testers: blocking every version of a date rule left a column of no type, and the
    date functions of the rules reading it stopped ``impact`` with an internal error. Each row is
    now what the single evaluator gives under the changed book."""
    documents = [json.loads(path.read_text())["encounter"] for path in sorted(SHARED_EXAMPLES.glob("*.json"))]
    assert documents
    source = tmp_path / "applications.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    change = {"block": {"rule": rule}, "from": "2014-01-01", "status": "vacated"}
    _, out = _impact_of(source, [change], tmp_path)
    changed_eu = overlay(EU_PACK, RuleChange.model_validate({"changes": [change]}))
    rows = {row["encounter_id"]: row for row in map(json.loads, out.read_text().splitlines())}
    expected = {
        d["id"]: (_summary(d, EU_PACK), _summary(d, changed_eu))
        for d in documents
        if _summary(d, EU_PACK) != _summary(d, changed_eu)
    }
    assert set(rows) == set(expected) and expected
    for document_id, (before, after) in expected.items():
        assert {k: rows[document_id][f"{k}_before"] for k in before} == before
        assert {k: rows[document_id][f"{k}_after"] for k in after} == after


def test_each_change_goes_to_the_pack_that_holds_what_it_names() -> None:
    registry = PackRegistry([US_PACK, EU_PACK])
    changed = overlay_registry(registry, RuleChange.model_validate({"changes": [EU_CHANGE]}))
    assert changed.ids == registry.ids and changed.default_id == registry.default_id
    assert changed.get("us") is US_PACK  # no change names its rules: the pack as it stands
    versions = [v.version for v in changed.get("eu").law_book().rule("ammr_art33_1").versions]
    assert "ammr+vacated" in versions

    def refused(*changes: dict[str, Any], packs: PackRegistry = registry) -> str:
        with pytest.raises(InputError) as error:
            overlay_registry(packs, RuleChange.model_validate({"changes": list(changes)}))
        return f"{error.value.errors[0].path}: {error.value.errors[0].message}"

    nowhere = refused(US_CHANGE, {"block": {"rule": "art_99"}, "from": "2024-01-01"})
    assert nowhere.startswith("/changes/1/block/rule: no rule 'art_99' in any law pack (us, eu)")
    assert refused({**EU_CHANGE, "pack": "mars"}).startswith("/changes/0/pack: no law pack 'mars'")
    assert refused({"extend": {"instrument": "no_such"}, "until": "2025-01-01"}).startswith(
        "/changes/0/extend/instrument: no rule of any law pack"
    )
    # A change whose rule two packs hold says which with ``pack``.
    twin = dataclasses.replace(TOY_PACK, id="toy_twin", schema_id="amparo-test/toy-twin@1")
    toys = PackRegistry([TOY_PACK, twin])
    block = {"block": {"rule": "fast_track"}, "from": "2024-06-01"}
    assert refused(block, packs=toys).startswith(
        "/changes/0/pack: the packs toy, toy_twin all hold 'fast_track'"
    )
    chosen = overlay_registry(toys, RuleChange.model_validate({"changes": [{**block, "pack": "toy_twin"}]}))
    assert chosen.get("toy") is TOY_PACK and chosen.get("toy_twin").law_book() is not TOY_PACK.law_book()
    # One pack given a change meant for another says so.
    with pytest.raises(InputError) as error:
        overlay(US_PACK, RuleChange.model_validate({"changes": [{**US_CHANGE, "pack": "eu"}]}))
    assert error.value.errors[0].path == "/changes/0/pack"


def test_both_readings_must_read_the_same_packs() -> None:
    with pytest.raises(InputError) as error:
        Impact(PackRegistry([US_PACK, EU_PACK]), PackRegistry([US_PACK]), before_on=None, after_on=None)
    assert error.value.errors[0].path == "after"
