"""A small independent reader of the raw CBP CSVs, for checking amparo's numbers.

The reader uses only the standard library and the CBP files' own column names, so the tests
compare amparo's DuckDB/Polars pipeline against numbers computed a second, separate way.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
OLD = DATA / "cbp" / "sbo-encounters-fy19-fy22.csv"
NEW = DATA / "cbp" / "sbo-encounters-fy22-fy25-aug.csv"
MONTHS = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]


def raw_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def calendar_month(row: dict[str, str]) -> str:
    """'YYYY-MM' of a CBP row (fiscal year starts in October)."""
    fy = int(row["Fiscal Year"][:4])
    index = MONTHS.index(row["Month (abbv)"])
    year = fy - 1 if index < 3 else fy
    return f"{year}-{(index + 9) % 12 + 1:02d}"


def raw_monthly(path: Path, keep: Callable[[dict[str, str]], bool] = lambda _r: True) -> dict[str, int]:
    """Encounters per calendar month in one raw CBP file, for rows ``keep`` accepts."""
    totals: dict[str, int] = defaultdict(int)
    for row in raw_rows(path):
        if keep(row):
            totals[calendar_month(row)] += round(float(row["Encounter Count"]))
    return dict(totals)


def raw_fiscal_year(path: Path, fy: int, keep: Callable[[dict[str, str]], bool] = lambda _r: True) -> int:
    return sum(
        round(float(r["Encounter Count"]))
        for r in raw_rows(path)
        if r["Fiscal Year"][:4] == str(fy) and keep(r)
    )
