"""The datasets ``amparo flows series --dataset NAME`` serves, their dimensions and publications.

Each dataset names the publication it comes from (publisher, title, edition) so that every
series, chart and forecast can say what it rests on and how old it is: the last month with data
and the edition it was published in. Sources are cited as publications, never as file paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amparo.errors import FieldError, InputError
from amparo.flows import series

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Publication:
    """An official publication a dataset is read from."""

    publisher: str
    title: str
    edition: str

    def cite(self) -> str:
        """``Publisher, Title (edition)``: how charts and reports name the source."""
        return f"{self.publisher}, {self.title} ({self.edition})"


CBP_SW = Publication(
    "U.S. Customs and Border Protection (CBP)",
    "Southwest Land Border Encounters",
    "FY19–FY22 and FY22–FY25 (FYTD) releases, the latter with data through August 2025",
)
OHSS_KHSM = Publication(
    "DHS Office of Homeland Security Statistics (OHSS)",
    "KHSM CBP Encounters (USBP)",
    "fiscal-year 2025 month-11 workbook",
)
OHSS_MONTHLY = Publication(
    "DHS Office of Homeland Security Statistics (OHSS)",
    "Immigration Enforcement and Legal Processes Monthly Tables",
    "August 2024 edition, file dated 2024-12-06; data current as of 2024-09-30",
)
STATE_NIV = Publication(
    "U.S. Department of State, Bureau of Consular Affairs",
    "Monthly Nonimmigrant Visa Issuances by Nationality and Visa Class",
    "monthly reports March 2017 – May 2025 (May 2019 not held)",
)
USCIS_CF = Publication(
    "DHS Office of Immigration Statistics, from USCIS Asylum Pre-Screening Officer data",
    "Top Fifteen Nationalities Referred for a Credible Fear Interview: Fiscal Years 2016 to 2021",
    "FY2021 dataset",
)


@dataclass(frozen=True)
class Dataset:
    """One servable dataset: the SQL behind it, its ``--by`` dimensions, its value and its source."""

    name: str
    description: str
    value: str  # the JSON key of the count, e.g. "issuances"
    table: str
    dimensions: Mapping[str, str]  # --by name -> column
    publication: Publication
    where: str = ""  # fixed SQL condition selecting the dataset's rows
    period: str = "month"  # "month", or "fiscal_year" for annual tables
    excluded_totals: Sequence[str] = ("citizenship", "outcome")  # columns whose 'total' rows are dropped


def _ohss(name: str, description: str, value: str, dims: Mapping[str, str]) -> Dataset:
    return Dataset(name, description, value, "ohss_monthly", dims, OHSS_MONTHLY, f"dataset = '{name}'")


DATASETS: dict[str, Dataset] = {
    "visas": Dataset(
        "visas", "nonimmigrant visa issuances by month (legal pathways: H-2A, H-2B, …)", "issuances",
        "visas", {"citizenship": "citizenship", "visa_class": "visa_class"}, STATE_NIV,
    ),
    "credible_fear": _ohss(
        "credible_fear_referrals", "southwest-border credible-fear screenings referred to USCIS",
        "referrals", {"citizenship": "citizenship"},
    ),
    "credible_fear_results": _ohss(
        "credible_fear_results", "southwest-border credible-fear screenings completed, by result",
        "screenings", {"outcome": "outcome"},
    ),
    "book_outs": _ohss(
        "book_outs", "southwest-border encounters by book-out outcome (T42 expulsion, MPP return, release…)",
        "book_outs", {"component": "component", "outcome": "outcome"},
    ),
    "book_outs_by_citizenship": _ohss(
        "book_outs_by_citizenship", "southwest-border book-outs by citizenship (the top ten) and outcome",
        "book_outs", {"citizenship": "citizenship", "outcome": "outcome"},
    ),
    "cbp_one": _ohss("cbp_one", "CBP One appointments at ports of entry", "appointments",
                     {"citizenship": "citizenship"}),
    "chnv_paroles": _ohss("chnv_paroles", "confirmed CHNV paroles", "paroles", {"citizenship": "citizenship"}),
    "removals": _ohss("removals", "DHS removals by citizenship", "removals", {"citizenship": "citizenship"}),
    "uscis_credible_fear": Dataset(
        "uscis_credible_fear", "credible-fear cases by nationality and result, per fiscal year", "cases",
        "uscis_credible_fear", {"citizenship": "citizenship", "outcome": "outcome"}, USCIS_CF,
        period="fiscal_year",
    ),
}  # fmt: skip
ENCOUNTERS = "encounters"


@dataclass(frozen=True)
class DatasetRow:
    """One period of a dataset's series."""

    period: str
    keys: dict[str, str]
    value: int
    value_name: str
    period_name: str = "month"

    def as_dict(self) -> dict[str, Any]:
        """``month`` (or ``fiscal_year``), one key per dimension, and the value under its name."""
        period: str | int = int(self.period) if self.period_name == "fiscal_year" else self.period
        return {self.period_name: period, **self.keys, self.value_name: self.value}


@lru_cache(maxsize=4)
def _connection(data_dir: Path | None) -> duckdb.DuckDBPyConnection:
    from amparo.flows import ingest

    con = series.connection(data_dir)
    ingest.attach_pathways_and_outcomes(con, data_dir)
    return con


def connection(data_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The flows connection with the pathway and outcome tables attached (loaded once per process)."""
    return _connection(data_dir)


def get(name: str) -> Dataset:
    """The dataset called ``name``; an :class:`InputError` naming ``--dataset`` otherwise."""
    if name not in DATASETS:
        raise InputError(
            [FieldError("--dataset", f"expected one of {ENCOUNTERS}, {', '.join(DATASETS)}; got '{name}'")]
        )
    return DATASETS[name]


def query(
    name: str,
    *,
    by: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    data_dir: Path | None = None,
) -> list[DatasetRow]:
    """The dataset's series by period, grouped by ``by``, between the months ``start`` and ``end``.

    Periods whose every cell is "not applicable" (OHSS ``X``/``NA``) give no row.
    """
    dataset = get(name)
    problems = [
        FieldError("--by", f"{name} has the dimensions {', '.join(dataset.dimensions)}; got '{d}'")
        for d in by
        if d not in dataset.dimensions
    ]
    problems += [
        FieldError(f"--{d.replace('_', '-')}", f"{name} cannot be filtered by {d}")
        for d in (filters or {})
        if d not in dataset.dimensions
    ]
    if len(set(by)) != len(by):
        problems.append(FieldError("--by", f"each dimension may be given once; got {', '.join(by)}"))
    if start and end and start > end:
        problems.append(FieldError("--from", "must not be after --to"))
    if problems:
        raise InputError(problems)
    where = [dataset.where] if dataset.where else []
    params: list[Any] = []
    columns = dict(dataset.dimensions)
    for column in dataset.excluded_totals:
        if column in columns.values():
            where.append(f"{column} IS DISTINCT FROM 'total'")
    if dataset.name == "book_outs":
        where.append("component IN ('USBP', 'OFO')")  # CBP is their sum as OHSS publishes it
    period = "fiscal_year" if dataset.period == "fiscal_year" else "month"
    if start:
        where.append(f"{period} >= ?")
        params.append(_fiscal_year(start) if period == "fiscal_year" else start)
    if end:
        where.append(f"{period} <= ?")
        params.append(_fiscal_year(end) if period == "fiscal_year" else end)
    for dim, values in (filters or {}).items():
        where.append(f"{columns[dim]} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    keys = ", ".join([period, *(columns[d] for d in by)])
    sql = (
        f"SELECT {keys}, CAST(SUM({_value_column(dataset)}) AS BIGINT) AS v FROM {dataset.table} "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY {keys} HAVING v IS NOT NULL ORDER BY {keys}"
    )
    rows = connection(data_dir).execute(sql, params).fetchall()
    return [
        DatasetRow(
            series.month_text(r[0]) if period == "month" else str(r[0]),
            dict(zip(by, (str(k) for k in r[1:-1]), strict=True)),
            int(r[-1]),
            dataset.value,
            period,
        )
        for r in rows
    ]


def _value_column(dataset: Dataset) -> str:
    return {"visas": "issuances", "uscis_credible_fear": "cases"}.get(dataset.table, "value")


def _fiscal_year(month: dt.date) -> int:
    return month.year + (1 if month.month >= 10 else 0)


@dataclass(frozen=True)
class Staleness:
    """How old a series is: its last period with data, and the edition it was published in."""

    dataset: str
    last_period: str
    publication: Publication

    def sentence(self, today: dt.date | None = None, language: str = "en") -> str:
        """One plain sentence: the last period, how many months ago that is, and the publication."""
        now = today or dt.date.today()
        months = _months_since(self.last_period, now)
        if language == "es":
            age = f" ({months} meses antes del {now.isoformat()})" if months is not None else ""
            return f"Datos hasta {self.last_period}{age}. Fuente: {self.publication.cite()}."
        age = f" ({months} months before {now.isoformat()})" if months is not None else ""
        return f"Data to {self.last_period}{age}. Source: {self.publication.cite()}."


def _months_since(period: str, today: dt.date) -> int | None:
    if len(period) != 7:
        return None
    return (today.year - int(period[:4])) * 12 + today.month - int(period[5:7])


def staleness(name: str = ENCOUNTERS, data_dir: Path | None = None) -> Staleness:
    """The last period with data of a dataset and the publication it comes from."""
    if name == ENCOUNTERS:
        return Staleness(ENCOUNTERS, series.month_text(series.months_available(data_dir)[1]), CBP_SW)
    dataset = get(name)
    period = "fiscal_year" if dataset.period == "fiscal_year" else "month"
    where = f"WHERE {dataset.where} AND" if dataset.where else "WHERE"
    row = (
        connection(data_dir)
        .execute(f"SELECT MAX({period}) FROM {dataset.table} {where} {_value_column(dataset)} IS NOT NULL")
        .fetchall()[0]  # fetch to the end: DuckDB keeps an unfinished result open
    )
    last = row[0] if row else None
    text = series.month_text(last) if isinstance(last, dt.date) else f"FY{last}"
    return Staleness(name, text, dataset.publication)
