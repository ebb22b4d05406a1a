"""What happened after the encounters: DHS OHSS monthly tables and USCIS credible-fear cases.

Two publications are read here:

- DHS Office of Homeland Security Statistics, "Immigration Enforcement and Legal Processes Monthly
  Tables", August 2024 edition (``data/ohss/monthly-tables/…august-2024.xlsx``). Each sheet holds
  one fiscal-year block per year: a ``Total`` row (the published fiscal-year total) followed by
  its months, October first. Cells are rounded to 10 by OHSS; ``X`` and ``NA`` (not applicable,
  not yet in force) are kept as missing, never as zero. The sheets read are listed in
  :data:`TABLES`.
- DHS Office of Immigration Statistics, "Top Fifteen Nationalities Referred for a Credible Fear
  Interview: Fiscal Years 2016 to 2021" (USCIS APSO data; ``data/uscis/…csv``): completed, found,
  not found and closed per nationality and fiscal year; ``D`` (withheld) is kept as missing.

Normalised tables: ``ohss_monthly`` (``dataset``, ``month``, ``component``, ``citizenship``,
``outcome``, ``value``), ``ohss_fiscal_totals`` (the same with ``fiscal_year`` instead of
``month``: OHSS's own totals, to check the months against) and ``uscis_credible_fear``
(``fiscal_year``, ``nationality``, ``citizenship``, ``outcome``, ``cases``).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.flows.countries import ISO_BY_NAME, OTHER
from amparo.flows.files import FlowsDataError


@dataclass(frozen=True)
class Table:
    """One OHSS sheet read as a dataset: which dimension its columns are, and its groups'."""

    dataset: str
    sheet: str
    columns: str  # "citizenship" or "outcome": what the columns under the header name
    groups: str | None = None  # "component" or "citizenship": what the band above the header names
    measure: str = "count"


TABLES: tuple[Table, ...] = (
    Table("credible_fear_referrals", "SWB CF Filed by Citp", "citizenship", measure="referrals"),
    Table("credible_fear_results", "SWB CF Completed by Result", "outcome", measure="screenings"),
    Table("credible_fear_referrals_nationwide", "Nationwide CF Filed by Citp", "citizenship",
          measure="referrals"),
    Table("credible_fear_results_nationwide", "Nationwide CF by Result", "outcome", measure="screenings"),
    Table("book_outs", "CBP SWB Book-Outs by Agency", "outcome", "component", measure="book_outs"),
    Table("book_outs_by_citizenship", "CBP SWB Book-Outs by Citp", "outcome", "citizenship",
          measure="book_outs"),
    Table("cbp_one", "CBP One Appointments", "citizenship", measure="appointments"),
    Table("chnv_paroles", "CHNV Paroles", "citizenship", measure="paroles"),
    Table("removals", "DHS Removals by Citizenship", "citizenship", measure="removals"),
)  # fmt: skip

#: OHSS outcome headings (footnote digits removed) as codes.
OUTCOMES: dict[str, str] = {
    "T8 repatriations": "title_8_repatriation",
    "T42 expulsions": "title_42_expulsion",
    "Migrant Protection Protocols": "mpp_return",
    "Transfers to ICE": "transfer_to_ice",
    "Transfers to HHS": "transfer_to_hhs",
    "USBP Releases": "usbp_release",
    "OFO Paroles": "ofo_parole",
    "Other outcomes": "other",
    "Positive Fear": "positive_fear",
    "Negative Fear": "negative_fear",
    "Administrative Closure": "administrative_closure",
    "Total Encounters": "total",
    "Total": "total",
}
_COMPONENTS = {"Total CBP": "CBP", "USBP": "USBP", "OFO": "OFO", "Total Encounters": None}
_MONTHS = ("October", "November", "December", "January", "February", "March", "April", "May", "June",
           "July", "August", "September")  # fmt: skip
_FOOTNOTE_DIGITS = re.compile(r"(?<=[A-Za-z)])\d+$")
_CITIZENSHIP_NAMES = {"Other": OTHER, "Others": OTHER, "All Other": OTHER, "Russia": "RU"}


def _clean_heading(value: Any) -> str:
    return _FOOTNOTE_DIGITS.sub("", str(value).strip()).strip()


def _citizenship(name: str) -> str:
    return _CITIZENSHIP_NAMES.get(name, ISO_BY_NAME.get(name, OTHER))


def _code(kind: str, heading: str, where: str) -> str | None:
    if kind == "outcome":
        if heading not in OUTCOMES:
            raise FlowsDataError(where, f"unknown outcome heading '{heading}'")
        return OUTCOMES[heading]
    if kind == "component":
        return _COMPONENTS.get(heading, heading)
    if heading in ("Total", "Total Encounters"):
        return "total"
    return _citizenship(heading)


def _value(cell: Any) -> int | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        return int(round(cell))
    text = str(cell).strip().replace(",", "")
    return int(text) if text.isdigit() else None  # "X", "NA", "-": not a count


@dataclass
class OhssRows:
    """Monthly values and the published fiscal-year totals of every table read."""

    monthly: list[tuple[str, dt.date, str | None, str | None, str | None, int | None]]
    fiscal_totals: list[tuple[str, int, str | None, str | None, str | None, int | None]]
    last_month: dt.date


def _sheet_rows(table: Table, rows: list[tuple[Any, ...]], where: str, out: OhssRows) -> None:
    header_at = next((i for i, r in enumerate(rows) if r and r[0] == "Fiscal Year"), None)
    if header_at is None:
        raise FlowsDataError(where, "no 'Fiscal Year' header row")
    header = rows[header_at]
    band: list[str | None] = [None] * len(header)
    if table.groups and header_at > 0:
        current = None
        for i, cell in enumerate(rows[header_at - 1]):
            current = _clean_heading(cell) if cell is not None else current
            band[i] = current
    columns = []
    for i, cell in enumerate(header[2:], start=2):
        if cell is None:
            continue
        heading = band[i]
        group = _code(table.groups, heading, where) if table.groups and heading else None
        columns.append((i, group, _code(table.columns, _clean_heading(cell), where)))
    fiscal_year: int | None = None
    for row in rows[header_at + 1 :]:
        if not row or row[1] is None:
            continue
        if row[0] is not None and (year := re.match(r"^\s*(\d{4})", str(row[0]))):
            fiscal_year = int(year.group(1))  # 2019, or "2024 YTD" for the year in progress
        label = str(row[1]).strip()
        if fiscal_year is None or (label != "Total" and label not in _MONTHS):
            continue
        for i, group, code in columns:
            value = _value(row[i]) if i < len(row) else None
            keys = _keys(table, group, code)
            if label == "Total":
                out.fiscal_totals.append((table.dataset, fiscal_year, *keys, value))
                continue
            number = _MONTHS.index(label)
            month = dt.date(fiscal_year - (1 if number < 3 else 0), (number + 9) % 12 + 1, 1)
            out.monthly.append((table.dataset, month, *keys, value))
            if value is not None:
                out.last_month = max(out.last_month, month)


def _keys(table: Table, group: str | None, code: str | None) -> tuple[str | None, str | None, str | None]:
    """``(component, citizenship, outcome)`` of one column."""
    component = group if table.groups == "component" else None
    citizenship = group if table.groups == "citizenship" else None
    if table.columns == "citizenship":
        citizenship = code
    outcome = code if table.columns == "outcome" else None
    return component, citizenship, outcome


def read_ohss(path: Path, name: str) -> OhssRows:
    """The sheets of :data:`TABLES` from the OHSS monthly-tables workbook."""
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - depends on the installation
        from amparo.errors import MissingExtra

        raise MissingExtra("openpyxl", "analytics") from exc
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = OhssRows([], [], dt.date(1900, 1, 1))
    try:
        for table in TABLES:
            if table.sheet not in book.sheetnames:
                raise FlowsDataError(name, f"the sheet '{table.sheet}' is missing")
            rows = list(book[table.sheet].iter_rows(values_only=True))
            _sheet_rows(table, rows, f"{name} [{table.sheet}]", out)
    finally:
        book.close()
    return out


def read_uscis(path: Path, name: str) -> list[tuple[int, str, str, str, int | None]]:
    """``(fiscal_year, nationality, citizenship, outcome, cases)`` from the USCIS table.

    The outcome codes: ``completed``, ``credible_fear_found``, ``credible_fear_not_found``,
    ``closed``. The ``TOTAL`` row is kept with nationality ``TOTAL`` (citizenship ``total``).
    """
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    years = next((r for r in rows if r and r[0].strip() == "NATIONALITY"), None)
    headings = next((r for r in rows if len(r) > 1 and r[1].strip() == "Completed"), None)
    if years is None or headings is None:
        raise FlowsDataError(name, "the NATIONALITY and Completed header rows were not found")
    codes = {"Completed": "completed", "Credible Fear Found": "credible_fear_found",
             "Credible Fear Not Found": "credible_fear_not_found", "Closed": "closed"}  # fmt: skip
    out = []
    start = rows.index(headings) + 1
    for row in rows[start:]:
        name_cell = row[0].strip() if row else ""
        if not name_cell or len(row) < len(headings) or not any(c.strip() for c in row[1:]):
            continue
        nationality = "All Other Nationalities" if name_cell.startswith("All Other") else name_cell
        citizenship = "total" if name_cell == "TOTAL" else _citizenship(nationality)
        for i in range(1, len(headings)):
            heading = headings[i].strip()
            if heading not in codes:
                continue
            cell = row[i].strip()
            cases = 0 if cell == "-" else _value(cell)  # "-" represents zero; "D" is withheld
            out.append((int(years[i]), nationality, citizenship, codes[heading], cases))
    return out
