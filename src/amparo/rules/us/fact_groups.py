"""Facts of the US pack that depend on a few nested fields with few distinct values, computed once
per distinct value (:func:`amparo.engine.per_distinct.per_distinct`) and joined back.

- :func:`route_facts`: countries of origin and the route (nationalities, last habitual residence,
  the route's steps, the border and the country arrived from, and the encounter's date only as
  far as the treaty dates it is compared with);
- :func:`fear_facts`: the countries feared and those stated;
- :func:`findings_facts`: the countries of the findings;
- :func:`day_facts`: noon of a date-only encounter in its zone and the boundaries on its day.

Each also says whether its part of the document passes encounter v1's checks (``_route_ok``, ...);
:mod:`amparo.rules.us.fact_columns` folds them into ``_vouched``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, get_args
from zoneinfo import ZoneInfo

from amparo.encounter.model import Basis, ProtectionClaim
from amparo.engine.columnar import all_hold, any_holds, text_lists
from amparo.engine.columnar import polars_module as pl_module
from amparo.engine.per_distinct import DistinctMemo, per_distinct
from amparo.iso_countries import iso_alpha2
from amparo.rules.us import places, treaties
from amparo.rules.us.column_exprs import (
    all_countries_ok,
    countries,
    field,
    is_country,
)
from amparo.rules.us.dates import BOUNDARIES, TIME_ZONE
from amparo.rules.us.facts import HOST_NATIONALITY, origin_and_route_facts

_CLAIMS: tuple[str, ...] = get_args(ProtectionClaim)
_BASES: tuple[str, ...] = get_args(Basis)
_FINDING_LISTS = {
    "more_likely_than_not_harm_in": "mltn_harm_in",
    "reasonable_possibility_harm_in": "reasonable_possibility_harm_in",
}

_ISO = frozenset(iso_alpha2())

#: The facts :func:`route_facts` gives (those of
#: :func:`~amparo.rules.us.facts.origin_and_route_facts`), in its order.
ROUTE_FACTS = (
    "nationalities",
    "stateless",
    "last_habitual_residence",
    "own_countries",
    "stateless_in_aca_population_country",
    "spanish_speaking_or_brazil_national",
    "spanish_speaking_latin_american_national",
    "western_hemisphere_national",
    "central_american_national",
    "contiguous_country_national",
    "third_countries_transited",
    "transited_third_country",
    "transit_inferred",
    "final_denial_in_transit_country",
    "pending_or_abandoned_claim_in_transit",
    "transited_only_non_parties",
    "transited_refugee_convention_party",
    "transited_country_not_in_treaty_table",
    "transited_some_non_party",
)

#: Every date a treaty fact compares a date of transit with: dates between two of them read alike.
_TREATY_DATES = sorted(
    {d for parties in treaties.TABLE.values() for d in (parties.refugee, parties.cat) if d is not None}
)


# ---------------------------------------------------------------------------------------------
def route_facts(
    documents: Any,
    border: Any,
    arrived_from: Any,
    memo: DistinctMemo | None = None,
    keep: Collection[str] | None = None,
) -> Any:
    """Facts of the countries of origin and of the route, one row per document."""
    pl = pl_module()
    on = pl.col("encountered_on")
    bucket = pl.lit(pl.Series(_TREATY_DATES, dtype=pl.Date)).search_sorted(on, side="right")
    keys = {
        "_route": _route_in_treaty_periods(pl.col("route")),
        "_nationalities": countries(field("person", "nationalities")),
        "_nationalities_raw_null": field("person", "nationalities").is_null(),
        "_residence": field("person", "last_habitual_residence"),
        "_border": border,
        "_arrived": arrived_from,
        "_treaty_period": pl.when(on.is_not_null()).then(bucket),
    }
    return per_distinct(
        documents,
        keys,
        _route_table,
        carry={"_on": on},
        memo=(memo, "route") if memo else None,
        keep=None if keep is None else {*keep, "_route_ok"},
    )


def _route_in_treaty_periods(route: Any) -> Any:
    """The route with each step's date of entry replaced by the latest treaty date on or before
    it: the facts compare it with those dates only (``treaties``), so routes whose steps differ
    only in days between two of them share one distinct value (a route with dates of entry is
    otherwise nearly unique to its encounter, and its facts were computed once per row)."""
    pl = pl_module()
    entered = pl.element().struct.field("entered_on")
    period: Any = pl.when(entered.is_null()).then(pl.lit(None, dtype=pl.Date))
    for day in reversed(_TREATY_DATES):
        period = period.when(entered >= day).then(pl.lit(day, dtype=pl.Date))
    step = pl.struct(
        pl.element().struct.field("country"),
        period.otherwise(pl.lit(None, dtype=pl.Date)).alias("entered_on"),
        pl.element().struct.field("protection_claim"),
    )
    return route.list.eval(pl.when(pl.element().is_not_null()).then(step))


def _route_schema() -> dict[str, Any]:
    pl = pl_module()
    countries_list = pl.List(pl.String)
    kinds = {
        "nationalities": countries_list,
        "last_habitual_residence": pl.String,
        "own_countries": countries_list,
        "third_countries_transited": countries_list,
    }
    return {name: kinds.get(name, pl.Boolean) for name in ROUTE_FACTS} | {"_route_ok": pl.Boolean}


def _route_row(row: dict[str, Any]) -> dict[str, Any]:
    """The origin and route facts of one distinct combination, by the single extraction's own
    :func:`~amparo.rules.us.facts.origin_and_route_facts`; none where encounter v1 would refuse
    the values (such rows are screened one by one)."""
    nationalities, residence, route = row["_nationalities"], row["_residence"], row["_route"] or []
    valid = (
        not row["_nationalities_raw_null"]
        and all(code is not None and code in _ISO for code in nationalities)
        and len(set(nationalities)) == len(nationalities)
        and HOST_NATIONALITY not in nationalities  # refused by the pack's parse
        and (residence is None or residence in _ISO)
        and all(step is not None and step["country"] in _ISO and _claim(step) in _CLAIMS for step in route)
        and row["_on"] is not None
    )
    if not valid:
        return {"_route_ok": False}
    steps = [(s["country"], s["entered_on"], _claim(s)) for s in route]
    facts = origin_and_route_facts(
        tuple(nationalities), residence, steps, row["_border"], row["_arrived"], row["_on"]
    )
    return {**facts, "_route_ok": True}


def _claim(step: dict[str, Any]) -> str:
    """A step's protection claim; a missing one (null in columns) is encounter v1's default
    ``none``, and an empty text stays empty (refused by encounter v1, so screened one by one)."""
    claim: str | None = step["protection_claim"]
    return "none" if claim is None else claim


def _route_table(table: Any) -> Any:
    pl = pl_module()
    rows = [_route_row(row) for row in table.iter_rows(named=True)]
    # Column by column: a frame built from dictionaries makes a Series of every list value.
    return table.hstack(
        [
            text_lists(name, [row.get(name) for row in rows])
            if dtype == pl.List(pl.String)
            else pl.Series(name, [row.get(name) for row in rows], dtype=dtype)
            for name, dtype in _route_schema().items()
        ]
    )


# ---------------------------------------------------------------------------------------------
def fear_facts(documents: Any, memo: DistinctMemo | None = None, keep: Collection[str] | None = None) -> Any:
    """The countries feared (sorted, once each) and those affirmatively stated."""
    keys = {"_fear": pl_module().col("fear_claims")}
    return per_distinct(
        documents,
        keys,
        _fear_table,
        memo=(memo, "fear") if memo else None,
        keep=None if keep is None else {*keep, "_fear_ok"},
    )


def _fear_table(table: Any) -> Any:
    pl = pl_module()
    fear = pl.col("_fear")
    stated = fear.list.eval(
        pl.element()
        .struct.field("country")
        .filter(pl.element().struct.field("affirmatively_stated").fill_null(True))
    )
    fear_ok = ~fear.list.eval(
        pl.element().is_null()
        | ~is_country(pl.element().struct.field("country")).fill_null(False)
        | pl.element()
        .struct.field("basis")
        .list.eval(pl.element().is_null() | ~pl.element().is_in(_BASES))
        .list.any()
        .fill_null(False)
    ).list.any().fill_null(False)
    return table.with_columns(
        countries(fear.list.eval(pl.element().struct.field("country")).list.unique())
        .list.eval(pl.element().sort())
        .alias("fear_countries"),
        countries(stated.list.unique()).list.eval(pl.element().sort()).alias("fear_stated_countries"),
        fear_ok.alias("_fear_ok"),
    )


# ---------------------------------------------------------------------------------------------
def findings_facts(documents: Any, memo: DistinctMemo | None = None) -> Any:
    """The countries of the findings (as recorded) and whether they are ISO codes."""
    keys = {f"_{name}": field("findings", name) for name in _FINDING_LISTS}
    return per_distinct(documents, keys, _findings_table, memo=(memo, "findings") if memo else None)


def _findings_table(table: Any) -> Any:
    pl = pl_module()
    return table.with_columns(
        *(countries(pl.col(f"_{name}")).alias(fact) for name, fact in _FINDING_LISTS.items()),
        all_hold([all_countries_ok(pl.col(f"_{name}")) for name in _FINDING_LISTS]).alias("_findings_ok"),
    )


# ---------------------------------------------------------------------------------------------
def day_facts(frame: Any, zones: list[str], memo: DistinctMemo | None = None) -> Any:
    """``_noon`` (noon of the encounter's local date in its zone, as a UTC instant),
    ``boundaries_on_day`` (``boundary_names_on_day`` of a date-only encounter) and
    ``one_year_deadline_on``, per distinct date, zone and whether the time is known."""
    pl = pl_module()
    keys = {
        "_on": pl.col("encountered_on"),
        "_zone_key": pl.col("_zone"),
        "_time_known": pl.col("encountered_at").is_not_null(),
    }
    return per_distinct(
        frame, keys, lambda table: _day_table(table, zones), memo=(memo, "day") if memo else None
    )


def _day_table(table: Any, zones: list[str]) -> Any:
    pl = pl_module()
    on, zone, time_known = pl.col("_on"), pl.col("_zone_key"), pl.col("_time_known")
    return table.with_columns(
        _noon(on, pl.coalesce(zone, pl.lit(TIME_ZONE)), zones).alias("_noon"),
        boundaries_on_day(on, zone, time_known, zones).alias("boundaries_on_day"),
        # The same day a year later; February 29 gives March 1 (facts._one_year_after).
        pl.when((on.dt.month() == 2) & (on.dt.day() == 29))
        .then(pl.date(on.dt.year() + 1, 3, 1))
        .otherwise(on.dt.offset_by("1y"))
        .alias("one_year_deadline_on"),
    )


def _local(instant: dt.datetime, zone: str) -> dt.date:
    return instant.astimezone(ZoneInfo(zone)).date()


def boundaries_on_day(on: Any, zone: Any, time_known: Any, zones: list[str]) -> Any:
    """For each of the pack's boundaries that falls on the local day of a date-only encounter
    (``boundary_names_on_day``): in the place's zone, or when that is not known in any
    southern-border zone or US Eastern."""
    pl = pl_module()
    unknown_zones = (*places.SOUTHERN_BORDER_ZONES, TIME_ZONE)
    parts = []
    for name, instant in BOUNDARIES.items():
        known_zone = any_holds(
            [(zone == z) & (on == _local(instant, z)) for z in sorted({*unknown_zones, *zones})]
        )
        unknown = zone.is_null() & on.is_in(sorted({_local(instant, z) for z in unknown_zones}))
        hit = (~time_known & (known_zone.fill_null(False) | unknown)).fill_null(False)
        parts.append(pl.when(hit).then(pl.lit(name)))
    return pl.concat_list(parts).list.drop_nulls()


def _noon(on: Any, zone: Any, zones: list[str]) -> Any:
    """Noon of the local date ``on`` in the row's zone, as a UTC instant."""
    pl = pl_module()
    local = on.cast(pl.Datetime("us")) + pl.duration(hours=12)
    chain: Any = pl
    for name in zones:
        utc = local.dt.replace_time_zone(name).dt.convert_time_zone("UTC")
        chain = chain.when(zone == name).then(utc)
    return chain.otherwise(None)
