"""`amparo flows series`: the official totals, the FY2022 overlap counted once, the JSON contract, errors."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from amparo.flows import files, ingest, series
from amparo.flows.files import FlowsDataError

from .conftest import CliResult
from .raw_data import DATA, NEW, OLD, raw_fiscal_year, raw_monthly

Run = Callable[..., CliResult]


def fiscal_total(amparo: Run, fy: int, *extra: str) -> int:
    result = amparo("flows", "series", "--from", f"{fy - 1}-10", "--to", f"{fy}-09", "--json", *extra)
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert len({r["month"] for r in rows}) == 12
    return sum(r["encounters"] for r in rows)


@pytest.mark.parametrize(("fy", "official"), [(2019, 977_509), (2023, 2_475_669)])
def test_official_fiscal_year_totals(amparo: Run, fy: int, official: int) -> None:
    assert fiscal_total(amparo, fy) == official
    source = OLD if fy < 2022 else NEW
    assert raw_fiscal_year(source, fy) == official


def test_border_patrol_fy2019_matches_the_raw_table(amparo: Run) -> None:
    usbp = raw_fiscal_year(OLD, 2019, lambda r: r["Component"] == "U.S. Border Patrol")
    assert fiscal_total(amparo, 2019, "--component", "USBP") == usbp
    assert fiscal_total(amparo, 2019, "--component", "OFO") == raw_fiscal_year(OLD, 2019) - usbp


def test_fy2022_overlap_is_counted_once(amparo: Run) -> None:
    in_old, in_new = raw_fiscal_year(OLD, 2022), raw_fiscal_year(NEW, 2022)
    assert in_old > 0 and in_new > 0  # both files hold FY2022: adding them would double it
    assert fiscal_total(amparo, 2022) == in_new
    assert fiscal_total(amparo, 2022) != in_old + in_new
    monthly = {r.month: r.encounters for r in series.query(start=series.parse_month("2021-10", "m"))}
    for month, count in raw_monthly(NEW).items():
        assert monthly[month] == count, month


def test_every_month_comes_from_one_file_only() -> None:
    frame = ingest.southwest_rows(DATA)
    sources_by_month: dict[object, set[str]] = {}
    for month, source in zip(frame["month"].to_list(), frame["source"].to_list(), strict=True):
        sources_by_month.setdefault(month, set()).add(source)
    assert all(len(s) == 1 for s in sources_by_month.values())
    kept = {m.kept for m in ingest.overlap_months()}
    assert kept == {"cbp_sw_fy22_fy25"} and len(ingest.overlap_months()) == 12


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@pytest.mark.parametrize("dim", list(series.DIMENSIONS))
def test_json_shape_for_each_dimension(amparo: Run, dim: str) -> None:
    result = amparo("flows", "series", "--by", dim, "--from", "2021-01", "--to", "2021-12", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows
    for row in rows:
        assert list(row) == ["month", dim, "encounters"]
        assert MONTH.match(row["month"]) and "2021-01" <= row["month"] <= "2021-12"
        assert row[dim] in series.DIMENSIONS[dim]
        assert isinstance(row["encounters"], int) and row["encounters"] >= 0
    totals = {
        r.month: r.encounters
        for r in series.query(
            start=series.parse_month("2021-01", "m"), end=series.parse_month("2021-12", "m")
        )
    }
    for month, total in totals.items():
        assert sum(r["encounters"] for r in rows if r["month"] == month) == total


def test_several_dimensions_and_the_readable_table(amparo: Run) -> None:
    result = amparo(
        "flows",
        "series",
        "--by",
        "citizenship",
        "--by",
        "demographic",
        "--from",
        "2019-05",
        "--to",
        "2019-05",
        "--json",
    )
    rows = json.loads(result.out)
    assert all(list(r) == ["month", "citizenship", "demographic", "encounters"] for r in rows)
    fmua_sv = raw_monthly(
        OLD, lambda r: r["Citizenship Grouping"] == "El Salvador" and r["Demographic"] == "FMUA"
    )
    assert (
        next(r["encounters"] for r in rows if (r["citizenship"], r["demographic"]) == ("SV", "family_units"))
        == (fmua_sv["2019-05"])
    )
    table = amparo("flows", "series", "--from", "2019-03", "--to", "2019-04")
    assert table.code == 0 and "103,731" in table.out and "109,415" in table.out


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--by", "nationality"], ["--by", "citizenship, demographic, component, title_of_authority"]),
        (["--from", "2019-13"], ["--from", "YYYY-MM"]),
        (["--to", "April 2019"], ["--to", "YYYY-MM"]),
        (["--from", "2020-01", "--to", "2019-01"], ["--from", "--to"]),
        (["--component", "CBP"], ["--component", "USBP or OFO"]),
        (["--by", "component", "--by", "component"], ["--by", "once"]),
    ],
)
def test_bad_options_name_the_option_and_what_was_expected(
    amparo: Run, args: list[str], names: list[str]
) -> None:
    result = amparo("flows", "series", *args)
    assert result.code == 2
    message = " ".join(result.err.split())
    for name in names:
        assert name in message
    assert "Traceback" not in result.err


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_an_altered_file_is_refused(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    path = folder / files.SW_FY19_FY22
    path.write_bytes(path.read_bytes().replace(b"9584.0", b"9585.0", 1))
    with pytest.raises(FlowsDataError, match=r"sbo-encounters-fy19-fy22\.csv.*altered"):
        ingest.connect(folder)


def test_a_missing_file_or_checksum_list_is_refused(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    (folder / files.OHSS_CITIZENSHIP).unlink()
    with pytest.raises(FlowsDataError, match="missing"):
        files.verify(folder)
    (folder / "SHA256SUMS").unlink()
    with pytest.raises(FlowsDataError, match="SHA256SUMS"):
        files.verify(folder)


def test_the_shipped_files_verify() -> None:
    verified = files.verify()
    assert [v.relative_path for v in verified] == list(files.INGESTED_FILES)
