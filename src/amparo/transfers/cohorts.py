"""What happened after transfer, by cohort of transfer month (as TRAC presents court outcomes by
the year a case began): how many lodged a claim, how many claims ended and how, how long it took.

``cohort_table`` works on outcome records (the receiving installation's, or any file of them);
``guatemala_published`` reproduces the published Guatemala 2019–2020 outcome from the shipped
figures (``data/partner_capacity.yaml``): transfers by the periods between published counts, and
the outcome, which was published only for the whole cohort.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from amparo.errors import FieldError, InputError

OUTCOMES = ("granted", "refused", "abandoned", "departed", "assisted_return")


@dataclass(frozen=True)
class OutcomeRecord:
    """One transferred person: when they arrived, whether and when they lodged a claim, how it ended."""

    person_id: str
    transferred_on: dt.date
    claim_lodged_on: dt.date | None = None
    outcome: str | None = None  # one of OUTCOMES, or None while pending / unknown
    outcome_on: dt.date | None = None


@dataclass
class CohortRow:
    cohort: str  # YYYY-MM of transfer, or a period label
    transferred: int
    claims_lodged: int | None
    outcomes: dict[str, int | None] = field(default_factory=dict)
    pending: int | None = None
    median_days_claim_to_outcome: float | None = None
    source: str | None = None

    @property
    def claim_rate(self) -> float | None:
        if self.claims_lodged is None or not self.transferred:
            return None
        return self.claims_lodged / self.transferred

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["claim_rate"] = self.claim_rate
        return data


def parse_records(rows: Iterable[Mapping[str, Any]], source: str = "records") -> list[OutcomeRecord]:
    """Validate outcome records (dicts); InputError names each field at fault."""
    errors: list[FieldError] = []
    records: list[OutcomeRecord] = []

    def date(row: Mapping[str, Any], key: str, path: str, required: bool) -> dt.date | None:
        value = row.get(key)
        if value in (None, "") and not required:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            errors.append(FieldError(f"{path}/{key}", f"expected a date YYYY-MM-DD; got {value!r}"))
            return None

    for index, row in enumerate(rows):
        path = f"/{index}"
        person = row.get("person_id")
        if not isinstance(person, str) or not person:
            errors.append(FieldError(f"{path}/person_id", "'person_id' is required"))
        transferred = date(row, "transferred_on", path, True)
        lodged = date(row, "claim_lodged_on", path, False)
        outcome = row.get("outcome") or None
        if outcome is not None and outcome not in OUTCOMES:
            errors.append(
                FieldError(
                    f"{path}/outcome", f"expected one of {', '.join(OUTCOMES)} or empty; got {outcome!r}"
                )
            )
        outcome_on = date(row, "outcome_on", path, False)
        if isinstance(person, str) and person and transferred is not None:
            records.append(OutcomeRecord(person, transferred, lodged, outcome, outcome_on))
    if errors:
        raise InputError(errors, source=source)
    return records


def cohort_table(records: Iterable[OutcomeRecord]) -> list[CohortRow]:
    """One row per month of transfer: transferred, claims lodged, outcomes, pending, median days."""
    groups: dict[str, list[OutcomeRecord]] = {}
    for record in records:
        groups.setdefault(f"{record.transferred_on:%Y-%m}", []).append(record)
    rows: list[CohortRow] = []
    for month in sorted(groups):
        members = groups[month]
        lodged = [r for r in members if r.claim_lodged_on is not None]
        outcomes: dict[str, int | None] = {o: sum(1 for r in members if r.outcome == o) for o in OUTCOMES}
        durations = [
            (r.outcome_on - r.claim_lodged_on).days
            for r in lodged
            if r.outcome in ("granted", "refused", "abandoned")
            and r.outcome_on is not None
            and r.claim_lodged_on
        ]
        rows.append(
            CohortRow(
                cohort=month,
                transferred=len(members),
                claims_lodged=len(lodged),
                outcomes=outcomes,
                pending=sum(1 for r in lodged if r.outcome is None),
                median_days_claim_to_outcome=float(statistics.median(durations)) if durations else None,
            )
        )
    return rows


def guatemala_published() -> list[CohortRow]:
    """The published Guatemala 2019–2020 outcome, from the shipped figures and nothing else.

    Rows: the transfers between consecutive published counts (cohorts by period, outcome not
    published per cohort), then one row per published whole-cohort outcome (HRW/RI; the Senate staff).
    """
    from amparo.transfers.synthetic import partner_capacity

    gt = partner_capacity()["countries"]["GT"]
    rows: list[CohortRow] = []
    previous_date: dt.date | None = None
    previous = 0
    for point in gt["transfers"]:
        day = point["date"]
        label = (
            f"{day:%Y-%m-%d}"
            if previous_date is None
            else f"{previous_date + dt.timedelta(days=1):%Y-%m-%d}..{day:%Y-%m-%d}"
        )
        rows.append(
            CohortRow(label, int(point["cumulative"]) - previous, None, {}, None, None, str(point["source"]))
        )
        previous, previous_date = int(point["cumulative"]), day
    for outcome in gt["outcomes"]:
        published = {o: (int(outcome[o]) if o in outcome else None) for o in OUTCOMES}
        rows.append(
            CohortRow(
                cohort="2019-11-21..2020-03-16 (all)",
                transferred=int(outcome["transferred"]),
                claims_lodged=int(outcome["applied"]),
                outcomes=published,
                pending=int(outcome["pending"]) if "pending" in outcome else None,
                median_days_claim_to_outcome=None,
                source=str(outcome["source"]),
            )
        )
    return rows
