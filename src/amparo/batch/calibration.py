"""What the synthetic encounters are calibrated on: CBP's monthly Southwest Land Border Encounters
cells and the Border Patrol's split of CBP's "Other" citizenship group (``data/cbp``,
``data/ohss``), read once (:func:`calibration`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np

from amparo.engine.columnar import polars_module
from amparo.iso_countries import iso_alpha2

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Calibration:
    """Cell probabilities from the CBP table and the split of its "Other" group by month."""

    month: np.ndarray  # days since 1970 of each cell's month
    component: np.ndarray  # "USBP" / "OFO"
    demographic: np.ndarray
    citizenship: np.ndarray
    title42: np.ndarray
    p: np.ndarray
    other_codes: tuple[str, ...]
    other_by_month: dict[int, np.ndarray]  # month (days since 1970) -> cumulative shares
    other_latest: np.ndarray  # the last twelve months published: months after them

    def cells_in_months(self, month: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A cell of each ``month`` (days since 1970 of a month's first day), drawn in proportion
        to its count by ``u`` (uniform in [0, 1)); a month past the table takes its nearest."""
        months, first = np.unique(self.month, return_index=True)  # cells are sorted by month
        last = np.append(first[1:], len(self.month)) - 1
        at = np.clip(np.searchsorted(months, month), 0, len(months) - 1)
        at = np.where((at > 0) & (months[at] > month), at - 1, at)
        cumulative = np.cumsum(self.p)
        below = np.where(first[at] > 0, cumulative[np.maximum(first[at] - 1, 0)], 0.0)
        drawn = np.searchsorted(cumulative, below + u * (cumulative[last[at]] - below), side="right")
        cells: np.ndarray = np.clip(drawn, first[at], last[at])
        return cells


@cache
def calibration() -> Calibration:
    """The CBP cells (Oct 2018 – Aug 2025) and the OHSS split of "Other" nationalities."""
    pl = polars_module()
    from amparo.flows.ingest import normalised_frame

    rows = normalised_frame()
    cells = (
        rows.filter(pl.col("source").str.starts_with("cbp_sw"), pl.col("encounters") > 0)
        .group_by("month", "component", "demographic", "citizenship", "title_of_authority")
        .agg(pl.col("encounters").sum())
        .sort("month", "component", "demographic", "citizenship", "title_of_authority")
    )
    big = {"MX", "GT", "HN", "SV", "OTHER"}
    other = (
        rows.filter(
            pl.col("source") == "ohss_usbp_citizenship",
            pl.col("region") == "southwest_land_border",
            pl.col("month") >= dt.date(2018, 10, 1),
            ~pl.col("citizenship").is_in(sorted(big)),
            pl.col("citizenship").is_in(sorted(iso_alpha2())),  # e.g. Kosovo's XK is not an ISO code
            pl.col("encounters") > 0,
        )
        .group_by("month", "citizenship")
        .agg(pl.col("encounters").sum())
    )
    codes = tuple(sorted(other["citizenship"].unique().to_list()))
    index = {c: i for i, c in enumerate(codes)}
    by_month: dict[int, np.ndarray] = {}
    counts_by_month: dict[int, np.ndarray] = {}
    for (month,), part in other.group_by("month"):
        shares = np.zeros(len(codes))
        for code, count in zip(part["citizenship"].to_list(), part["encounters"].to_list(), strict=True):
            shares[index[code]] += count
        counts_by_month[(month - EPOCH).days] = shares
        by_month[(month - EPOCH).days] = np.cumsum(shares / shares.sum())
    latest = sum((counts_by_month[m] for m in sorted(counts_by_month)[-12:]), np.zeros(len(codes)))
    counts = cells["encounters"].to_numpy().astype(float)
    return Calibration(
        month=np.array([(m - EPOCH).days for m in cells["month"].to_list()]),
        component=cells["component"].to_numpy(),
        demographic=cells["demographic"].fill_null("single_adults").to_numpy(),
        citizenship=cells["citizenship"].to_numpy(),
        title42=(cells["title_of_authority"] == "title_42").to_numpy(),
        p=counts / counts.sum(),
        other_codes=codes,
        other_by_month=by_month,
        other_latest=np.cumsum(latest / latest.sum()),
    )


def other_nationalities(cal: Calibration, month: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Nationalities of the "Other" group, month by month from the Border Patrol's split."""
    out = np.empty(len(month), dtype=object)
    codes = np.array(cal.other_codes, dtype=object)
    for m in np.unique(month):
        where = month == m
        cumulative = cal.other_by_month.get(int(m), cal.other_latest)
        out[where] = codes[np.minimum(np.searchsorted(cumulative, u[where]), len(codes) - 1)]
    return out
