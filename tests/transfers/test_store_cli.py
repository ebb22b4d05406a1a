"""The store path on the command line: capacity and slots in, a plan proposed, a family decided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_propose_and_decide_over_the_stored_capacity(
    tmp_path: Path, cli, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMPARO_DATABASE_URL", database_url)
    assert cli("transfers", "example", "--out", str(tmp_path), "--size", "120").code == 0
    assert cli("transfers", "capacity", "load-shipped").code == 0
    assert cli("transfers", "slots", "import", str(tmp_path / "capacity.yaml")).code == 0
    # the shipped figures say 0 government shelter places: nobody can be proposed
    out = tmp_path / "plan.json"
    result = cli(
        "transfers",
        "propose",
        "--cases",
        str(tmp_path / "cases.jsonl"),
        "--from",
        "2019-11-01",
        "--to",
        "2020-03-31",
        "--out",
        str(out),
    )
    assert result.code == 0, result.err
    assert json.loads(out.read_text())["people_assigned"] == 0
    for measure, value, start in (
        ("shelter_places", "80", "2019-12-31"),
        ("shelter_stay_days", "30", "2019-11-01"),
    ):
        result = cli(
            "transfers",
            "capacity",
            "set",
            "--country",
            "GT",
            "--measure",
            measure,
            "--value",
            value,
            "--from",
            start,
            "--source",
            "test",
            "--certainty",
            "U",
        )
        assert result.code == 0, result.err
    result = cli(
        "transfers",
        "propose",
        "--cases",
        str(tmp_path / "cases.jsonl"),
        "--from",
        "2019-11-01",
        "--to",
        "2020-03-31",
        "--out",
        str(out),
    )
    assert result.code == 0, result.err
    plan = json.loads(out.read_text())
    assert plan["people_assigned"] > 0  # 80 places held 30 days each: several rotations over the period
    first = plan["assignments"][0]["case_id"]
    result = cli("transfers", "decide", plan["plan_id"], first, "--accept")
    assert result.code == 0 and first in result.out
    result = cli("transfers", "decide", plan["plan_id"], first, "--accept", "--reject")
    assert result.code == 2 and "--accept/--reject/--edit" in result.err
    result = cli("transfers", "show", plan["plan_id"])
    shown = {p["case_id"]: p for p in json.loads(result.out)["proposals"]}
    assert shown[first]["decision"] == "accepted" and shown[first]["decided_by"] == "cli"
    result = cli(
        "transfers",
        "capacity",
        "set",
        "--country",
        "GT",
        "--measure",
        "seats",
        "--value",
        "1",
        "--from",
        "2020-01-01",
        "--source",
        "x",
    )
    assert result.code == 2 and "/measure" in result.err
