"""Monthly southwest-border encounter series: the query behind ``amparo flows series``.

Every query runs in DuckDB SQL over the normalised ``encounters`` table; the dimension names are
checked against a fixed list before they reach the SQL text, and values are bound as parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amparo.errors import FieldError, InputError
from amparo.flows import ingest

if TYPE_CHECKING:
    import duckdb

#: The ``--by`` dimensions of the contract, and the values each may take.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "citizenship": ("GT", "HN", "MX", "SV", "OTHER"),
    "demographic": ("single_adults", "family_units", "unaccompanied_children", "accompanied_minors"),
    "component": ("USBP", "OFO"),
    "title_of_authority": ("title_8", "title_42"),
}
#: Dimensions that may be used to filter (the contract's four, plus the encounter type).
FILTERS: dict[str, tuple[str, ...]] = DIMENSIONS | {
    "encounter_type": ("apprehensions", "inadmissibles", "expulsions"),
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class SeriesRow:
    """One month of a series, with the value of each ``--by`` dimension."""

    month: str
    keys: dict[str, str]
    encounters: int

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON object: ``month``, one key per dimension, ``encounters``."""
        return {"month": self.month, **self.keys, "encounters": self.encounters}


def parse_month(text: str, option: str) -> dt.date:
    """``YYYY-MM`` as the first day of that month; an :class:`InputError` naming ``option`` otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError([FieldError(option, f"expected a month as YYYY-MM (e.g. 2019-04), got '{text}'")])
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_text(day: dt.date) -> str:
    """A date as ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def check_dimensions(by: Sequence[str], option: str = "--by") -> list[str]:
    """The dimensions, each checked against :data:`DIMENSIONS` and given once."""
    problems = [
        FieldError(option, f"expected one of {', '.join(DIMENSIONS)}; got '{name}'")
        for name in by
        if name not in DIMENSIONS
    ]
    if problems:
        raise InputError(problems)
    if len(set(by)) != len(by):
        raise InputError([FieldError(option, f"each dimension may be given once; got {', '.join(by)}")])
    return list(by)


def check_filters(filters: Mapping[str, str | Sequence[str]], path: str = "filter") -> dict[str, list[str]]:
    """Filters as ``{dimension: [values]}``, each dimension and value checked."""
    checked: dict[str, list[str]] = {}
    problems = []
    for name, value in filters.items():
        if name not in FILTERS:
            problems.append(FieldError(f"{path}/{name}", f"expected one of {', '.join(FILTERS)}"))
            continue
        values = [value] if isinstance(value, str) else list(value)
        bad = [v for v in values if v not in FILTERS[name]]
        if bad or not values:
            problems.append(
                FieldError(
                    f"{path}/{name}", f"expected values among {', '.join(FILTERS[name])}; got {bad or '[]'}"
                )
            )
        checked[name] = values
    if problems:
        raise InputError(problems)
    return checked


@lru_cache(maxsize=4)
def _connection(data_dir: Path | None) -> duckdb.DuckDBPyConnection:
    return ingest.connect(data_dir)


def connection(data_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection with the ingested data (loaded and checked once per process and folder)."""
    return _connection(data_dir)


def query(
    *,
    by: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    data_dir: Path | None = None,
) -> list[SeriesRow]:
    """Southwest-border encounters by month (CBP), grouped by ``by``, between ``start`` and ``end``."""
    dims = check_dimensions(by)
    checked = check_filters(filters or {})
    if start and end and start > end:
        raise InputError(
            [FieldError("--from", f"must not be after --to ({month_text(start)} > {month_text(end)})")]
        )
    where = ["source IN ({})".format(", ".join("?" for _ in ingest.SW_SOURCES))]
    params: list[Any] = list(ingest.SW_SOURCES)
    if start:
        where.append("month >= ?")
        params.append(start)
    if end:
        where.append("month <= ?")
        params.append(end)
    for name, values in checked.items():
        where.append(f"{name} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    keys = ", ".join(["month", *dims])
    sql = (
        f"SELECT {keys}, CAST(SUM(encounters) AS BIGINT) AS encounters FROM encounters "
        f"WHERE {' AND '.join(where)} GROUP BY {keys} ORDER BY {keys}"
    )
    rows = connection(data_dir).execute(sql, params).fetchall()
    return [SeriesRow(month_text(r[0]), dict(zip(dims, r[1:-1], strict=True)), int(r[-1])) for r in rows]


def months_available(data_dir: Path | None = None) -> tuple[dt.date, dt.date]:
    """The first and last month of the southwest-border data."""
    first, last = (
        connection(data_dir)
        .execute(
            "SELECT MIN(month), MAX(month) FROM encounters WHERE source IN ({})".format(
                ", ".join("?" for _ in ingest.SW_SOURCES)
            ),
            list(ingest.SW_SOURCES),
        )
        .fetchall()[0]
    )  # to the end: DuckDB keeps an unfinished result open
    if first is None or last is None:  # pragma: no cover - the shipped data is never empty
        raise InputError([FieldError("data", "no southwest-border rows were ingested")])
    return first, last


def total(
    *,
    months: Sequence[dt.date],
    filters: Mapping[str, str | Sequence[str]] | None = None,
    data_dir: Path | None = None,
) -> dict[str, int]:
    """Encounters in each of ``months`` (``YYYY-MM`` keys; 0 for a month with no matching row)."""
    if not months:
        return {}
    rows = query(start=min(months), end=max(months), filters=filters, data_dir=data_dir)
    found = {r.month: r.encounters for r in rows}
    return {month_text(m): found.get(month_text(m), 0) for m in sorted(set(months))}
