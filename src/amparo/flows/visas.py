"""State Department monthly nonimmigrant visa issuances (legal pathways: H-2A, H-2B and every class).

Source: ``data/state/niv-monthly/YYYY-MM-01.jsonl``, one file per month (March 2017 - May 2025,
May 2019 missing), rows ``{"Nationality", "Visa Class", "Issuances"}`` parsed from State's monthly
"Nonimmigrant Visa Issuances by Nationality" reports. Each line is one of:

- a data row: nationality, visa class and a whole number of issuances (any other key is null);
- the month's published grand total (``GRAND TOTAL``), kept to check the rows against;
- a footnote (the "Non-nationality based issuances" note, "Formerly known as Swaziland");
- a malformed line: a data row whose fields were shifted or run together when the report was
  parsed. Malformed lines are reported (file, line, text) and never guessed into data.

Normalised table ``visas``: ``month`` (DATE), ``nationality`` (as State writes it),
``citizenship`` (ISO 3166-1 alpha-2, ``OTHER`` for documents that are not a nationality),
``visa_class`` (as State writes it without punctuation: ``B1/B2`` -> ``B1B2``, ``H2A``, ``H2B``)
and ``issuances`` (BIGINT).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from amparo.flows import files
from amparo.flows.countries import ISO_BY_NAME, OTHER

_FIELDS = ("Nationality", "Visa Class", "Issuances")
_COUNT = re.compile(r"^\s*\d{1,3}(,\d{3})*\s*$|^\s*\d+\s*$")
_GRAND_TOTAL = re.compile(r"^\s*grand total\s*$", re.IGNORECASE)
_GRAND_TOTAL_JOINED = re.compile(r"^\s*grand total\s*\n\s*([\d,]+)\s*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^\s*\*|non-?\s*nation", re.IGNORECASE)

#: State's spellings that ISO/pycountry do not resolve by name. Documents that are not a
#: nationality (non-nationality based issuances, BNO passports, "Unknown") become OTHER.
_STATE_NAMES: dict[str, str] = {
    "**Eswatini": "SZ", "Swaziland": "SZ", "Eswatini": "SZ", "Bahamas, The": "BS",
    "Bosnia-Herzegovina": "BA", "Brunei": "BN", "China - Mainland": "CN", "China - mainland": "CN",
    "China-mainland": "CN", "China-Mainland": "CN", "China - Taiwan": "TW", "China-Taiwan": "TW",
    "Congo, Democratic Republic of the": "CD", "Democratic Republic of the Congo": "CD",
    "Congo, Republic of the": "CG", "Cote D'Ivoire": "CI", "Curacao": "CW", "Gambia, The": "GM",
    "Great Britain & Northern Ireland": "GB", "Great Britain and Northern Ireland": "GB",
    "Guinea - Bissau": "GW", "Hong Kong S. A. R.": "HK", "Hong Kong S.A.R.": "HK", "Korea, North": "KP",
    "Macau S. A. R.": "MO", "Macau S.A.R.": "MO", "Macedonia": "MK",
    "Marshall Islands, Republic of the": "MH", "Micronesia": "FM", "St Lucia": "LC", "St. Helena": "SH",
    "St. Kitts And Nevis": "KN", "St. Kitts and Nevis": "KN", "St. Vincent and The Grenadines": "VC",
    "St. Vincent and the Grenadines": "VC", "Sudan, South": "SS", "Vatican City": "VA",
    "Palestinian Authority Travel Document": "PS", "British National Overseas (Hong Kong) Passport": OTHER,
    "Unknown": OTHER, "Kosovo": "XK",
}  # fmt: skip


@lru_cache(maxsize=1024)
def citizenship_code(nationality: str) -> str:
    """ISO 3166-1 alpha-2 for a nationality as State writes it (``OTHER`` when it is not one)."""
    if nationality in _STATE_NAMES:
        return _STATE_NAMES[nationality]
    if nationality in ISO_BY_NAME:
        return ISO_BY_NAME[nationality]
    if _FOOTNOTE.search(nationality):
        return OTHER
    try:
        import pycountry
    except ImportError:  # pragma: no cover - depends on the installation
        return OTHER
    try:
        return str(pycountry.countries.lookup(nationality).alpha_2)
    except LookupError:
        return OTHER


def visa_class_code(text: str) -> str:
    """The class as State writes it, without punctuation or spaces (``B1/B2`` -> ``B1B2``)."""
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


@dataclass(frozen=True)
class RejectedLine:
    """A line of a monthly file that is not a data row, and why."""

    file: str
    line: int
    reason: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"file": self.file, "line": self.line, "reason": self.reason, "text": self.text}


@dataclass
class VisaData:
    """The parsed rows (a Polars frame), each month's published grand total, and the other lines."""

    table: Any  # polars.DataFrame: month, nationality, citizenship, visa_class, issuances
    grand_totals: dict[dt.date, int] = field(default_factory=dict)
    footnotes: int = 0
    malformed: list[RejectedLine] = field(default_factory=list)

    def malformed_months(self) -> set[dt.date]:
        """Months with at least one malformed line (their sums fall short of the grand total)."""
        return {_month_of(r.file) for r in self.malformed}


def _month_of(name: str) -> dt.date:
    return dt.date.fromisoformat(Path(name).name.removesuffix(".jsonl"))


def _parse_line(record: dict[str, Any]) -> tuple[str, Any]:
    """Classify one JSON line: ``("row", (nat, class, n))``, ``("total", n)``, ``("footnote", None)``
    or ``("malformed", reason)``."""
    extra = {k: v for k, v in record.items() if k not in _FIELDS and v is not None}
    nationality, visa_class, issuances = (record.get(k) for k in _FIELDS)
    if not extra and isinstance(nationality, str) and _GRAND_TOTAL.match(nationality):
        return ("total", int(str(issuances).replace(",", ""))) if issuances else ("malformed", "empty total")
    for value in extra.values():
        if isinstance(value, str) and (joined := _GRAND_TOTAL_JOINED.match(value)):
            return "total", int(joined.group(1).replace(",", ""))
    if not extra and isinstance(nationality, str) and _FOOTNOTE.search(nationality) and not visa_class:
        return "footnote", None
    if extra and all(isinstance(v, str) and _FOOTNOTE.search(v) for v in extra.values()):
        return "footnote", None
    if not extra and isinstance(nationality, str) and nationality.startswith("**") and not visa_class:
        return "footnote", None
    if extra:
        return "malformed", "the fields are shifted or run together (keys " + ", ".join(sorted(extra)) + ")"
    if not nationality or not visa_class:
        return "malformed", "nationality or visa class is empty"
    if not isinstance(issuances, str) or not _COUNT.match(issuances):
        return "malformed", f"issuances is not a whole number: {issuances!r}"
    return "row", (nationality.strip(), visa_class.strip(), int(issuances.replace(",", "")))


def read(data_dir: Path) -> VisaData:
    """Every monthly file under ``data_dir`` (already checked against SHA256SUMS by the caller).

    Each file is read with Polars; the well-formed data rows are selected and normalised with
    expressions, and only the few other lines (totals, footnotes, malformed) are looked at one by one.
    """
    import polars as pl

    frames = []
    data = VisaData(table=None)
    for relative in files.niv_files(data_dir):
        month = _month_of(relative)
        try:
            raw = pl.read_ndjson(data_dir / relative, infer_schema_length=None).with_row_index(
                "line", offset=1
            )
        except pl.exceptions.ComputeError as exc:
            raise files.FlowsDataError(relative, f"not JSON Lines: {exc}") from exc
        raw = raw.with_columns(pl.col(c).cast(pl.String) for c in raw.columns if c != "line")
        for name in _FIELDS:
            if name not in raw.columns:
                raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(name))
        extra = [c for c in raw.columns if c not in (*_FIELDS, "line")]
        nationality, visa_class, issuances = (pl.col(c).str.strip_chars() for c in _FIELDS)
        is_row = (
            nationality.is_not_null() & (nationality != "") & visa_class.is_not_null() & (visa_class != "")
            & issuances.str.contains(r"^(\d{1,3}(,\d{3})*|\d+)$").fill_null(False)
            & ~nationality.str.contains(r"(?i)^grand total$")
            & pl.all_horizontal([pl.col(c).is_null() for c in extra] or [pl.lit(True)])
        )  # fmt: skip
        rows = raw.filter(is_row)
        frames.append(
            rows.select(
                pl.lit(month).alias("month"),
                nationality.alias("nationality"),
                visa_class.str.replace_all(r"[^A-Za-z0-9]", "").str.to_uppercase().alias("visa_class"),
                issuances.str.replace_all(",", "").cast(pl.Int64).alias("issuances"),
            )
        )
        for record in raw.filter(~is_row).to_dicts():
            number = int(record.pop("line"))
            kind, value = _parse_line(record)
            if kind == "total":
                data.grand_totals[month] = value
            elif kind == "footnote":
                data.footnotes += 1
            else:  # a data row the expressions did not accept is reported, never guessed
                reason = str(value) if kind == "malformed" else "not in the expected form"
                text = " | ".join(f"{k}={v}" for k, v in record.items() if v is not None)
                data.malformed.append(RejectedLine(relative, number, reason, text[:120]))
    table = pl.concat(frames)
    codes = {name: citizenship_code(name) for name in table["nationality"].unique().to_list()}
    data.table = table.with_columns(
        pl.col("nationality").replace_strict(codes, return_dtype=pl.String).alias("citizenship")
    ).select("month", "nationality", "citizenship", "visa_class", "issuances")
    return data


def frame(data: VisaData) -> Any:
    """The ``visas`` table as a Polars frame (one row per month, nationality and class)."""
    import polars as pl

    return data.table.group_by("month", "nationality", "citizenship", "visa_class").agg(
        pl.col("issuances").sum()
    )
