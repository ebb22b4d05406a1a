"""The new official datasets reproduce their published totals (State NIV, OHSS monthly tables, USCIS)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from amparo.flows import datasets, files, ingest, visas

from .conftest import CliResult

Run = Callable[..., CliResult]
DATA = files.default_data_dir()


def _fiscal_year_sum(amparo: Run, fy: int, *args: str) -> int:
    result = amparo("flows", "series", *args, "--from", f"{fy - 1}-10", "--to", f"{fy}-09", "--json")
    assert result.code == 0, result.err
    return sum(row[next(k for k in row if k not in ("month", "citizenship", "visa_class", "outcome"))]
               for row in json.loads(result.out))  # fmt: skip


@pytest.mark.parametrize(
    ("country", "visa_class", "fy", "published"),
    [
        ("SV", "H2B", 2019, 616), ("SV", "H2B", 2024, 8_070), ("GT", "H2B", 2019, 3_247),
        ("GT", "H2B", 2024, 10_197), ("HN", "H2B", 2019, 805), ("HN", "H2B", 2024, 7_156),
        ("MX", "H2A", 2019, 163_995), ("MX", "H2A", 2024, 286_272),
    ],
)  # fmt: skip
def test_fiscal_year_h2_sums_match_the_data_readme(
    amparo: Run, country: str, visa_class: str, fy: int, published: int
) -> None:
    args = ("--dataset", "visas", "--by", "citizenship", "--by", "visa_class",
            "--citizenship", country, "--visa-class", visa_class)  # fmt: skip
    assert _fiscal_year_sum(amparo, fy, *args) == published


def test_visa_rows_have_the_contract_keys(amparo: Run) -> None:
    result = amparo("flows", "series", "--dataset", "visas", "--by", "visa_class", "--from", "2024-03",
                    "--to", "2024-03", "--visa-class", "H2B", "--json")  # fmt: skip
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows and set(rows[0]) == {"month", "visa_class", "issuances"}
    assert "Data to 2025-05" in result.err and "Department of State" in result.err


def test_each_month_adds_up_to_states_grand_total_unless_a_line_was_malformed() -> None:
    data = visas.read(DATA)
    sums = dict(data.table.group_by("month").agg(pl.col("issuances").sum()).iter_rows())
    bad = data.malformed_months()
    checked = [m for m in data.grand_totals if m.year >= 2020 and m not in bad]
    assert len(checked) >= 60
    assert all(sums[m] == data.grand_totals[m] for m in checked)
    # The malformed lines are reported, never turned into data: each such month falls short.
    assert {m.isoformat()[:7] for m in bad} == {"2022-02", "2022-03", "2022-04", "2024-01"}
    assert all(sums[m] < data.grand_totals[m] for m in bad)
    assert all(r.reason.startswith("the fields are shifted") for r in data.malformed)


def test_state_names_map_to_iso_codes() -> None:
    assert visas.citizenship_code("El Salvador") == "SV"
    assert visas.citizenship_code("China - mainland") == "CN"
    assert visas.citizenship_code("*Non-nationality based issuances") == "OTHER"
    assert visas.visa_class_code("B1/B2") == "B1B2"


def _ohss_fiscal_total(dataset: str, fy: int, **keys: str) -> int:
    con = datasets.connection()
    where = " AND ".join(f"{k} = ?" for k in keys)
    row = con.execute(
        f"SELECT value FROM ohss_fiscal_totals WHERE dataset = ? AND fiscal_year = ? AND {where}",
        [dataset, fy, *keys.values()],
    ).fetchall()[0]  # fetch to the end: DuckDB keeps an unfinished result open
    assert row is not None
    return int(row[0])


def test_ohss_published_totals_mpp_and_credible_fear(amparo: Run) -> None:
    assert _ohss_fiscal_total("book_outs", 2019, component="CBP", outcome="mpp_return") == 44_250
    assert _ohss_fiscal_total("book_outs", 2020, component="CBP", outcome="mpp_return") == 20_200
    assert _ohss_fiscal_total("credible_fear_referrals", 2019, citizenship="HN") == 25_790
    assert _ohss_fiscal_total("credible_fear_referrals", 2021, citizenship="HN") == 880
    # The months, as served, add up to the published totals within OHSS's rounding to 10.
    mpp = _fiscal_year_sum(amparo, 2019, "--dataset", "book_outs", "--outcome", "mpp_return")
    assert abs(mpp - 44_250) <= 200
    hn = _fiscal_year_sum(amparo, 2019, "--dataset", "credible_fear", "--citizenship", "HN")
    assert hn == 25_790


def test_ohss_not_applicable_cells_are_missing_not_zero(amparo: Run) -> None:
    result = amparo("flows", "series", "--dataset", "book_outs", "--outcome", "title_42_expulsion",
                    "--from", "2019-01", "--to", "2020-05", "--json")  # fmt: skip
    rows = json.loads(result.out)
    assert rows[0]["month"] == "2020-03"  # Title 42 began in March 2020; earlier months are 'X'


def test_uscis_nationalities_add_up_to_the_published_total() -> None:
    con = datasets.connection()
    rows = con.execute(
        "SELECT fiscal_year, outcome, SUM(cases) FILTER (WHERE nationality <> 'TOTAL'), "
        "MAX(cases) FILTER (WHERE nationality = 'TOTAL'), COUNT(*) FILTER (WHERE cases IS NULL) "
        "FROM uscis_credible_fear GROUP BY 1, 2"
    ).fetchall()
    complete = [(fy, o, parts, total) for fy, o, parts, total, withheld in rows if not withheld]
    assert len(complete) >= 16
    assert all(parts == total for _fy, _o, parts, total in complete)
    honduras = datasets.query("uscis_credible_fear", by=["outcome"], filters={"citizenship": ["HN"]})
    assert {(r.period, r.keys["outcome"]): r.value for r in honduras}[("2019", "completed")] == 25_791


def test_an_altered_visa_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    target = copy / "state" / "niv-monthly" / "2024-03-01.jsonl"
    target.write_text(target.read_text(encoding="utf-8").replace('"1,589"', '"1,590"'), encoding="utf-8")
    con = ingest.connect(copy)
    with pytest.raises(files.FlowsDataError) as info:
        ingest.attach_pathways_and_outcomes(con, copy)
    assert info.value.path == "state/niv-monthly/2024-03-01.jsonl"


def test_bad_dataset_options_name_the_option(amparo: Run) -> None:
    result = amparo("flows", "series", "--dataset", "visas", "--by", "demographic")
    assert result.code == 2 and "--by" in result.err
    result = amparo("flows", "series", "--dataset", "passports")
    assert result.code == 2 and "--dataset" in result.err


def test_annual_uscis_rows_are_keyed_by_fiscal_year(amparo: Run) -> None:
    result = amparo("flows", "series", "--dataset", "uscis_credible_fear", "--by", "outcome",
                    "--citizenship", "SV", "--outcome", "completed", "--json")  # fmt: skip
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows[0] == {"fiscal_year": 2016, "outcome": "completed", "cases": 32_216}
    assert "Data to FY2021" in result.err
