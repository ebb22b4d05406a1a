"""`amparo claims check`: the shipped claims' verdicts, recomputed here from the raw CSVs; YAML errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amparo.errors import InputError
from amparo.flows import claims

from .conftest import CliResult
from .raw_data import OLD, raw_monthly

Run = Callable[..., CliResult]
USBP = "U.S. Border Patrol"


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[str, Any]]:
    return {v.claim.id: v.as_dict() for v in claims.check_file()}


def test_april_2019_border_patrol_claim_is_false_but_true_for_all_cbp(
    verdicts: dict[str, dict[str, Any]],
) -> None:
    usbp = raw_monthly(OLD, lambda r: r["Component"] == USBP)
    total = raw_monthly(OLD)
    verdict = verdicts["apr-2019-border-patrol-over-100k"]
    expected = all(usbp[m] > 100_000 for m in ("2019-03", "2019-04"))
    assert verdict["verdict"] == str(expected).lower()
    assert [v["value"] for v in verdict["values"]] == [usbp["2019-03"], usbp["2019-04"]]
    context = verdict["context"][0]
    assert [v["value"] for v in context["values"]] == [total["2019-03"], total["2019-04"]]
    assert context["holds"] == str(all(total[m] > 100_000 for m in ("2019-03", "2019-04"))).lower()


def test_may_2019_family_unit_share(verdicts: dict[str, dict[str, Any]]) -> None:
    fmua = raw_monthly(OLD, lambda r: r["Demographic"] == "FMUA")["2019-05"]
    total = raw_monthly(OLD)["2019-05"]
    share = 100 * fmua / total
    verdict = verdicts["may-2019-family-units-59-percent"]
    assert verdict["values"][0]["value"] == pytest.approx(share)
    assert verdict["verdict"] == str(abs(share - 59) <= 3).lower()
    usbp_fmua = raw_monthly(OLD, lambda r: r["Demographic"] == "FMUA" and r["Component"] == USBP)["2019-05"]
    usbp = raw_monthly(OLD, lambda r: r["Component"] == USBP)["2019-05"]
    assert verdict["context"][0]["values"][0]["value"] == pytest.approx(100 * usbp_fmua / usbp)


def test_salvadoran_drop_since_june_2019(verdicts: dict[str, dict[str, Any]]) -> None:
    sv = raw_monthly(OLD, lambda r: r["Citizenship Grouping"] == "El Salvador")
    change = 100 * (sv["2019-08"] - sv["2019-06"]) / sv["2019-06"]
    verdict = verdicts["salvadorans-drop-60-percent-since-june-2019"]
    assert verdict["values"][-1]["value"] == pytest.approx(change)
    assert verdict["verdict"] == str(abs(change + 60) <= 5).lower()
    may_based = 100 * (sv["2019-08"] - sv["2019-05"]) / sv["2019-05"]
    assert verdict["context"][0]["values"][-1]["value"] == pytest.approx(may_based)


def test_rising_since_january_and_salvador_below_guatemala(verdicts: dict[str, dict[str, Any]]) -> None:
    usbp = raw_monthly(OLD, lambda r: r["Component"] == USBP)
    months = ["2019-01", "2019-02", "2019-03", "2019-04"]
    rising = all(usbp[a] < usbp[b] for a, b in zip(months, months[1:], strict=False))
    assert verdicts["jan-apr-2019-apprehensions-rising"]["verdict"] == str(rising).lower()
    sv = raw_monthly(OLD, lambda r: r["Citizenship Grouping"] == "El Salvador")
    gt = raw_monthly(OLD, lambda r: r["Citizenship Grouping"] == "Guatemala")
    recent = ["2019-05", "2019-06", "2019-07"]
    ratio = sum(sv[m] for m in recent) / sum(gt[m] for m in recent)
    verdict = verdicts["el-salvador-less-than-guatemala-2019"]
    assert verdict["values"][-1]["value"] == pytest.approx(ratio)
    assert verdict["verdict"] == str(ratio < 1).lower()


def test_population_and_mpp_claims_are_not_checkable(verdicts: dict[str, dict[str, Any]]) -> None:
    for key in ("since-sep-2018-one-percent-left", "mpp-42000-remain-in-mexico"):
        assert verdicts[key]["verdict"] == "not_checkable"
        assert verdicts[key]["explanation"]
    gt_hn = raw_monthly(OLD, lambda r: r["Citizenship Grouping"] in ("Guatemala", "Honduras"))
    context = verdicts["since-sep-2018-one-percent-left"]["context"][0]
    assert context["values"][0]["value"] == sum(v for m, v in gt_hn.items() if "2018-10" <= m <= "2019-04")


def test_cli_json_and_table(amparo: Run, tmp_path: Path) -> None:
    result = amparo("claims", "check", "--json", "--chart", str(tmp_path / "charts"))
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert {r["verdict"] for r in rows} <= {"true", "false", "not_checkable"}
    assert all(
        {"id", "statement", "source", "verdict", "values", "explanation", "context"} <= set(r) for r in rows
    )
    checkable = [r["id"] for r in rows if r["verdict"] != "not_checkable"]
    assert sorted(p.stem for p in (tmp_path / "charts").glob("*.svg")) == sorted(
        f"claim_{i}" for i in checkable
    )
    table = amparo("claims", "check")
    assert table.code == 0 and "not_checkable" in table.out


GOOD = {
    "id": "x",
    "statement": "s",
    "source": {"title": "t", "date": "2019-05-01", "url": "https://example.org/a"},
    "measure": {"kind": "count", "months": ["2019-03"]},
    "comparison": {"op": ">", "value": 1},
}


def write_claims(tmp_path: Path, claim: dict[str, Any]) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(json.dumps({"format": 1, "claims": [claim]}))  # JSON is YAML
    return path


def test_a_user_file_is_checked(amparo: Run, tmp_path: Path) -> None:
    result = amparo("claims", "check", str(write_claims(tmp_path, GOOD)), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["verdict"] == "true"


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"measure": {"kind": "count", "months": ["2019-13"]}}, "/claims/0/measure/count", "YYYY-MM"),
        (
            {"measure": {"kind": "count", "months": ["2019-03"], "filter": {"country": "SV"}}},
            "/claims/0/measure/count/filter",
            "unknown filter 'country'",
        ),
        ({"measure": {"kind": "average", "months": ["2019-03"]}}, "/claims/0/measure", "kind"),
        ({"comparison": None}, "/claims/0", "needs a 'comparison'"),
        ({"comparison": {"op": "about", "value": 3}}, "/claims/0/comparison", "tolerance"),
        ({"source": {"title": "t", "date": "2019-05-01"}}, "/claims/0/source", "url"),
        ({"statement": None}, "/claims/0/statement", ""),
        ({"colour": "red"}, "/claims/0/colour", "not a known field"),
    ],
)
def test_invalid_claims_name_the_field(tmp_path: Path, change: dict[str, Any], path: str, words: str) -> None:
    claim = {**GOOD, **change}
    claim = {k: v for k, v in claim.items() if v is not None}
    with pytest.raises(InputError) as info:
        claims.load(write_claims(tmp_path, claim))
    paths = [e.path for e in info.value.errors]
    assert any(p.startswith(path) for p in paths), paths
    assert words in str(info.value)


def test_months_outside_the_data_are_an_input_error(amparo: Run, tmp_path: Path) -> None:
    claim = {**GOOD, "measure": {"kind": "count", "months": ["2010-01"]}}
    result = amparo("claims", "check", str(write_claims(tmp_path, claim)))
    assert result.code == 2 and "outside the data" in result.err
    missing = amparo("claims", "check", str(tmp_path / "nope.yaml"))
    assert missing.code == 2 and "cannot read" in missing.err
