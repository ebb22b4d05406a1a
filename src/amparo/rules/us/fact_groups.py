"""Facts of the US pack that depend on a few nested fields with few distinct values, computed once
per distinct value (:func:`amparo.rules.us.column_exprs.per_distinct`) and joined back.

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
from typing import Any, get_args
from zoneinfo import ZoneInfo

from amparo.encounter.model import Basis, ProtectionClaim
from amparo.rules.us import places, treaties
from amparo.rules.us.column_exprs import (
    all_countries_ok,
    all_of,
    any_of,
    countries,
    country_ok,
    field,
    is_country,
    per_distinct,
    pl_module,
)
from amparo.rules.us.countries import (
    CENTRAL_AMERICA,
    CONTIGUOUS,
    SPANISH_SPEAKING_LATIN_AMERICA,
    SPANISH_SPEAKING_OR_BRAZIL,
    WESTERN_HEMISPHERE,
)
from amparo.rules.us.dates import BOUNDARIES, TIME_ZONE
from amparo.rules.us.facts import ACA_NATIONAL_POPULATIONS

_CLAIMS: tuple[str, ...] = get_args(ProtectionClaim)
_BASES: tuple[str, ...] = get_args(Basis)
_FINDING_LISTS = {"more_likely_than_not_harm_in": "mltn_harm_in"} | {
    "reasonable_possibility_harm_in": "reasonable_possibility_harm_in"
}

#: Every date a treaty fact compares a date of transit with: dates between two of them read alike.
_TREATY_DATES = sorted(
    {d for parties in treaties.TABLE.values() for d in (parties.refugee, parties.cat) if d is not None}
)


# ---------------------------------------------------------------------------------------------
def route_facts(documents: Any, border: Any, arrived_from: Any) -> Any:
    """Facts of the countries of origin and of the route, one row per document."""
    pl = pl_module()
    on = pl.col("encountered_on")
    bucket = pl.lit(pl.Series(_TREATY_DATES, dtype=pl.Date)).search_sorted(on, side="right")
    keys = {
        "_route": pl.col("route"),
        "_nationalities": countries(field("person", "nationalities")),
        "_nationalities_raw_null": field("person", "nationalities").is_null(),
        "_residence": field("person", "last_habitual_residence"),
        "_border": border,
        "_arrived": arrived_from,
        "_treaty_period": pl.when(on.is_not_null()).then(bucket),
    }
    return per_distinct(documents, keys, _route_table, carry={"_on": on})


def _route_table(table: Any) -> Any:
    pl = pl_module()
    nationalities, residence, on = pl.col("_nationalities"), pl.col("_residence"), pl.col("_on")
    border, arrived = pl.col("_border"), pl.col("_arrived")
    stateless = nationalities.list.len() == 0
    widest = int(table.select(nationalities.list.len().max()).item() or 0)
    longest = int(table.select(pl.col("_route").list.len().max()).item() or 0)
    origin = [nationalities.list.get(j, null_on_oob=True) for j in range(widest)]

    def in_origin(country: Any) -> Any:
        return any_of([(country == n).fill_null(False) for n in origin]) | (country == residence).fill_null(
            False
        )

    steps = []  # (country, date of transit, claim, kept as a third country)
    for k in range(longest):
        step = pl.col("_route").list.get(k, null_on_oob=True)
        country = step.struct.field("country")
        kept = (country.is_not_null() & ~in_origin(country)).fill_null(False)
        day = pl.coalesce(step.struct.field("entered_on"), on)
        steps.append((country, day, step.struct.field("protection_claim").fill_null("none"), kept))
    inferred = (
        border.is_in(("southwest_land", "coastal"))
        & (arrived == "MX")
        & ~in_origin(pl.lit("MX"))
        & ~any_of([kept & (country == "MX") for country, _, _, kept in steps]).fill_null(False)
    ).fill_null(False)
    steps.append((pl.lit("MX"), on, pl.lit("none"), inferred))
    transited = any_of([kept for _, _, _, kept in steps])

    def in_table(country: Any) -> Any:
        return country.is_in(sorted(treaties.TABLE))

    def since(country: Any, which: str) -> Any:
        dates = {c: getattr(p, which) for c, p in treaties.TABLE.items()}
        return country.replace_strict(dates, default=None, return_dtype=pl.Date)

    def refugee_party(country: Any, day: Any) -> Any:
        return ~in_table(country) | (since(country, "refugee") <= day).fill_null(False)

    def any_party(country: Any, day: Any) -> Any:
        return refugee_party(country, day) | (since(country, "cat") <= day).fill_null(False)

    def any_national(codes: frozenset[str]) -> Any:
        return nationalities.list.eval(pl.element().is_in(sorted(codes))).list.any().fill_null(False)

    route = pl.col("_route")
    route_ok = ~route.list.eval(
        pl.element().is_null()
        | ~is_country(pl.element().struct.field("country")).fill_null(False)
        | ~pl.element().struct.field("protection_claim").fill_null("none").is_in(_CLAIMS)
    ).list.any().fill_null(False)
    raw_nationalities = pl.when(~pl.col("_nationalities_raw_null")).then(nationalities)
    return table.with_columns(
        nationalities.alias("nationalities"),
        stateless.alias("stateless"),
        residence.alias("last_habitual_residence"),
        pl.when(stateless)
        .then(pl.concat_list(residence).list.drop_nulls())
        .otherwise(nationalities)
        .list.sort()
        .alias("own_countries"),
        (stateless & residence.is_in(sorted(ACA_NATIONAL_POPULATIONS)).fill_null(False)).alias(
            "stateless_in_aca_population_country"
        ),
        any_national(SPANISH_SPEAKING_OR_BRAZIL).alias("spanish_speaking_or_brazil_national"),
        any_national(SPANISH_SPEAKING_LATIN_AMERICA).alias("spanish_speaking_latin_american_national"),
        any_national(WESTERN_HEMISPHERE).alias("western_hemisphere_national"),
        any_national(CENTRAL_AMERICA).alias("central_american_national"),
        any_national(CONTIGUOUS).alias("contiguous_country_national"),
        pl.concat_list([pl.when(kept).then(country) for country, _, _, kept in steps])
        .list.drop_nulls()
        .alias("third_countries_transited"),
        transited.alias("transited_third_country"),
        inferred.alias("transit_inferred"),
        any_of([kept & (claim == "denied_final") for _, _, claim, kept in steps]).alias(
            "final_denial_in_transit_country"
        ),
        any_of([kept & claim.is_in(("pending", "abandoned")) for _, _, claim, kept in steps]).alias(
            "pending_or_abandoned_claim_in_transit"
        ),
        (transited & ~any_of([kept & any_party(c, day) for c, day, _, kept in steps])).alias(
            "transited_only_non_parties"
        ),
        any_of([kept & refugee_party(c, day) for c, day, _, kept in steps]).alias(
            "transited_refugee_convention_party"
        ),
        any_of([kept & ~in_table(c) for c, _, _, kept in steps]).alias(
            "transited_country_not_in_treaty_table"
        ),
        any_of([kept & ~refugee_party(c, day) for c, day, _, kept in steps]).alias(
            "transited_some_non_party"
        ),
        all_of(
            [
                ~pl.col("_nationalities_raw_null"),
                all_countries_ok(raw_nationalities),
                nationalities.list.n_unique() == nationalities.list.len(),
                country_ok(residence),
                route_ok,
            ]
        ).alias("_route_ok"),
    )


# ---------------------------------------------------------------------------------------------
def fear_facts(documents: Any) -> Any:
    """The countries feared (sorted, once each) and those affirmatively stated."""
    return per_distinct(documents, {"_fear": pl_module().col("fear_claims")}, _fear_table)


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
        .list.sort()
        .alias("fear_countries"),
        countries(stated.list.unique()).list.sort().alias("fear_stated_countries"),
        fear_ok.alias("_fear_ok"),
    )


# ---------------------------------------------------------------------------------------------
def findings_facts(documents: Any) -> Any:
    """The countries of the findings (as recorded) and whether they are ISO codes."""
    pl = pl_module()
    keys = {f"_{name}": field("findings", name) for name in _FINDING_LISTS}
    return per_distinct(documents, keys, _findings_table) if keys else pl.DataFrame()


def _findings_table(table: Any) -> Any:
    pl = pl_module()
    return table.with_columns(
        *(countries(pl.col(f"_{name}")).alias(fact) for name, fact in _FINDING_LISTS.items()),
        all_of([all_countries_ok(pl.col(f"_{name}")) for name in _FINDING_LISTS]).alias("_findings_ok"),
    )


# ---------------------------------------------------------------------------------------------
def day_facts(frame: Any, zones: list[str]) -> Any:
    """``_noon`` (noon of the encounter's local date in its zone, as a UTC instant) and
    ``boundaries_on_day`` (``boundary_names_on_day`` of a date-only encounter), per distinct
    date, zone and whether the time is known."""
    pl = pl_module()
    keys = {
        "_on": pl.col("encountered_on"),
        "_zone_key": pl.col("_zone"),
        "_time_known": pl.col("encountered_at").is_not_null(),
    }
    return per_distinct(frame, keys, lambda table: _day_table(table, zones))


def _day_table(table: Any, zones: list[str]) -> Any:
    pl = pl_module()
    on, zone, time_known = pl.col("_on"), pl.col("_zone_key"), pl.col("_time_known")
    return table.with_columns(
        _noon(on, pl.coalesce(zone, pl.lit(TIME_ZONE)), zones).alias("_noon"),
        boundaries_on_day(on, zone, time_known, zones).alias("boundaries_on_day"),
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
        known_zone = any_of(
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
