"""The `amparo screen` contract (shared/spec/README.md), run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from amparo.rules.us import US_PACK
from amparo.screening import screen

EXAMPLES = Path(__file__).resolve().parents[2] / "src/amparo/rules/us/examples"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amparo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def examples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text())["encounter"] for p in sorted(EXAMPLES.glob("*.json"))]


def test_single_object_gives_single_decision(tmp_path: Path) -> None:
    doc = examples()[0]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc))
    result = run("screen", str(path), "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["encounter_id"] == doc["id"]
    assert decision["summary"] == screen(doc, US_PACK).summary
    assert decision["as_of"] == doc.get("adjudicated_on", doc["encountered_on"])
    assert all(node["rule"] and node["citations"] for node in decision["trace"])


def test_array_in_array_out_in_input_order() -> None:
    docs = examples()
    result = run("screen", "-", "--json", stdin=json.dumps(docs))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [d["encounter_id"] for d in out] == [d["id"] for d in docs]


def test_json_lines_with_an_invalid_line_screens_the_valid_ones() -> None:
    docs = examples()
    bad = {"id": "BAD-1", "encountered_on": "2019-02-30", "place": {"border": "southwest_land"}, "person": {}}
    lines = [json.dumps(docs[0]), json.dumps(bad), "{not json", json.dumps(docs[1])]
    result = run("screen", "-", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["encounter_id"] for o in out] == [docs[0]["id"], "BAD-1", None, docs[1]["id"]]
    assert "summary" in out[0] and "summary" in out[3]
    paths = {e["path"] for e in out[1]["error"]["errors"]}
    assert {"/encountered_on", "/place/manner", "/person/nationalities"} <= paths
    assert "not valid JSON" in out[2]["error"]["errors"][0]["message"]


def test_as_of_overrides_adjudicated_on() -> None:
    # EX-1 (Honduran adult, 2020-02-03): read on 2020-08-15 the transit bar was vacated, ACAs suspended.
    doc = next(d for d in examples() if d["id"] == "EX-1")
    result = run(
        "screen",
        "-",
        "--json",
        "--as-of",
        "2020-08-15",
        stdin=json.dumps({**doc, "adjudicated_on": "2020-02-10"}),
    )
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["as_of"] == "2020-08-15"
    assert decision["summary"]["asylum_bars"] == []
    assert decision["summary"]["aca_removal_to"] is None


@pytest.mark.parametrize("value", ["2020-13-01", "20200101", "2020-W01-1", "2020-1-015", "yesterday"])
def test_bad_as_of_is_named(value: str) -> None:
    result = run("screen", "-", "--as-of", value, stdin="{}")
    assert result.returncode == 2
    assert "--as-of" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_as_of_written_right_on_no_real_day_says_so() -> None:
    """Twenty-seventh round (a tester): ``2026-02-30`` was "not written YYYY-MM-DD", while the same
    day in a document is "not a real calendar date"."""
    from amparo.cli.options import parse_date
    from amparo.errors import InputError

    for value, words in (("2026-02-30", "real calendar date"), ("2026-2-3", "expected a date written")):
        with pytest.raises(InputError) as caught:
            parse_date(value, "--as-of")
        assert words in caught.value.errors[0].message and f"'{value}'" in caught.value.errors[0].message
    assert str(parse_date("2028-02-29", "--as-of")) == "2028-02-29"


def test_readable_output_explains_with_citations() -> None:
    doc = next(d for d in examples() if d["id"] == "EX-1")
    result = run("screen", "-", stdin=json.dumps(doc))
    assert result.returncode == 0, result.stderr
    assert "ACA transfer to Guatemala" in result.stdout
    assert "8 CFR 208.30(e)(7)" in result.stdout
    assert "8 CFR 208.6" in result.stdout


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run("screen", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_rules_test_runs_shipped_scenarios() -> None:
    result = run("rules", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed, 0 failed" in result.stdout


def test_rules_show_unknown_suggests() -> None:
    result = run("rules", "show", "bar.transit")
    assert result.returncode != 0
    assert "bar.transit_2019" in result.stderr


def test_encounter_before_coverage_is_an_error_object_and_the_rest_is_screened() -> None:
    docs = examples()
    early = {**docs[0], "id": "OLD-1", "encountered_on": "2017-06-01"}
    early.pop("adjudicated_on", None)
    result = run("screen", "-", "--json", stdin=json.dumps([early, docs[1]]))
    assert result.returncode == 2
    out = json.loads(result.stdout)
    assert out[0]["encounter_id"] == "OLD-1"
    assert out[0]["error"]["errors"][0]["path"] == "/encountered_on"
    assert "2018-01-01" in out[0]["error"]["errors"][0]["message"]
    assert out[1]["summary"] == screen(docs[1], US_PACK).summary
