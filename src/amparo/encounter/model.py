"""Pydantic v2 model of encounter v1 (shared/spec/encounter-v1.schema.json, copied beside this file).

The model accepts exactly the documents the JSON Schema accepts (a test proves it on valid and
invalid documents); :mod:`amparo.encounter.validation` adds two consistency checks beyond the
schema (a birth date after the encounter, an adjudication before it) and turns errors into
JSON paths and plain messages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from amparo.errors import Phrase
from amparo.iso_countries import checked_country

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The oldest age encounter v1 allows (``/person/age``; a birth date may not say more either).
MAX_AGE = 130
#: RFC 3339's date-time, with seconds; an offset's minutes are 00-59 (Python reads ``-04:60`` as
#: ``-05:00``).
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:[0-5]\d)$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):  # from columns: a Parquet timestamp where a day is wanted
        raise ValueError(
            Phrase(
                "expected a date written YYYY-MM-DD, not a date and time (in Parquet, a date column rather "
                "than a timestamp)"
            )
        )
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("expected a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("expected a real calendar date written YYYY-MM-DD") from None


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # from columns (Parquet): an instant only with its zone
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                Phrase(
                    "expected an RFC 3339 date-time with seconds and an offset, e.g. 2023-05-11T22:00:00-04:00 "
                    "(a date-time column without a time zone does not say which instant it is)"
                )
            )
        return value
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise ValueError(
            "expected an RFC 3339 date-time with seconds and an offset, e.g. 2023-05-11T22:00:00-04:00"
        )
    try:
        return dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expected a real date-time with an offset, e.g. 2023-05-11T22:00:00-04:00") from None


def _integer(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("expected a whole number")
        return int(value)
    return value


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("expected each country only once")
    return values


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]
UsState = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Z]{2}$")]
Country = Annotated[
    str, StringConstraints(strict=True, pattern=r"^[A-Z]{2}$"), AfterValidator(checked_country)
]
StrictBool = Annotated[bool, Field(strict=True)]
StrictStr = Annotated[str, Field(strict=True)]
ProtectionClaim = Literal["none", "pending", "abandoned", "denied_final", "granted"]
Basis = Literal[
    "race",
    "religion",
    "nationality",
    "particular_social_group",
    "political_opinion",
    "torture",
    "general_crime",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Place(_Strict):
    """Where and how the person was encountered."""

    border: Literal["southwest_land", "northern_land", "coastal", "air", "interior"]
    manner: Literal["port_of_entry", "between_ports"]
    location: StrictStr | None = None
    state: UsState | None = None
    arrived_from: Country | None = None


class Person(_Strict):
    """Who the person is, as far as the rules need."""

    nationalities: Annotated[list[Country], AfterValidator(_unique)]
    last_habitual_residence: Country | None = None
    birth_date: IsoDate | None = None
    age: Annotated[int, BeforeValidator(_integer), Field(ge=0, le=MAX_AGE)] | None = None
    sex: Literal["F", "M", "X"] | None = None
    given_names: StrictStr | None = None
    surnames: StrictStr | None = None


class Family(_Strict):
    """Whether a parent or guardian is present, and the family unit."""

    with_parent_or_legal_guardian: StrictBool | None = None
    family_unit: StrictBool | None = None
    members: list[StrictStr] | None = None


class RouteStep(_Strict):
    """One country transited en route, with any protection claim made there."""

    country: Country
    entered_on: IsoDate | None = None
    protection_claim: ProtectionClaim = "none"


class Documents(_Strict):
    """Documents and appointments the person holds."""

    valid_us_visa: StrictBool | None = None
    visa_exempt_entry: StrictBool | None = None
    cbp_one_appointment: StrictBool | None = None
    parole_travel_authorization: StrictBool | None = None
    lawful_permanent_resident: StrictBool | None = None
    metered_before: IsoDate | None = None


class FearClaim(_Strict):
    """A fear of harm in one country, on which grounds, and whether affirmatively stated."""

    country: Country
    affirmatively_stated: StrictBool = True
    basis: list[Basis] | None = None


class Findings(_Strict):
    """What an officer or judge has established. Absent means not established."""

    more_likely_than_not_harm_in: list[Country] | None = None
    reasonable_possibility_harm_in: list[Country] | None = None
    severe_trafficking_victim: StrictBool | None = None
    public_interest_exception: StrictBool | None = None
    acute_medical_emergency: StrictBool | None = None
    imminent_extreme_threat: StrictBool | None = None
    scheduling_obstacle: StrictBool | None = None
    known_health_issue: StrictBool | None = None
    lgbtqi_risk_in_mexico: StrictBool | None = None
    pregnant: StrictBool | None = None
    advanced_age: StrictBool | None = None
    criminal_history: StrictBool | None = None
    interest_to_government: StrictBool | None = None
    processed_for_expedited_removal: StrictBool | None = None
    asylum_request_withdrawn: StrictBool | None = None


class Encounter(_Strict):
    """Encounter v1: one person encountered once, with the facts the screening rules read."""

    schema_: Literal["amparo/encounter@1"] | None = Field(default=None, alias="schema")
    id: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=128)]
    encountered_on: IsoDate
    encountered_at: IsoDateTime | None = None
    adjudicated_on: IsoDate | None = None
    place: Place
    person: Person
    family: Family | None = None
    route: list[RouteStep] | None = None
    documents: Documents | None = None
    fear_claims: list[FearClaim] | None = None
    findings: Findings | None = None
    extensions: dict[str, Any] | None = None
