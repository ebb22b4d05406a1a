"""The EU pack plugs in through the registry like any pack: routing by schema, mixed input on the
command line, its clocks and workflow, and nothing of it in the engine, screening or cases."""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry, installed_registry
from amparo.errors import InputError
from amparo.rules.eu import EU_PACK, SCHEMA_ID
from amparo.rules.us import US_PACK
from amparo.screening import screen

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT.parent / "shared/spec/eu/examples"
US_EXAMPLE = ROOT / "src/amparo/rules/us/examples/aca-honduran-adult-2020-02.json"
CODES = {
    *(
        f"dublin_iii_{c}"
        for c in "art8_1 art8_2 art8_4 art9 art10 art12_1 art12_2 art12_3 art12_4 art12_4_sub2 art13_1 "
        "art13_2 art14_1 art14_2 art15 art3_2 art21_1".split()
    ),
    *(
        f"ammr_{c}"
        for c in "art25_2 art25_3 art25_5 art26 art27 art29_1 art29_2 art29_3 art29_4 art29_4_sub2 art31_1 "
        "art31_2 art32 art33_1 art33_2 art16_2 art39_1".split()
    ),
}


def _e1() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(next(EXAMPLES.glob("e1*.json")).read_text())["encounter"]
    return document


def test_it_is_a_law_pack_installed_by_its_entry_point() -> None:
    assert isinstance(EU_PACK, LawPack)
    registry = installed_registry(default="us")
    assert registry.get("eu") is EU_PACK
    assert registry.for_document(_e1()) is EU_PACK
    assert registry.for_document({"id": "x"}) is registry.get("us")


def test_routing_refuses_an_unknown_schema_naming_the_field() -> None:
    with pytest.raises(InputError) as info:
        PackRegistry([US_PACK, EU_PACK], default="us").for_document({"schema": "amparo/eu-application@2"})
    assert info.value.errors[0].path == "/schema"


def test_every_criterion_code_of_the_contract_is_a_rule() -> None:
    book = EU_PACK.law_book()
    assert CODES <= set(book.rules)
    for code in CODES:
        rule = book.rule(code)
        assert rule.anchor == "encountered_on"
        assert all(v.citations for v in rule.versions)


def test_the_law_follows_the_registration_date() -> None:
    book = EU_PACK.law_book()
    assert book.version_of("dublin_iii_art13_1", dt.date(2026, 6, 30)).status == "in_effect"
    assert book.version_of("dublin_iii_art13_1", dt.date(2026, 7, 1)).status == "not_in_force"
    assert book.version_of("ammr_art33_1", dt.date(2026, 7, 1)).status == "in_effect"
    assert book.version_of("framework", dt.date(2026, 7, 1)).value == "ammr"


def test_clocks_with_their_consequences() -> None:
    summary = screen(_e1(), EU_PACK).summary
    clocks = {c.step: c for c in EU_PACK.deadlines(summary)}
    assert clocks["take_charge_request_by"].due_on == dt.date(2024, 12, 1)
    assert clocks["transfer_by"].due_on == dt.date(2025, 7, 14)
    assert "Art. 29(2)" in clocks["transfer_by"].consequence
    assert "Art. 21(1)" in clocks["take_charge_request_by"].consequence
    assert EU_PACK.receiving_country(summary) == "GR"
    assert EU_PACK.deadlines({"framework": "dublin_iii", "take_charge_request_by": None}) == ()
    assert EU_PACK.receiving_country({"responsible_state": "DE"}) is None


def test_workflow_guards_read_the_summary() -> None:
    flow = EU_PACK.workflow
    summary = screen(_e1(), EU_PACK).summary
    assert "take_charge_request" in flow.next_steps("screened", summary)
    assert isinstance(flow.plan("screened", "take_charge_request", {"take_charge_request_by": None}), str)
    planned = flow.plan("accepted", "transfer_scheduled", summary)
    assert not isinstance(planned, str) and planned.state == "supervisor_concurrence"


def test_person_facts() -> None:
    person = EU_PACK.person(EU_PACK.parse(_e1()))
    assert (person.document_id, person.nationalities, person.age) == ("EU-E1", ("SY",), 30)
    assert person.occurred_on == dt.date(2024, 10, 1)


def test_applications_before_dublin_iii_are_refused_naming_the_field() -> None:
    with pytest.raises(InputError) as info:
        screen(dict(_e1(), lodged_on="2013-12-31"), EU_PACK)
    assert info.value.errors[0].path == "/lodged_on"


def test_a_mixed_input_on_the_command_line() -> None:
    us = json.loads(US_EXAMPLE.read_text())["encounter"]
    bad_eu = dict(_e1(), id="EU-BAD", lodged_on="2025-02-30")
    unknown = {"schema": "amparo/other@1", "id": "X-1"}
    lines = "\n".join(json.dumps(d) for d in (us, _e1(), bad_eu, unknown))
    done = subprocess.run(
        [sys.executable, "-m", "amparo", "screen", "-", "--json"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["encounter_id"] for o in out] == [us["id"], "EU-E1", "EU-BAD", "X-1"]
    assert "aca_removal_to" in out[0]["summary"]
    assert out[1]["summary"]["criterion"] == "dublin_iii_art13_1"
    assert [e["path"] for e in out[2]["error"]["errors"]] == ["/lodged_on"]
    assert [e["path"] for e in out[3]["error"]["errors"]] == ["/schema"]


def test_rules_list_names_the_eu_rules() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "amparo", "rules", "list", "--pack", "eu"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"COLUMNS": "200", **__import__("os").environ},
    )
    assert done.returncode == 0, done.stderr
    assert "dublin_iii_art13_1" in done.stdout and "ammr_art33_2" in done.stdout


def test_engine_screening_and_cases_never_import_a_pack() -> None:
    src = ROOT / "src/amparo"
    wrong = []
    for folder in ("engine", "screening", "cases"):
        for path in (src / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                wrong += [f"{path.name}: {n}" for n in names if n.startswith("amparo.rules")]
            text = path.read_text()
            wrong += [
                f"{path.name}: names {w}"
                for w in ("EU_PACK", SCHEMA_ID, "dublin_iii_", "ammr_art")
                if w in text
            ]
    assert wrong == []


def test_batch_screening_agrees_with_the_single_evaluator(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    from benchmarks.bench_eu import eu_documents

    documents = eu_documents()
    source, out = tmp_path / "eu.jsonl", tmp_path / "eu.parquet"
    source.write_text("\n".join(json.dumps(d) for d in documents) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "amparo", "screen", "--batch", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = pl.read_parquet(out).to_dicts()
    for row, document in zip(rows, documents, strict=True):
        expected = screen(document, EU_PACK).summary
        got = {k: row[k].isoformat() if isinstance(row[k], dt.date) else row[k] for k in expected}
        assert got == expected, document["id"]


def _today(document: dict[str, Any], as_of: dt.date) -> Any:
    decision = screen(document, EU_PACK, as_of=as_of)
    return next(d.value for d in decision.determinations if d.rule.id == "responsible_on_reading_date")


def test_who_is_responsible_on_the_reading_date() -> None:
    e1 = _e1()
    assert _today(e1, dt.date(2025, 7, 14)) == "GR"  # the last day of the transfer period
    assert _today(e1, dt.date(2025, 7, 15)) == "DE"  # Art. 29(2): Greece relieved
    no_request = {k: v for k, v in e1.items() if k not in ("extensions", "acceptance")}
    assert _today(no_request, dt.date(2024, 12, 1)) == "GR"
    assert _today(no_request, dt.date(2024, 12, 2)) == "DE"  # Art. 21(1): no request in time
    assert screen(no_request, EU_PACK, as_of=dt.date(2024, 12, 2)).summary["responsible_state"] == "GR"


def test_the_declared_fact_types_match_every_extracted_fact() -> None:
    """``EU_PACK.fact_types()`` (the batch's column types) names every fact the extraction gives,
    no other, and each value is of its type or missing."""
    import random
    import typing

    from eu_applications import eu_application

    types = EU_PACK.fact_types()
    seen: dict[str, set[type]] = {}
    for n in range(400):
        parsed = EU_PACK.parse(eu_application(random.Random(9000 + n), n))
        try:
            dates = EU_PACK.read_dates(parsed, None)
        except InputError:
            continue
        facts = EU_PACK.extract_facts(parsed, dates)
        assert set(facts) == set(types)
        for name, value in facts.items():
            expected = typing.get_origin(types[name]) or types[name]
            assert value is None or type(value) is expected, (name, value)
            seen.setdefault(name, set()).add(type(value))
    assert {name for name, kinds in seen.items() if kinds != {type(None)}} == set(types)
