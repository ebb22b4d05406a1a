"""The US pack's facts column-wise: :func:`amparo.rules.us.facts.extract_facts` for many encounters
at once, as Polars expressions over the columnar form of encounter v1 (no per-row Python).

Every fact has the name, and for every row the value, that the single extraction gives (tuples as
lists, instants in UTC); ``tests/batch`` checks it on generated encounters. ``_vouched`` is false for
a row that :func:`amparo.encounter.parse_encounter` or the pack's ``read_dates`` might refuse: the
batch evaluator screens such rows one by one, so their errors are the single evaluator's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from functools import cache
from types import SimpleNamespace
from typing import Any, get_args

from amparo.encounter.model import MAX_AGE, Documents, Encounter, Findings, Place
from amparo.engine.columnar import all_hold, any_holds, collected
from amparo.engine.columnar import polars_module as pl_module
from amparo.engine.pack import (
    ANCHOR_COLUMN_PREFIX,
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
)
from amparo.engine.per_distinct import DistinctMemo, per_distinct
from amparo.engine.zone_columns import local_date
from amparo.rules.us import places
from amparo.rules.us.column_exprs import (
    countries,
    country_ok,
    field,
    flag,
    us_state_ok,
)
from amparo.rules.us.dates import COVERAGE_START, TIME_ZONE
from amparo.rules.us.emergency import PERIODS
from amparo.rules.us.fact_groups import ROUTE_FACTS, day_facts, fear_facts, findings_facts, route_facts
from amparo.rules.us.facts import FAMILY_SHARED, mpp_early_start

_DOCUMENT_FLAGS = tuple(name for name in Documents.model_fields if name != "metered_before")
_FINDING_LISTS = ("more_likely_than_not_harm_in", "reasonable_possibility_harm_in")
_FINDING_FLAGS = tuple(name for name in Findings.model_fields if name not in _FINDING_LISTS)
# The categories encounter v1 allows, read from its model (never a second list to keep in step).
_BORDERS: tuple[str, ...] = get_args(Place.model_fields["border"].annotation)
_MANNERS: tuple[str, ...] = get_args(Place.model_fields["manner"].annotation)


@cache
def document_schema() -> dict[str, Any]:
    """Encounter v1 as Polars columns (dates as dates, ``encountered_at`` as a UTC instant)."""
    pl = pl_module()
    s, b, countries = pl.String, pl.Boolean, pl.List(pl.String)
    return {
        "schema": s,
        "id": s,
        "encountered_on": pl.Date,
        "encountered_at": pl.Datetime("us", "UTC"),
        "adjudicated_on": pl.Date,
        "place": pl.Struct(
            {"border": s, "manner": s, "location": s, "state": s, "arrived_from": s},
        ),
        "person": pl.Struct(
            {
                "nationalities": countries,
                "last_habitual_residence": s,
                "birth_date": pl.Date,
                "age": pl.Int64,
                "sex": s,
                "given_names": s,
                "surnames": s,
            }
        ),
        "family": pl.Struct({"with_parent_or_legal_guardian": b, "family_unit": b, "members": countries}),
        "route": pl.List(pl.Struct({"country": s, "entered_on": pl.Date, "protection_claim": s})),
        "documents": pl.Struct({**dict.fromkeys(_DOCUMENT_FLAGS, b), "metered_before": pl.Date}),
        "fear_claims": pl.List(pl.Struct({"country": s, "affirmatively_stated": b, "basis": countries})),
        "findings": pl.Struct(
            {**dict.fromkeys(_FINDING_LISTS, countries), **dict.fromkeys(_FINDING_FLAGS, b)}
        ),
    }


@cache
def _arrow_schema() -> Any:
    return pl_module().DataFrame(schema=document_schema()).to_arrow().schema


def documents_frame(parsed: Sequence[Encounter]) -> Any:
    """The columnar form of parsed encounters (``extensions`` are not read by any rule), built by
    Arrow from the plain values (faster than Polars' own conversion of nested dictionaries)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    rows = [e.model_dump(by_alias=True, exclude={"extensions"}) for e in parsed]
    return pl_module().from_arrow(pa.Table.from_pylist(rows, schema=_arrow_schema()))


def _vouched(read_on: Any) -> Any:
    """Rows every check of ``parse_encounter`` and ``read_dates`` would pass (columns in the
    canonical form of :func:`document_schema`; a row outside it is screened one by one). The
    checks of the route, the nationalities, the fear claims and the findings are made once per
    distinct value (:mod:`amparo.rules.us.fact_groups`: ``_route_ok``, ``_fear_ok``, ``_findings_ok``)."""
    pl = pl_module()
    on = pl.col("encountered_on")
    birth, age = field("person", "birth_date"), field("person", "age")
    return all_hold(
        [
            pl.col("id").is_not_null(),
            pl.col("id").str.len_chars().is_between(1, 128),
            pl.col("schema").is_null() | (pl.col("schema") == "amparo/encounter@1"),
            on.is_not_null(),
            pl.col("place").is_not_null(),
            field("place", "border").is_in(_BORDERS),
            field("place", "manner").is_in(_MANNERS),
            us_state_ok(field("place", "state")),  # TX, NM: were read one by one (not countries)
            country_ok(field("place", "arrived_from")),
            pl.col("person").is_not_null(),
            pl.col("_route_ok"),
            birth.is_null() | (birth <= on),
            age.is_null() | age.is_between(0, MAX_AGE),
            pl.col("_age").is_null() | (pl.col("_age") <= MAX_AGE),  # from the birth date too
            field("person", "sex").is_null() | field("person", "sex").is_in(("F", "M", "X")),
            ~field("family", "members").list.eval(pl.element().is_null()).list.any().fill_null(False),
            pl.col("_fear_ok"),
            pl.col("_findings_ok"),
            pl.col("adjudicated_on").is_null() | (pl.col("adjudicated_on") >= on),
            # The exact time within a day of the date (``validation.AT_AWAY_FROM_ON``), by its day in UTC.
            pl.col("encountered_at").is_null()
            | (pl.col("encountered_at").dt.date().cast(pl.Int32) - on.cast(pl.Int32)).abs().le(1),
            on >= COVERAGE_START,
            read_on >= COVERAGE_START,
            # Ages decompose dates through a table (``_ymd``): a date outside it, one by one.
            on.is_between(_YMD_FIRST, _YMD_LAST),
            read_on.is_between(_YMD_FIRST, _YMD_LAST),
            pl.col("_eastern_day") <= _YMD_LAST,  # an instant carried past the calendar: its error
            # Polars' zone rules (chrono-tz) stop at 2100: later local dates, one by one (zoneinfo).
            # ... and before 1800 (from columns, an instant whose local time is before the year 1 in
            # some zone must be refused; the eastern day is clipped to the coverage's start).
            pl.col("_instant").is_null()
            | pl.col("_instant").is_between(_INSTANT_FIRST, _ZONE_RULES_END, closed="left"),
            birth.is_null() | birth.is_between(_YMD_FIRST, _YMD_LAST),
        ]
    )


def _place_facts(documents: Any, memo: DistinctMemo | None = None) -> Any:
    """Zone and named places of every row, per distinct (location, state), by the pack's own
    functions."""
    keys = {"_loc": field("place", "location"), "_state": field("place", "state")}
    return per_distinct(documents, keys, _place_table, memo=(memo, "place") if memo else None)


def _place_table(table: Any) -> Any:
    pl = pl_module()
    zones, el_paso, mpp_ports, early = [], [], [], []
    for location, state in table.select("_loc", "_state").iter_rows():
        stub: Any = SimpleNamespace(place=SimpleNamespace(location=location, state=state))
        zones.append(places.place_zone(stub))
        el_paso.append(bool(places.at_any(stub, places.EL_PASO)))
        mpp_ports.append(places.at_any(stub, places.MPP_2021_PORTS))
        early.append(mpp_early_start(location))
    return table.with_columns(
        pl.Series("_zone", zones, dtype=pl.String),
        pl.Series("at_el_paso", el_paso, dtype=pl.Boolean),
        pl.Series("at_mpp_2021_port", mpp_ports, dtype=pl.Boolean),
        pl.Series("_early_from", early, dtype=pl.Date),
    )


#: The dates :func:`_ymd` decomposes through its table; a row with a date outside is not vouched.
_YMD_FIRST, _YMD_LAST = dt.date(1800, 1, 1), dt.date(2200, 12, 31)

#: The first instant whose local time Polars' time zone rules (chrono-tz) may give otherwise than
#: Python's ``zoneinfo``: they apply daylight saving time up to 2099 only (from 2100-03-14 an
#: instant in July is an hour off in New York; tests/batch/test_vouching.py).
_ZONE_RULES_END = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_INSTANT_FIRST = dt.datetime(_YMD_FIRST.year, 1, 1, tzinfo=dt.UTC)


@cache
def _ymd_table() -> Any:
    """yyyymmdd of every day from ``_YMD_FIRST`` to ``_YMD_LAST``, in order (146,462 numbers)."""
    pl = pl_module()
    days = pl.date_range(_YMD_FIRST, _YMD_LAST, eager=True)
    return (
        days.dt.year().cast(pl.Int32) * 10_000
        + days.dt.month().cast(pl.Int32) * 100
        + days.dt.day().cast(pl.Int32)
    )


def _ymd(day: Any) -> Any:
    """A date as the number yyyymmdd (ages are differences of these, divided by 10,000), read
    from a table of days (ten times faster than ``dt.year``, ``dt.month`` and ``dt.day``); a date
    outside the table gives the nearest end's number, and its row is screened one by one."""
    pl = pl_module()
    table = _ymd_table()
    index = (day.cast(pl.Int32) - (_YMD_FIRST - dt.date(1970, 1, 1)).days).clip(0, table.len() - 1)
    return pl.lit(table).gather(index).cast(pl.Int64)


def _only(wanted: Collection[str] | None, *columns: Any) -> list[Any]:
    """The columns whose names are wanted, and the anchor and check columns (names with ``_``)."""
    if wanted is None:
        return list(columns)
    return [c for c in columns if (name := c.meta.output_name()).startswith("_") or name in wanted]


#: The grouped facts already computed, kept across the chunks of a batch (pure functions of their
#: keys: remembering never changes a value; bounded by :class:`DistinctMemo`).
_MEMO = DistinctMemo()


def forget_distinct_values() -> None:
    """Empty the memo of grouped facts (a benchmark measures a cold start with it)."""
    _MEMO.clear()


def extract_fact_columns(documents: Any, as_of: dt.date | None, wanted: Collection[str] | None = None) -> Any:
    """Facts of every encounter in ``documents`` (columns of :func:`document_schema`), as
    :func:`amparo.rules.us.facts.extract_facts` gives them, with the anchor and check columns
    (``wanted``: only these facts, e.g. those a plan reads; ``None``: every fact)."""
    pl = pl_module()
    if wanted is not None:  # a family_ fact is read from the person's own
        wanted = {*wanted, *(name for name in FAMILY_SHARED if f"family_{name}" in wanted)}
    # One chunk per column: Polars runs list and struct operations chunk by chunk, and a frame
    # read from several Parquet row groups or built by stacking is in many.
    documents = (collected(documents.lazy()) if hasattr(documents, "lazy") else documents).rechunk()
    zones = sorted({*places.ZONES, TIME_ZONE})
    border, manner, location = field("place", "border"), field("place", "manner"), field("place", "location")
    arrived_from = pl.coalesce(
        field("place", "arrived_from"), pl.when(border == "southwest_land").then(pl.lit("MX"))
    )
    frame = documents.hstack(_place_facts(documents, _MEMO))
    frame = frame.hstack(day_facts(frame, zones, _MEMO))
    frame = frame.hstack(route_facts(documents, border, arrived_from, _MEMO, wanted))
    frame = frame.hstack(fear_facts(documents, _MEMO, wanted)).hstack(findings_facts(documents, _MEMO)).lazy()

    on = pl.col("encountered_on")
    time_known = pl.col("encountered_at").is_not_null()
    eastern_day = pl.max_horizontal(local_date(pl.col("_instant"), TIME_ZONE), pl.lit(COVERAGE_START))
    read_on = (
        pl.lit(as_of, dtype=pl.Date)
        if as_of is not None
        else pl.max_horizontal(pl.coalesce(pl.col("adjudicated_on"), on), pl.col("_eastern_day"))
    )
    born = field("person", "birth_date")

    def age_on(day: Any) -> Any:
        return (_ymd(day) - _ymd(born)) // 10_000

    age = pl.when(born.is_not_null()).then(age_on(on)).otherwise(field("person", "age"))
    members = field("family", "members")
    members_listed = members.list.len().fill_null(0) > 0  # no empty list made for a null one

    def emergency(at: Any) -> Any:
        def utc(instant: dt.datetime) -> Any:
            return pl.lit(instant.astimezone(dt.UTC))

        return any_holds(
            [(at >= utc(p.start)) & ((at < utc(p.end)) if p.end is not None else True) for p in PERIODS]
        )

    lpr, visa = flag("documents", "lawful_permanent_resident"), flag("documents", "valid_us_visa")
    parole, exempt = flag("documents", "parole_travel_authorization"), flag("documents", "visa_exempt_entry")
    under_18 = (pl.col("_age") < 18).fill_null(False)
    out = (
        frame.with_columns(
            _age=age,
            _instant=pl.coalesce(pl.col("encountered_at"), pl.col("_noon")),
            _early=(on >= pl.col("_early_from")).fill_null(False),
        )
        .with_columns(_eastern_day=eastern_day)
        .with_columns(_read=read_on)
        .select(
            *_only(
                wanted,
                pl.col("id").alias(DOCUMENT_ID_COLUMN),
                on.alias(OCCURRED_ON_COLUMN),
                pl.col("_read").alias(READ_ON_COLUMN),
                pl.col("_read").alias(ANCHOR_COLUMN_PREFIX + "as_of"),
                pl.col("_eastern_day").alias(ANCHOR_COLUMN_PREFIX + "encountered_on"),
                _vouched(pl.col("_read")).alias(VOUCHED_COLUMN),
                on.alias("encountered_on"),
                pl.col("_instant").alias("encountered_instant"),
                time_known.alias("time_known"),
                pl.col("_zone").alias("place_zone"),
                pl.col("boundaries_on_day"),
                pl.col("_read").alias("as_of"),
                pl.col("one_year_deadline_on"),
                border.alias("border"),
                manner.alias("manner"),
                field("place", "state").alias("state"),
                location.alias("location"),
                location.is_not_null().alias("location_known"),
                pl.col("at_el_paso"),
                pl.col("at_mpp_2021_port"),
                arrived_from.alias("arrived_from"),
                ((border == "southwest_land") & (arrived_from == "MX"))
                .fill_null(False)
                .alias("by_land_from_mexico"),
                (border.is_in(("southwest_land", "coastal")) & (arrived_from == "MX"))
                .fill_null(False)
                .alias("from_mexico_southwest_or_coastal"),
                (manner == "port_of_entry").fill_null(False).alias("at_port_of_entry"),
                pl.col("_early").alias("at_mpp_early_place"),
                ((on >= dt.date(2019, 6, 7)) & (on < dt.date(2019, 11, 1)) & ~pl.col("_early")).alias(
                    "mpp_2019_place_open"
                ),
                *(pl.col(name) for name in ROUTE_FACTS),
                pl.col("_age").alias("age_at_encounter"),
                pl.col("_age").is_not_null().alias("age_known"),
                under_18.alias("under_18"),
                (under_18 & born.is_not_null() & (age_on(pl.col("_read")) >= 18).fill_null(False)).alias(
                    "adult_by_read_on"
                ),
                (
                    pl.col("family").is_not_null()
                    & (flag("family", "with_parent_or_legal_guardian") | flag("family", "family_unit"))
                ).alias("parent_or_guardian_available"),
                flag("family", "family_unit").alias("family_unit"),
                countries(members).alias("family_members"),
                members_listed.alias("family_members_listed"),
                (members_listed | flag("family", "family_unit")).alias("travels_with_family"),
                lpr.alias("lawful_permanent_resident"),
                visa.alias("valid_us_visa"),
                exempt.alias("visa_exempt_entry"),
                parole.alias("parole_travel_authorization"),
                flag("documents", "cbp_one_appointment").alias("cbp_one_appointment"),
                (~(lpr | visa | parole | exempt)).alias("lacks_entry_documents"),
                field("documents", "metered_before").alias("metered_before"),
                emergency(pl.col("_instant")).alias("in_emergency_border_circumstances"),
                pl.lit(False).alias("officer_operational_humanitarian_exception"),
                pl.col("fear_countries"),
                pl.col("fear_stated_countries"),
                pl.col("mltn_harm_in"),
                pl.col("reasonable_possibility_harm_in"),
                *(flag("findings", name).alias(name) for name in _FINDING_FLAGS),
                pl.col("id").alias("encounter_id"),
                pl.lit(0, dtype=pl.Int64).alias("family_companions_read"),
            )
        )
        .with_columns(*_only(wanted, *(pl.col(name).alias(f"family_{name}") for name in FAMILY_SHARED)))
    )
    return collected(out).rechunk()
