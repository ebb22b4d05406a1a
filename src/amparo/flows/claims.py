"""Claims about migration flows, written as data (YAML) and checked against the encounter data.

A claims file (format described in docs/FLOWS.md) lists claims, each with the statement, its
source, the measure that the statement is about and the comparison that would make it true.
:func:`check_file` answers each with a :class:`Verdict`: ``true``, ``false`` or ``not_checkable``,
with the numbers it was decided on and, for context, the same comparison on other measures
(for example all CBP encounters where the statement names Border Patrol only).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from amparo.errors import FieldError, InputError
from amparo.flows import series
from amparo.flows.ingest import OHSS_CITIZENSHIP_SOURCE, OHSS_FAMILY_SOURCE, SW_SOURCES

SHIPPED_CLAIMS = Path(__file__).with_name("claims.yaml")
Dataset = Literal["cbp_southwest", "ohss_usbp_family_status", "ohss_usbp_citizenship"]
_DATASET_SOURCES: dict[str, tuple[str, ...]] = {
    "cbp_southwest": SW_SOURCES,
    "ohss_usbp_family_status": (OHSS_FAMILY_SOURCE,),
    "ohss_usbp_citizenship": (OHSS_CITIZENSHIP_SOURCE,),
}
Filter = dict[str, str | list[str]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the statement was made: ``url`` where known, else ``document`` naming the copy held."""

    title: str
    date: dt.date
    publisher: str | None = None
    speaker: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://")
    document: str | None = None

    @model_validator(mode="after")
    def _traceable(self) -> Source:
        if self.url is None and self.document is None:
            raise ValueError("give the source's 'url', or 'document' naming the copy it was read from")
        return self


def _month(text: str) -> dt.date:
    try:
        return series.parse_month(text, "month")
    except InputError as exc:
        raise ValueError(f"expected a month as YYYY-MM (e.g. 2019-04), got '{text}'") from exc


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    while first <= last:
        out.append(first)
        first = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return out


class Period(_Strict):
    """Months given as a list, or as an inclusive range ``from``/``to`` (``YYYY-MM``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    months: list[str] | None = None
    start: str | None = Field(default=None, alias="from")
    end: str | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _one_form(self) -> Period:
        if (self.months is None) == (self.start is None or self.end is None):
            raise ValueError("give either 'months' (a list of YYYY-MM) or both 'from' and 'to'")
        if self.months == []:
            raise ValueError("'months' must not be empty")
        for text in [*(self.months or []), *(m for m in (self.start, self.end) if m)]:
            _month(text)
        if self.start and self.end and _month(self.start) > _month(self.end):
            raise ValueError(f"'from' ({self.start}) is after 'to' ({self.end})")
        return self

    def dates(self) -> list[dt.date]:
        """The months of the period, in order."""
        if self.months is not None:
            return sorted({_month(m) for m in self.months})
        return _months_between(_month(self.start or ""), _month(self.end or ""))


class _Filtered(_Strict):
    dataset: Dataset = "cbp_southwest"
    filter: Filter = Field(default_factory=dict)

    @field_validator("filter")
    @classmethod
    def _known_filter(cls, value: Filter) -> Filter:
        for name in value:
            if name not in series.FILTERS:
                raise ValueError(f"unknown filter '{name}': expected one of {', '.join(series.FILTERS)}")
        return value


class _Measure(Period, _Filtered):
    """A measure over the months of its own period."""


class CountMeasure(_Measure):
    """Encounters in each month (``aggregate: each``) or summed over the months (``sum``)."""

    kind: Literal["count"]
    aggregate: Literal["each", "sum"] = "each"


class ShareMeasure(_Measure):
    """Percent of the ``filter`` encounters that also match ``numerator``, in each month."""

    kind: Literal["share"]
    numerator: Filter


class ChangeMeasure(_Filtered):
    """Percent change of the summed encounters from ``base`` to ``compare``."""

    kind: Literal["change"]
    base: Period
    compare: Period


class RatioMeasure(_Measure):
    """Encounters matching ``left`` divided by those matching ``right`` (on top of ``filter``)."""

    kind: Literal["ratio"]
    left: Filter
    right: Filter


class NotCheckableMeasure(_Strict):
    """A statement the encounter data cannot decide; ``reason`` says why."""

    kind: Literal["not_checkable"]
    reason: str


Measure = Annotated[
    CountMeasure | ShareMeasure | ChangeMeasure | RatioMeasure | NotCheckableMeasure,
    Field(discriminator="kind"),
]
Operator = Literal[">", ">=", "<", "<=", "about", "increasing", "decreasing", "record_high"]


class Comparison(_Strict):
    """What would make the statement true. ``about`` uses ``tolerance``; ``record_high`` uses ``since``."""

    op: Operator
    value: float | None = None
    tolerance: float | None = None
    since: str | None = None

    @model_validator(mode="after")
    def _needs(self) -> Comparison:
        if self.op in (">", ">=", "<", "<=", "about") and self.value is None:
            raise ValueError(f"op '{self.op}' needs a 'value'")
        if self.op == "about" and self.tolerance is None:
            raise ValueError("op 'about' needs a 'tolerance' (in the measure's unit)")
        if self.op == "record_high":
            if self.since is None:
                raise ValueError("op 'record_high' needs 'since' (YYYY-MM)")
            _month(self.since)
        return self


class ContextMeasure(_Strict):
    """Another reading of the statement, shown next to the verdict but not deciding it."""

    label: str
    measure: Measure
    comparison: Comparison | None = None


class Claim(_Strict):
    """One statement, its source, the measure it is about and the comparison that makes it true."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    statement: str
    source: Source
    measure: Measure
    comparison: Comparison | None = None
    note: str | None = None
    context: list[ContextMeasure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _comparison_when_checkable(self) -> Claim:
        if self.measure.kind != "not_checkable" and self.comparison is None:
            raise ValueError("a checkable claim needs a 'comparison'")
        return self


class ClaimsFile(_Strict):
    """The top level of a claims file."""

    format: Literal[1] = 1
    claims: list[Claim]

    @model_validator(mode="after")
    def _unique_ids(self) -> ClaimsFile:
        seen: set[str] = set()
        for claim in self.claims:
            if claim.id in seen:
                raise ValueError(f"claim id '{claim.id}' is used twice")
            seen.add(claim.id)
        return self


@dataclass
class Reading:
    """The numbers a measure gave: labelled values and the monthly series around them (for a chart)."""

    values: list[tuple[str, float]]
    unit: str
    window: dict[str, float] = field(default_factory=dict)
    highlight: list[str] = field(default_factory=list)

    def display(self) -> list[dict[str, Any]]:
        """Each value with a readable form."""
        last = len(self.values) - 1
        derived = self.unit in ("percent change", "ratio")  # counts first, then the derived value
        return [
            {
                "label": k,
                "value": v,
                "display": _fmt(v, self.unit if i == last or not derived else "encounters"),
            }
            for i, (k, v) in enumerate(self.values)
        ]


@dataclass
class Verdict:
    """A claim's verdict with the numbers it rests on."""

    claim: Claim
    verdict: Literal["true", "false", "not_checkable"]
    explanation: str
    reading: Reading | None
    context: list[tuple[ContextMeasure, Reading | None, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: id, statement, source, verdict, values, explanation, context."""
        return {
            "id": self.claim.id,
            "statement": self.claim.statement,
            "source": self.claim.source.model_dump(mode="json"),
            "verdict": self.verdict,
            "values": self.reading.display() if self.reading else [],
            "unit": self.reading.unit if self.reading else None,
            "explanation": self.explanation,
            "note": self.claim.note,
            "context": [
                {
                    "label": c.label,
                    "values": r.display() if r else [],
                    "display": ", ".join(f"{v['label']}: {v['display']}" for v in r.display()) if r else "",
                    "holds": holds,
                }
                for c, r, holds in self.context
            ],
        }


def _fmt(value: float, unit: str) -> str:
    if unit == "encounters":
        return f"{value:,.0f}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:+.1f}%" if unit == "percent change" else f"{value:.1f}%"


def _monthly(
    dataset: str, filters: Mapping[str, str | Sequence[str]], months: Sequence[dt.date]
) -> dict[str, int]:
    """Encounters per month (``YYYY-MM``) in a dataset, for the southwest land border."""
    if dataset == "cbp_southwest":
        return series.total(months=months, filters=filters)
    sources = _DATASET_SOURCES[dataset]
    where = [f"source IN ({', '.join('?' for _ in sources)})", "region = 'southwest_land_border'"]
    params: list[Any] = [*sources]
    where.append(f"month IN ({', '.join('?' for _ in months)})")
    params.extend(months)
    for name, value in filters.items():
        values = [value] if isinstance(value, str) else list(value)
        where.append(f"{name} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    rows = (
        series.connection()
        .execute(
            f"SELECT month, SUM(encounters) FROM encounters WHERE {' AND '.join(where)} GROUP BY month",
            params,
        )
        .fetchall()
    )
    found = {series.month_text(m): int(n) for m, n in rows}
    return {series.month_text(m): found.get(series.month_text(m), 0) for m in sorted(set(months))}


def _window(months: Sequence[dt.date], since: str | None = None) -> list[dt.date]:
    first = series.parse_month(since, "since") if since else min(months)
    start = dt.date(first.year - 1, first.month, 1) if not since else first
    last = max(months)
    end = dt.date(last.year + (last.month + 5) // 12, (last.month + 5) % 12 + 1, 1)
    return _months_between(start, end)


def read(measure: Measure, comparison: Comparison | None = None) -> Reading | None:
    """Compute a measure's values (None for a measure that is not checkable)."""
    if isinstance(measure, NotCheckableMeasure):
        return None
    data_start, data_end = _data_range(measure.dataset)
    since = comparison.since if comparison and comparison.op == "record_high" else None
    if isinstance(measure, ChangeMeasure):
        months = measure.base.dates() + measure.compare.dates()
    else:
        months = measure.dates()
    _check_covered(months, data_start, data_end)
    window = [m for m in _window(months, since) if data_start <= m <= data_end]
    base = dict(measure.filter)
    counts = _monthly(measure.dataset, base, window)
    highlight = [series.month_text(m) for m in months]
    if isinstance(measure, CountMeasure):
        chosen = [(k, float(counts[k])) for k in highlight]
        if measure.aggregate == "sum":
            chosen = [(f"{highlight[0]}..{highlight[-1]}", sum(v for _, v in chosen))]
        return Reading(chosen, "encounters", {k: float(v) for k, v in counts.items()}, highlight)
    if isinstance(measure, ShareMeasure):
        part = _monthly(measure.dataset, {**base, **measure.numerator}, window)
        shares = {k: (100.0 * part[k] / counts[k] if counts[k] else math.nan) for k in counts}
        return Reading([(k, shares[k]) for k in highlight], "percent", shares, highlight)
    if isinstance(measure, ChangeMeasure):
        before = sum(counts[series.month_text(m)] for m in measure.base.dates())
        after = sum(counts[series.month_text(m)] for m in measure.compare.dates())
        change = 100.0 * (after - before) / before if before else math.nan
        values = [
            (_label(measure.base), float(before)),
            (_label(measure.compare), float(after)),
            ("change", change),
        ]
        return Reading(values, "percent change", {k: float(v) for k, v in counts.items()}, highlight)
    left = _monthly(measure.dataset, {**base, **measure.left}, months)
    right = _monthly(measure.dataset, {**base, **measure.right}, months)
    total_left, total_right = sum(left.values()), sum(right.values())
    ratio = total_left / total_right if total_right else math.nan
    values = [(_describe(measure.left), float(total_left)), (_describe(measure.right), float(total_right))]
    values.append(("ratio", ratio))
    return Reading(values, "ratio", {k: float(v) for k, v in counts.items()}, highlight)


def _describe(filters: Filter) -> str:
    return ", ".join(f"{k}={v if isinstance(v, str) else '+'.join(v)}" for k, v in filters.items()) or "all"


def _label(period: Period) -> str:
    dates = period.dates()
    first, last = series.month_text(dates[0]), series.month_text(dates[-1])
    return first if first == last else f"{first}..{last}"


def _data_range(dataset: str) -> tuple[dt.date, dt.date]:
    sources = _DATASET_SOURCES[dataset]
    row = (
        series.connection()
        .execute(
            f"SELECT MIN(month), MAX(month) FROM encounters WHERE source IN ({', '.join('?' for _ in sources)})",
            list(sources),
        )
        .fetchall()[0]  # fetch to the end: DuckDB keeps an unfinished result open
    )
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    return row[0], row[1]


def _check_covered(months: Sequence[dt.date], first: dt.date, last: dt.date) -> None:
    outside = [series.month_text(m) for m in months if not first <= m <= last]
    if outside:
        raise InputError(
            [
                FieldError(
                    "measure",
                    f"months {', '.join(outside)} are outside the data "
                    f"({series.month_text(first)}..{series.month_text(last)})",
                )
            ]
        )


def decide(reading: Reading, comparison: Comparison) -> tuple[bool, str]:
    """Whether the reading satisfies the comparison, and a sentence saying why."""
    op = comparison.op
    if reading.unit in ("percent change", "ratio"):
        subject = [reading.values[-1]]
    else:
        subject = reading.values
    numbers = [v for _, v in subject]
    if op == "increasing" or op == "decreasing":
        pairs = list(zip(numbers, numbers[1:], strict=False))
        holds = all(b > a for a, b in pairs) if op == "increasing" else all(b < a for a, b in pairs)
        verb = "rise" if op == "increasing" else "fall"
        return (
            holds,
            f"the monthly values {verb} every month"
            if holds
            else f"the monthly values do not {verb} every month",
        )
    if op == "record_high":
        month, value = subject[-1]
        earlier = {k: v for k, v in reading.window.items() if k <= month and not math.isnan(v)}
        top = max(earlier, key=lambda k: earlier[k])
        holds = top == month
        return holds, (
            f"{month} ({_fmt(value, reading.unit)}) is {'the' if holds else 'not the'} highest since "
            f"{comparison.since}; the highest is {top} ({_fmt(earlier[top], reading.unit)})"
        )
    target = float(comparison.value if comparison.value is not None else math.nan)
    tests = {
        ">": lambda v: v > target,
        ">=": lambda v: v >= target,
        "<": lambda v: v < target,
        "<=": lambda v: v <= target,
        "about": lambda v: abs(v - target) <= float(comparison.tolerance or 0.0),
    }
    failing = [(k, v) for k, v in subject if not tests[op](v)]
    wanted = (
        f"within {comparison.tolerance:g} of {_fmt(target, reading.unit)}"
        if op == "about" and comparison.tolerance is not None
        else f"{op} {_fmt(target, reading.unit)}"
    )
    if failing:
        shown = ", ".join(f"{k}: {_fmt(v, reading.unit)}" for k, v in failing)
        return False, f"expected {wanted}; not met by {shown}"
    return True, f"every value is {wanted}"


def evaluate(claim: Claim) -> Verdict:
    """Check one claim; an InputError's paths are within the claim (``/measure``, ``/context/0/measure``)."""
    with _within("", claim.id):
        reading = read(claim.measure, claim.comparison)
    context = []
    for number, extra in enumerate(claim.context):
        with _within(f"/context/{number}", claim.id):
            extra_reading = read(extra.measure, extra.comparison or claim.comparison)
        comparison = extra.comparison or claim.comparison
        outcome = (
            "not_checkable"
            if extra_reading is None or comparison is None
            else str(decide(extra_reading, comparison)[0]).lower()
        )
        context.append((extra, extra_reading, outcome))
    if reading is None or claim.comparison is None:
        reason = claim.measure.reason if isinstance(claim.measure, NotCheckableMeasure) else ""
        return Verdict(claim, "not_checkable", reason, None, context)
    holds, why = decide(reading, claim.comparison)
    return Verdict(claim, "true" if holds else "false", why, reading, context)


def load(path: Path | None = None) -> ClaimsFile:
    """Read and validate a claims file; an :class:`InputError` names each bad field."""
    from amparo.plain_words import field_errors
    from amparo.user_text import read_user_text

    target = path or SHIPPED_CLAIMS
    source = str(target)
    text = read_user_text(target, "FILE")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise InputError([FieldError("/", f"not valid YAML{where}: {problem}")], source=source) from None
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise InputError(
            [FieldError("/", f"expected a mapping with a 'claims' list (see docs/FLOWS.md); found {found}")],
            source=source,
        )
    try:
        return ClaimsFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(field_errors(exc), source=source) from None


@contextmanager
def _within(prefix: str, claim_id: str | None = None, source: str | None = None) -> Iterator[None]:
    """Re-raise an InputError with its paths under ``prefix`` (and the claim's id, the file named)."""
    try:
        yield
    except InputError as exc:
        named = f" (claim '{claim_id}')" if claim_id else ""
        errors = [
            FieldError(prefix + "/" + e.path.lstrip("/") if e.path else prefix or "/", e.message + named)
            for e in exc.errors
        ]
        raise InputError(errors, source=source or exc.source) from None


def check_file(path: Path | None = None) -> list[Verdict]:
    """Load a claims file (default: the shipped claims) and check every claim; a claim the data
    cannot answer (a month outside it) is an InputError naming the file and the claim's path."""
    verdicts = []
    for number, claim in enumerate(load(path).claims):
        with _within(f"/claims/{number}", source=str(path or SHIPPED_CLAIMS)):
            verdicts.append(evaluate(claim))
    return verdicts
