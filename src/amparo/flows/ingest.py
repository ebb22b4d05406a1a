"""Ingest the shipped CBP and OHSS tables into one normalised DuckDB table, ``encounters``.

Schema (one row per month and combination of the dimensions a source breaks out)::

    month               DATE     first day of the calendar month
    source              VARCHAR  which file the row comes from (see SOURCES)
    region              VARCHAR  southwest_land_border | northern_land_border | coastal_border
    component           VARCHAR  USBP | OFO
    demographic         VARCHAR  single_adults | family_units | unaccompanied_children |
                                 accompanied_minors (NULL where the source does not break it out)
    citizenship         VARCHAR  ISO 3166-1 alpha-2, or OTHER (NULL where not broken out)
    title_of_authority  VARCHAR  title_8 | title_42 (NULL for OHSS)
    encounter_type      VARCHAR  apprehensions | inadmissibles | expulsions (NULL for OHSS)
    encounters          BIGINT

Overlaps: the two CBP southwest-border files both hold FY2022 (Oct 2021 - Sep 2022). For every
month held by more than one CBP file, only the rows of the latest publication are kept
(``sbo-encounters-fy22-fy25-aug.csv``); earlier months come from ``sbo-encounters-fy19-fy22.csv``.
The OHSS sources are other breakdowns of the same Border Patrol encounters: never add them to the
CBP rows or to each other (queries pick one source).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from amparo.errors import MissingExtra
from amparo.flows import files
from amparo.flows.countries import ISO_BY_NAME, OTHER

try:
    import duckdb
    import polars as pl
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise MissingExtra(exc.name or "duckdb", "analytics") from exc

#: CBP southwest-border sources in publication order (a later one wins a month both hold).
SW_SOURCES: tuple[str, ...] = ("cbp_sw_fy19_fy22", "cbp_sw_fy22_fy25")
OHSS_CITIZENSHIP_SOURCE = "ohss_usbp_citizenship"
OHSS_FAMILY_SOURCE = "ohss_usbp_family_status"

SOURCE_FILES: dict[str, str] = {
    "cbp_sw_fy19_fy22": files.SW_FY19_FY22,
    "cbp_sw_fy22_fy25": files.SW_FY22_FY25,
    OHSS_CITIZENSHIP_SOURCE: files.OHSS_CITIZENSHIP,
    OHSS_FAMILY_SOURCE: files.OHSS_FAMILY_STATUS,
}

_MONTH_NUMBER = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
_COMPONENT = {"U.S. Border Patrol": "USBP", "Office of Field Operations": "OFO"}
_DEMOGRAPHIC = {
    "Single Adults": "single_adults",
    "FMUA": "family_units",
    "Family Unit Individuals": "family_units",
    "UC / Single Minors": "unaccompanied_children",
    "UAC": "unaccompanied_children",
    "Unaccompanied Children": "unaccompanied_children",
    "Accompanied Minors": "accompanied_minors",
}
_TITLE = {"Title 8": "title_8", "Title 42": "title_42"}
_REGION = {
    "Southwest Land Border": "southwest_land_border",
    "Northern Land Border": "northern_land_border",
    "Coastal Border": "coastal_border",
}
COLUMNS: tuple[str, ...] = (
    "month",
    "source",
    "region",
    "component",
    "demographic",
    "citizenship",
    "title_of_authority",
    "encounter_type",
    "encounters",
)


def _month_from_fiscal(fiscal_year: pl.Expr, month_number: pl.Expr) -> pl.Expr:
    """First day of the calendar month: October to December belong to the previous calendar year."""
    year = fiscal_year - (month_number >= 10).cast(pl.Int32)
    return pl.date(year, month_number, 1)


def _read_sw(path: Path, source: str, priority: int) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema=False)
    fiscal = pl.col("Fiscal Year").str.slice(0, 4).cast(pl.Int32)
    month_number = pl.col("Month (abbv)").replace_strict(_MONTH_NUMBER, return_dtype=pl.Int32)
    title = pl.col("Title of Authority").replace_strict(_TITLE)
    # The FY19-FY22 publication labels some Border Patrol Title 42 rows "Apprehensions"; the later
    # publication calls every Title 42 encounter an expulsion. Normalise to the later convention.
    encounter_type = (
        pl.when(title == "title_42")
        .then(pl.lit("expulsions"))
        .otherwise(pl.col("Encounter Type").str.to_lowercase())
    )
    return raw.select(
        _month_from_fiscal(fiscal, month_number).alias("month"),
        pl.lit(source).alias("source"),
        pl.lit("southwest_land_border").alias("region"),
        pl.col("Component").replace_strict(_COMPONENT).alias("component"),
        pl.col("Demographic").replace_strict(_DEMOGRAPHIC).alias("demographic"),
        pl.col("Citizenship Grouping").replace_strict(ISO_BY_NAME, default=OTHER).alias("citizenship"),
        title.alias("title_of_authority"),
        encounter_type.alias("encounter_type"),
        pl.col("Encounter Count").cast(pl.Float64).round(0).cast(pl.Int64).alias("encounters"),
        pl.lit(priority).alias("priority"),
    )


def _read_ohss(path: Path, source: str, breakdown: str) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema=False)
    fiscal = pl.col("Fiscal Year").cast(pl.Int32)
    # "01 October" ... "12 September": the fiscal month number, October first.
    fiscal_month = pl.col("Month").str.slice(0, 2).cast(pl.Int32)
    month_number = ((fiscal_month + 8) % 12 + 1).cast(pl.Int32)
    null = pl.lit(None, dtype=pl.String)
    demographic = (
        pl.col("Family Status").replace_strict(_DEMOGRAPHIC) if breakdown == "family_status" else null
    )
    citizenship = (
        pl.col("Citizenship").replace_strict(ISO_BY_NAME, default=OTHER)
        if breakdown == "citizenship"
        else null
    )
    frame = raw.select(
        _month_from_fiscal(fiscal, month_number).alias("month"),
        pl.lit(source).alias("source"),
        pl.col("Region").replace_strict(_REGION).alias("region"),
        pl.lit("USBP").alias("component"),
        demographic.alias("demographic"),
        citizenship.alias("citizenship"),
        null.alias("title_of_authority"),
        null.alias("encounter_type"),
        pl.col("Quantity").cast(pl.Int64).alias("encounters"),
    )
    # "Unknown" and unlisted countries both become OTHER: add them up so each key appears once.
    keys = [c for c in COLUMNS if c != "encounters"]
    return frame.group_by(keys).agg(pl.col("encounters").sum()).select(COLUMNS)


def southwest_rows(data_dir: Path) -> pl.DataFrame:
    """Both CBP southwest-border files, normalised, each month taken from its latest publication."""
    both = pl.concat(
        [
            _read_sw(data_dir / SOURCE_FILES[source], source, priority)
            for priority, source in enumerate(SW_SOURCES)
        ]
    )
    latest = pl.col("priority") == pl.col("priority").max().over("month")
    return both.filter(latest).select(COLUMNS)


#: The nationwide state files' citizenship names that are not the OHSS names in capitals.
_STATE_FILE_NAMES = {"CHINA, PEOPLES REPUBLIC OF": "CN", "MYANMAR (BURMA)": "MM"}


def southwest_by_citizenship(data_dir: Path | None = None) -> pl.DataFrame:
    """CBP's southwest-border encounters (both components) by month and citizenship from the
    nationwide state files (``month``, ``citizenship``: ISO alpha-2 of the 21 largest
    nationalities, else ``OTHER``; ``encounters``), each month from its latest publication, after
    checking the files' digests. October 2019 to November 2023."""
    folder = data_dir or files.default_data_dir()
    names = {name.upper(): code for name, code in ISO_BY_NAME.items()} | _STATE_FILE_NAMES
    frames = []
    for priority, checked in enumerate(files.verify(folder, files.NATIONWIDE_STATE_FILES)):
        raw = pl.read_csv(checked.path, infer_schema=False)
        fiscal = pl.col("Fiscal Year").str.slice(0, 4).cast(pl.Int32)
        month_number = pl.col("Month (abbv)").replace_strict(_MONTH_NUMBER, return_dtype=pl.Int32)
        frames.append(
            raw.filter(pl.col("Land Border Region") == "Southwest Land Border").select(
                _month_from_fiscal(fiscal, month_number).alias("month"),
                pl.col("Citizenship").replace_strict(names, default=OTHER).alias("citizenship"),
                pl.col("Encounter Count").cast(pl.Float64).alias("encounters"),
                pl.lit(priority).alias("priority"),
            )
        )
    both = pl.concat(frames)
    latest = pl.col("priority") == pl.col("priority").max().over("month")
    return both.filter(latest).group_by("month", "citizenship").agg(pl.col("encounters").sum())


@dataclass(frozen=True)
class OverlapMonth:
    """A month held by both CBP southwest-border files, with each file's total."""

    month: dt.date
    totals: dict[str, int]
    kept: str


def overlap_months(data_dir: Path | None = None) -> list[OverlapMonth]:
    """The months both CBP files hold, each file's total and the file whose rows are kept."""
    folder = data_dir or files.default_data_dir()
    both = pl.concat([_read_sw(folder / SOURCE_FILES[s], s, p) for p, s in enumerate(SW_SOURCES)])
    totals = both.group_by("month", "source").agg(pl.col("encounters").sum())
    shared = totals.filter(pl.len().over("month") > 1).sort("month", "source")
    out = []
    for month, group in shared.group_by("month", maintain_order=True):
        per_source = dict(zip(group["source"].to_list(), group["encounters"].to_list(), strict=True))
        out.append(OverlapMonth(month[0], per_source, SW_SOURCES[-1]))
    return out


def normalised_frame(data_dir: Path | None = None) -> pl.DataFrame:
    """Every ingested row in the normalised schema, after checking the files' digests."""
    folder = data_dir or files.default_data_dir()
    files.verify(folder)
    return pl.concat(
        [
            southwest_rows(folder),
            _read_ohss(folder / files.OHSS_CITIZENSHIP, OHSS_CITIZENSHIP_SOURCE, "citizenship"),
            _read_ohss(folder / files.OHSS_FAMILY_STATUS, OHSS_FAMILY_SOURCE, "family_status"),
        ]
    )


def connect(data_dir: Path | None = None, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the ``encounters`` table (in memory unless a file is named)."""
    frame = normalised_frame(data_dir)
    con = duckdb.connect(database)
    con.register("encounters_frame", frame)
    con.execute("CREATE OR REPLACE TABLE encounters AS SELECT * FROM encounters_frame")
    con.unregister("encounters_frame")
    return con


def attach_pathways_and_outcomes(con: duckdb.DuckDBPyConnection, data_dir: Path | None = None) -> None:
    """Add the ``visas``, ``ohss_monthly``, ``ohss_fiscal_totals`` and ``uscis_credible_fear`` tables.

    The files are checked against SHA256SUMS first. Loaded on demand (the visa files are 22 MB),
    so the encounter commands do not pay for them.
    """
    from amparo.flows import outcomes, visas

    folder = data_dir or files.default_data_dir()
    files.verify(folder, files.outcome_files(folder))
    visa_data = visas.read(folder)
    ohss = outcomes.read_ohss(folder / files.OHSS_MONTHLY_TABLES, files.OHSS_MONTHLY_TABLES)
    uscis = outcomes.read_uscis(folder / files.USCIS_CREDIBLE_FEAR, files.USCIS_CREDIBLE_FEAR)
    keys = {"dataset": pl.String, "component": pl.String, "citizenship": pl.String, "outcome": pl.String}
    frames = {
        "visas": visas.frame(visa_data),
        "ohss_monthly": pl.DataFrame(
            ohss.monthly, schema={"dataset": pl.String, "month": pl.Date} | keys | {"value": pl.Int64},
            orient="row",
        ),
        "ohss_fiscal_totals": pl.DataFrame(
            ohss.fiscal_totals,
            schema={"dataset": pl.String, "fiscal_year": pl.Int32} | keys | {"value": pl.Int64},
            orient="row",
        ),
        "uscis_credible_fear": pl.DataFrame(
            uscis,
            schema={"fiscal_year": pl.Int32, "nationality": pl.String, "citizenship": pl.String,
                    "outcome": pl.String, "cases": pl.Int64},
            orient="row",
        ),
        "visa_rejected_lines": pl.DataFrame(
            [r.as_dict() for r in visa_data.malformed],
            schema={"file": pl.String, "line": pl.Int64, "reason": pl.String, "text": pl.String},
        ),
        "visa_grand_totals": pl.DataFrame(
            list(visa_data.grand_totals.items()), schema={"month": pl.Date, "issuances": pl.Int64},
            orient="row",
        ),
    }  # fmt: skip
    for name, frame in frames.items():
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
        con.unregister(f"{name}_frame")
