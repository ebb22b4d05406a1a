"""``amparo flows scenario FILE``: a what-if given as data, projected on the encounter forecast.

A scenario file names the series (the total, or one nationality or demographic), the horizon and
a list of changes: a lawful pathway widened by X %, an agreement implemented at N transfers a
week, a bar vacated on a date, or any other change with a stated effect. Every change carries its
assumption: how large an effect (a central value and a low-high range), after how many months,
and the source it comes from. Nothing about effects is hidden in code: the projection is the
baseline forecast (PolicyBlend) times ``1 + effect`` for each change in force, and the output
repeats every assumption with its source.

Effect of each change, in percent of encounters, when fully in force:

- ``pathway_widened``: ``size`` (percent wider lawful channel) × ``elasticity`` (percent change in
  encounters per percent wider channel; Clemens, PIIE 2024: about -0.3).
- ``agreement_implemented``: ``transfers_per_week`` / 100 × ``percent_per_100_weekly``.
- ``bar_vacated`` and ``other``: ``percent``.

The effect phases in linearly from the start month over ``lag_months`` (``ramp: linear``) or
starts whole after them (``ramp: step``). The band multiplies the baseline's interval by the
low and high effects of every change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from amparo.errors import FieldError, InputError

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Effect(_Strict):
    """The size of the effect: a central value and the range it may take."""

    central: float
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Effect:
        values = sorted((self.low, self.high))
        if not values[0] <= self.central <= values[1]:
            raise ValueError("central must lie between low and high")
        return self


class Assumption(_Strict):
    """What is assumed about a change's effect, and where that comes from."""

    effect: Effect
    lag_months: int = Field(0, ge=0, le=60)
    ramp: Literal["linear", "step"] = "linear"
    source: str = Field(min_length=8)

    @field_validator("source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("every assumption needs its source")
        return value.strip()


class _Change(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = Field(min_length=3)
    starts: str
    assumption: Assumption

    @field_validator("starts")
    @classmethod
    def _month(cls, value: str) -> str:
        if not _MONTH.match(value):
            raise ValueError("expected a month as YYYY-MM")
        return value


class PathwayWidened(_Change):
    """A lawful channel widened by ``size`` percent; the effect is an elasticity per percent."""

    kind: Literal["pathway_widened"]
    size: float = Field(gt=0, le=1000)


class AgreementImplemented(_Change):
    """An agreement implemented at ``transfers_per_week``; the effect is per 100 transfers a week."""

    kind: Literal["agreement_implemented"]
    transfers_per_week: float = Field(gt=0, le=10000)


class BarVacated(_Change):
    """A bar vacated (or any other change) with its effect given directly in percent."""

    kind: Literal["bar_vacated", "other"]


Change = Annotated[PathwayWidened | AgreementImplemented | BarVacated, Field(discriminator="kind")]


class Series(_Strict):
    """Which encounter series the scenario is about (the total when empty)."""

    citizenship: str | None = None
    demographic: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Series:
        if self.citizenship and self.demographic:
            raise ValueError("give citizenship or demographic, not both")
        return self


class ScenarioFile(_Strict):
    """A scenario: a title, the series, the horizon and the changes with their assumptions."""

    format: Literal[1]
    title: str = Field(min_length=3)
    series: Series = Series()
    horizon: int = Field(12, ge=1, le=24)
    level: int = Field(80, ge=50, le=99)
    changes: list[Change] = Field(min_length=1)


def load(path: Path) -> ScenarioFile:
    """Read and validate a scenario file; an :class:`InputError` names each bad field by its path."""
    from amparo.plain_words import field_errors
    from amparo.user_text import read_user_text

    text = read_user_text(path, "FILE")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError([FieldError("/", f"not valid YAML: {exc}")], source=str(path)) from exc
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise InputError(
            [FieldError("/", f"expected a scenario mapping (see docs/FLOWS.md); found {found}")],
            source=str(path),
        )
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(field_errors(exc), source=str(path)) from None


def effect_percent(change: PathwayWidened | AgreementImplemented | BarVacated, which: str) -> float:
    """The full effect of a change in percent of encounters (``which``: central, low or high)."""
    value = float(getattr(change.assumption.effect, which))
    if isinstance(change, PathwayWidened):
        return change.size * value
    if isinstance(change, AgreementImplemented):
        return change.transfers_per_week / 100.0 * value
    return value


def phase(change: PathwayWidened | AgreementImplemented | BarVacated, month: str) -> float:
    """How much of the change's effect is in force in ``month`` (0 to 1)."""
    start = int(change.starts[:4]) * 12 + int(change.starts[5:7])
    elapsed = int(month[:4]) * 12 + int(month[5:7]) - start
    lag = change.assumption.lag_months
    if elapsed < 0:
        return 0.0
    if lag == 0:
        return 1.0
    if change.assumption.ramp == "step":
        return 1.0 if elapsed >= lag else 0.0
    return min(1.0, (elapsed + 1) / lag)


@dataclass(frozen=True)
class ProjectedMonth:
    """One month: the baseline forecast and band, and the scenario's."""

    month: str
    baseline: float
    baseline_low: float
    baseline_high: float
    scenario: float
    low: float
    high: float

    def as_dict(self, level: int) -> dict[str, Any]:
        """JSON-ready, the bands named by their level."""
        return {
            "month": self.month,
            "baseline": round(self.baseline, 1),
            f"baseline_lo_{level}": round(self.baseline_low, 1),
            f"baseline_hi_{level}": round(self.baseline_high, 1),
            "scenario": round(self.scenario, 1),
            f"lo_{level}": round(self.low, 1),
            f"hi_{level}": round(self.high, 1),
        }


@dataclass(frozen=True)
class Projection:
    """A scenario's projection, with every assumption it rests on."""

    scenario: ScenarioFile
    series_name: str
    months: list[ProjectedMonth]
    staleness: str

    def assumptions(self) -> list[dict[str, Any]]:
        """Each change: what it is, its full effect (central, low, high, in %), timing and source."""
        return [
            {
                "id": c.id,
                "kind": c.kind,
                "description": c.description,
                "starts": c.starts,
                "effect_percent": {w: round(effect_percent(c, w), 2) for w in ("central", "low", "high")},
                "lag_months": c.assumption.lag_months,
                "ramp": c.assumption.ramp,
                "source": c.assumption.source,
            }
            for c in self.scenario.changes
        ]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: title, series, baseline model, assumptions, months and the data's age."""
        return {
            "title": self.scenario.title,
            "series": self.series_name,
            "baseline_model": "PolicyBlend",
            "assumptions": self.assumptions(),
            "months": [m.as_dict(self.scenario.level) for m in self.months],
            "data": self.staleness,
        }


def project(scenario: ScenarioFile, today: dt.date | None = None) -> Projection:
    """The baseline forecast of the scenario's series, and the series with every change applied."""
    from amparo.flows import forecast

    by, key = _series(scenario.series)
    result = forecast.forecast(
        by=by, horizon=scenario.horizon, model=forecast.DEFAULT_MODEL, level=scenario.level,
        keys=[key] if key else None,
    )  # fmt: skip
    if not result.rows:
        raise InputError([FieldError("/series", f"no encounter series for {key}")])
    months = []
    for row in result.rows:
        central = low = high = 1.0
        for change in scenario.changes:
            share = phase(change, row.month)
            factors = [1.0 + share * effect_percent(change, w) / 100.0 for w in ("central", "low", "high")]
            central *= factors[0]
            low *= min(factors)
            high *= max(factors)
        months.append(
            ProjectedMonth(row.month, row.forecast, row.low, row.high,
                           max(0.0, row.forecast * central), max(0.0, row.low * low), max(0.0, row.high * high))
        )  # fmt: skip
    return Projection(scenario, key or "total", months, result.staleness(today=today))


def _series(series: Series) -> tuple[str | None, str | None]:
    if series.citizenship:
        return "citizenship", series.citizenship.upper()
    if series.demographic:
        return "demographic", series.demographic
    return None, None
