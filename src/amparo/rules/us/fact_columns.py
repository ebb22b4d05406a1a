"""The US pack's facts column-wise: :func:`amparo.rules.us.facts.extract_facts` for many encounters
at once, as Polars expressions over the columnar form of encounter v1 (no per-row Python).

Every fact has the name, and for every row the value, that the single extraction gives (tuples as
lists, instants in UTC); ``tests/batch`` checks it on generated encounters. ``_vouched`` is false for
a row that :func:`amparo.encounter.parse_encounter` or the pack's ``read_dates`` might refuse: the
batch evaluator screens such rows one by one, so their errors are the single evaluator's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from types import SimpleNamespace
from typing import Any, get_args
from zoneinfo import ZoneInfo

from amparo.encounter.model import Basis, Documents, Encounter, Findings, Place, ProtectionClaim
from amparo.engine.pack import (
    ANCHOR_COLUMN_PREFIX,
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
)
from amparo.errors import MissingExtra
from amparo.iso_countries import iso_alpha2
from amparo.rules.us import places, treaties
from amparo.rules.us.countries import (
    CENTRAL_AMERICA,
    CONTIGUOUS,
    SPANISH_SPEAKING_LATIN_AMERICA,
    SPANISH_SPEAKING_OR_BRAZIL,
    WESTERN_HEMISPHERE,
)
from amparo.rules.us.dates import BOUNDARIES, COVERAGE_START, TIME_ZONE
from amparo.rules.us.emergency import PERIODS
from amparo.rules.us.facts import ACA_NATIONAL_POPULATIONS, FAMILY_SHARED, MPP_2019_EARLY_PLACES

_DOCUMENT_FLAGS = tuple(name for name in Documents.model_fields if name != "metered_before")
_FINDING_LISTS = ("more_likely_than_not_harm_in", "reasonable_possibility_harm_in")
_FINDING_FLAGS = tuple(name for name in Findings.model_fields if name not in _FINDING_LISTS)
# The categories encounter v1 allows, read from its model (never a second list to keep in step).
_BORDERS: tuple[str, ...] = get_args(Place.model_fields["border"].annotation)
_MANNERS: tuple[str, ...] = get_args(Place.model_fields["manner"].annotation)
_CLAIMS: tuple[str, ...] = get_args(ProtectionClaim)
_BASES: tuple[str, ...] = get_args(Basis)


def _pl() -> Any:
    try:
        import polars
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtra("polars", "analytics") from exc
    return polars


@cache
def document_schema() -> dict[str, Any]:
    """Encounter v1 as Polars columns (dates as dates, ``encountered_at`` as a UTC instant)."""
    pl = _pl()
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


def documents_frame(parsed: Sequence[Encounter]) -> Any:
    """The columnar form of parsed encounters (``extensions`` are not read by any rule)."""
    pl = _pl()
    rows = [e.model_dump(by_alias=True, exclude={"extensions"}) for e in parsed]
    return pl.from_dicts(rows, schema=document_schema())


def _field(column: str, name: str) -> Any:
    return _pl().col(column).struct.field(name)


def _flag(column: str, name: str) -> Any:
    return _field(column, name).fill_null(False)


def _countries(expr: Any) -> Any:
    pl = _pl()
    return expr.fill_null(pl.lit([], dtype=pl.List(pl.String)))


def _is_country(expr: Any) -> Any:
    """An ISO 3166-1 alpha-2 code (every one is two upper-case letters: no pattern to check)."""
    return expr.is_in(sorted(iso_alpha2()))


def _country_ok(expr: Any) -> Any:
    return expr.is_null() | _is_country(expr)


def _all_countries_ok(expr: Any) -> Any:
    pl = _pl()
    bad = expr.list.eval(pl.element().is_null() | ~_is_country(pl.element())).list.any()
    return expr.is_null() | ~bad.fill_null(False)


def _vouched(read_on: Any) -> Any:
    """Rows every check of ``parse_encounter`` and ``read_dates`` would pass (columns in the
    canonical form of :func:`document_schema`; a row outside it is screened one by one)."""
    pl = _pl()
    on = pl.col("encountered_on")
    nationalities = _field("person", "nationalities")
    birth, age = _field("person", "birth_date"), _field("person", "age")
    route = pl.col("route")
    fear = pl.col("fear_claims")
    checks = [
        pl.col("id").is_not_null(),
        pl.col("id").str.len_chars().is_between(1, 128),
        pl.col("schema").is_null() | (pl.col("schema") == "amparo/encounter@1"),
        on.is_not_null(),
        pl.col("place").is_not_null(),
        _field("place", "border").is_in(_BORDERS),
        _field("place", "manner").is_in(_MANNERS),
        _country_ok(_field("place", "state")),
        _country_ok(_field("place", "arrived_from")),
        pl.col("person").is_not_null(),
        nationalities.is_not_null(),
        _all_countries_ok(nationalities),
        nationalities.list.n_unique() == nationalities.list.len(),
        _country_ok(_field("person", "last_habitual_residence")),
        birth.is_null() | (birth <= on),
        age.is_null() | age.is_between(0, 130),
        _field("person", "sex").is_null() | _field("person", "sex").is_in(("F", "M", "X")),
        ~_field("family", "members").list.eval(pl.element().is_null()).list.any().fill_null(False),
        ~route.list.eval(
            pl.element().is_null()
            | ~_is_country(pl.element().struct.field("country")).fill_null(False)
            | ~pl.element().struct.field("protection_claim").fill_null("none").is_in(_CLAIMS)
        )
        .list.any()
        .fill_null(False),
        ~fear.list.eval(
            pl.element().is_null()
            | ~_is_country(pl.element().struct.field("country")).fill_null(False)
            | pl.element()
            .struct.field("basis")
            .list.eval(pl.element().is_null() | ~pl.element().is_in(_BASES))
            .list.any()
            .fill_null(False)
        )
        .list.any()
        .fill_null(False),
        *(_all_countries_ok(_field("findings", name)) for name in _FINDING_LISTS),
        pl.col("adjudicated_on").is_null() | (pl.col("adjudicated_on") >= on),
        on >= COVERAGE_START,
        read_on >= COVERAGE_START,
    ]
    out = checks[0]
    for check in checks[1:]:
        out = out & check.fill_null(False)
    return out.fill_null(False)


def _any_of(parts: list[Any]) -> Any:
    pl = _pl()
    out = pl.lit(False)
    for part in parts:
        out = out | part
    return out


def _all_of(parts: list[Any]) -> Any:
    pl = _pl()
    out = pl.lit(True)
    for part in parts:
        out = out & part
    return out


def _place_facts(documents: Any) -> Any:
    """Zone and named places per distinct (location, state), by the pack's own functions."""
    pl = _pl()
    keys = documents.select(
        _field("place", "location").alias("_loc"), _field("place", "state").alias("_state")
    ).unique()
    zones, el_paso, mpp_ports = [], [], []
    for location, state in keys.iter_rows():
        stub: Any = SimpleNamespace(place=SimpleNamespace(location=location, state=state))
        zones.append(places.place_zone(stub))
        el_paso.append(bool(places.at_any(stub, places.EL_PASO)))
        mpp_ports.append(places.at_any(stub, places.MPP_2021_PORTS))
    return keys.with_columns(
        pl.Series("_zone", zones, dtype=pl.String),
        pl.Series("at_el_paso", el_paso, dtype=pl.Boolean),
        pl.Series("at_mpp_2021_port", mpp_ports, dtype=pl.Boolean),
    )


def _local(instant: dt.datetime, zone: str) -> dt.date:
    return instant.astimezone(ZoneInfo(zone)).date()


def _boundary_hits(on: Any, zone: Any, time_known: Any) -> list[tuple[str, Any]]:
    """For each of the pack's boundaries, whether it falls on the local day of a date-only
    encounter (``boundary_names_on_day``): in the place's zone, or when that is not known in any
    southern-border zone or US Eastern."""
    unknown_zones = (*places.SOUTHERN_BORDER_ZONES, TIME_ZONE)
    hits = []
    for name, instant in BOUNDARIES.items():
        known_zone = _any_of(
            [(zone == z) & (on == _local(instant, z)) for z in sorted({*unknown_zones, *_ZONES_SEEN})]
        )
        unknown = zone.is_null() & on.is_in(sorted({_local(instant, z) for z in unknown_zones}))
        hits.append((name, (~time_known & (known_zone.fill_null(False) | unknown)).fill_null(False)))
    return hits


def _boundaries_on_day(on: Any, zone: Any, time_known: Any) -> Any:
    pl = _pl()
    parts = [pl.when(hit).then(pl.lit(name)) for name, hit in _boundary_hits(on, zone, time_known)]
    return pl.concat_list(parts).list.drop_nulls()


_ZONES_SEEN: set[str] = set()


def _noon(on: Any, zone: Any, zones: list[str]) -> Any:
    """Noon of the local date ``on`` in the row's zone, as a UTC instant."""
    pl = _pl()
    local = on.cast(pl.Datetime("us")) + pl.duration(hours=12)
    chain: Any = pl
    for name in zones:
        utc = local.dt.replace_time_zone(name).dt.convert_time_zone("UTC")
        chain = chain.when(zone == name).then(utc)
    return chain.otherwise(None)


def extract_fact_columns(documents: Any, as_of: dt.date | None) -> Any:
    """Facts of every encounter in ``documents`` (columns of :func:`document_schema`), as
    :func:`amparo.rules.us.facts.extract_facts` gives them, with the anchor and check columns."""
    pl = _pl()
    documents = documents.lazy().collect() if hasattr(documents, "lazy") else documents
    place_facts = _place_facts(documents)
    zones = sorted({z for z in place_facts["_zone"].to_list() if z} | {TIME_ZONE})
    _ZONES_SEEN.update(zones)
    places_of_rows = (
        documents.select(_field("place", "location").alias("_loc"), _field("place", "state").alias("_state"))
        .join(place_facts, on=["_loc", "_state"], how="left", nulls_equal=True, maintain_order="left")
        .drop("_loc", "_state")
    )
    frame = documents.hstack(places_of_rows).lazy()  # the nested columns are not moved by a join
    on = pl.col("encountered_on")
    time_known = pl.col("encountered_at").is_not_null()
    zone = pl.col("_zone")
    instant = pl.coalesce(pl.col("encountered_at"), _noon(on, pl.coalesce(zone, pl.lit(TIME_ZONE)), zones))
    eastern_day = pl.max_horizontal(
        pl.col("_instant").dt.convert_time_zone(TIME_ZONE).dt.date(), pl.lit(COVERAGE_START)
    )
    read_on = (
        pl.lit(as_of, dtype=pl.Date)
        if as_of is not None
        else pl.max_horizontal(pl.coalesce(pl.col("adjudicated_on"), on), pl.col("_eastern_day"))
    )
    border, manner, location = (
        _field("place", "border"),
        _field("place", "manner"),
        _field("place", "location"),
    )
    nationalities = _countries(_field("person", "nationalities"))
    residence = _field("person", "last_habitual_residence")
    stateless = nationalities.list.len() == 0
    born = _field("person", "birth_date")
    arrived_from = pl.coalesce(
        _field("place", "arrived_from"), pl.when(border == "southwest_land").then(pl.lit("MX"))
    )

    def age_on(day: Any) -> Any:
        ahead = (day.dt.month() < born.dt.month()) | (
            (day.dt.month() == born.dt.month()) & (day.dt.day() < born.dt.day())
        )
        return day.dt.year().cast(pl.Int64) - born.dt.year().cast(pl.Int64) - ahead.cast(pl.Int64)

    age = pl.when(born.is_not_null()).then(age_on(on)).otherwise(_field("person", "age"))
    own = pl.when(stateless).then(pl.concat_list(residence).list.drop_nulls()).otherwise(nationalities)

    # The route, step by step, as plain columns: country, date of transit, claim, kept as a third
    # country (not a nationality, not the last habitual residence).
    widest = int(documents.select(_field("person", "nationalities").list.len().max()).item() or 0)
    longest = int(documents.select(pl.col("route").list.len().max()).item() or 0)
    origin_columns = {f"_n{j}": nationalities.list.get(j, null_on_oob=True) for j in range(widest)}

    def in_origin(country: Any) -> Any:
        return _any_of([(country == pl.col(n)).fill_null(False) for n in origin_columns]) | (
            country == residence
        ).fill_null(False)

    step_columns: dict[str, Any] = {}
    steps = []  # (country, date of transit, claim, kept as a third country)
    for k in range(longest):
        step_columns[f"_c{k}"] = _route_field("country", k)
        step_columns[f"_d{k}"] = pl.coalesce(_route_field("entered_on", k), on)
        step_columns[f"_p{k}"] = _route_field("protection_claim", k).fill_null("none")
        steps.append((pl.col(f"_c{k}"), pl.col(f"_d{k}"), pl.col(f"_p{k}"), pl.col(f"_k{k}")))
    keep_columns = {
        f"_k{k}": (pl.col(f"_c{k}").is_not_null() & ~in_origin(pl.col(f"_c{k}"))).fill_null(False)
        for k in range(longest)
    }
    inferred = (
        border.is_in(("southwest_land", "coastal"))
        & (pl.col("_arrived") == "MX")
        & ~in_origin(pl.lit("MX"))
        & ~_any_of([kept & (country == "MX") for country, _, _, kept in steps]).fill_null(False)
    ).fill_null(False)
    exact_third = pl.col("_inferred") | _any_of([c.is_not_null() & ~kept for c, _, _, kept in steps])
    steps.append((pl.lit("MX"), on, pl.lit("none"), pl.col("_inferred")))
    transited = _any_of([kept for _, _, _, kept in steps])

    def in_table(country: Any) -> Any:
        return country.is_in(sorted(treaties.TABLE))

    def since(country: Any, which: str) -> Any:
        dates = {c: getattr(p, which) for c, p in treaties.TABLE.items()}
        return country.replace_strict(dates, default=None, return_dtype=pl.Date)

    def refugee_party(country: Any, day: Any) -> Any:
        return ~in_table(country) | (since(country, "refugee") <= day).fill_null(False)

    def any_party(country: Any, day: Any) -> Any:
        return refugee_party(country, day) | (since(country, "cat") <= day).fill_null(False)

    fear = pl.col("fear_claims")
    stated = fear.list.eval(
        pl.element()
        .struct.field("country")
        .filter(pl.element().struct.field("affirmatively_stated").fill_null(True))
    )
    members = _countries(_field("family", "members"))

    def any_national(codes: frozenset[str]) -> Any:
        return nationalities.list.eval(pl.element().is_in(sorted(codes))).list.any().fill_null(False)

    def emergency(at: Any) -> Any:
        def utc(instant: dt.datetime) -> Any:
            return pl.lit(instant.astimezone(dt.UTC))

        return _any_of(
            [(at >= utc(p.start)) & ((at < utc(p.end)) if p.end is not None else True) for p in PERIODS]
        )

    lpr, visa = _flag("documents", "lawful_permanent_resident"), _flag("documents", "valid_us_visa")
    parole, exempt = (
        _flag("documents", "parole_travel_authorization"),
        _flag("documents", "visa_exempt_entry"),
    )
    under_18 = (pl.col("_age") < 18).fill_null(False)
    out = (
        frame.with_columns(
            _age=age, _arrived=arrived_from, _instant=instant, **origin_columns, **step_columns
        )
        .with_columns(**keep_columns)
        .with_columns(
            _eastern_day=eastern_day,
            _inferred=inferred,
            _early=_any_of(
                [
                    (location.str.to_lowercase().str.contains(name, literal=True) & (on >= start)).fill_null(
                        False
                    )
                    for name, start in MPP_2019_EARLY_PLACES
                ]
            ),
        )
        .with_columns(_read=read_on)
        .select(
            pl.col("id").alias(DOCUMENT_ID_COLUMN),
            on.alias(OCCURRED_ON_COLUMN),
            pl.col("_read").alias(READ_ON_COLUMN),
            pl.col("_read").alias(ANCHOR_COLUMN_PREFIX + "as_of"),
            pl.col("_eastern_day").alias(ANCHOR_COLUMN_PREFIX + "encountered_on"),
            _vouched(pl.col("_read")).alias(VOUCHED_COLUMN),
            on.alias("encountered_on"),
            pl.col("_instant").alias("encountered_instant"),
            time_known.alias("time_known"),
            zone.alias("place_zone"),
            pl.lit([], dtype=pl.List(pl.String)).alias("boundaries_on_day"),
            _any_of([hit for _, hit in _boundary_hits(on, zone, time_known)]).alias("_exact_boundaries"),
            pl.col("_read").alias("as_of"),
            pl.when((on.dt.month() == 2) & (on.dt.day() == 29))
            .then(pl.date(on.dt.year() + 1, 3, 1))
            .otherwise(on.dt.offset_by("1y"))
            .alias("one_year_deadline_on"),
            border.alias("border"),
            manner.alias("manner"),
            _field("place", "state").alias("state"),
            location.alias("location"),
            location.is_not_null().alias("location_known"),
            pl.col("at_el_paso"),
            pl.col("at_mpp_2021_port"),
            pl.col("_arrived").alias("arrived_from"),
            ((border == "southwest_land") & (pl.col("_arrived") == "MX"))
            .fill_null(False)
            .alias("by_land_from_mexico"),
            (border.is_in(("southwest_land", "coastal")) & (pl.col("_arrived") == "MX"))
            .fill_null(False)
            .alias("from_mexico_southwest_or_coastal"),
            (manner == "port_of_entry").fill_null(False).alias("at_port_of_entry"),
            pl.col("_early").alias("at_mpp_early_place"),
            ((on >= dt.date(2019, 6, 7)) & (on < dt.date(2019, 11, 1)) & ~pl.col("_early")).alias(
                "mpp_2019_place_open"
            ),
            nationalities.alias("nationalities"),
            stateless.alias("stateless"),
            residence.alias("last_habitual_residence"),
            own.alias("own_countries"),
            (stateless & residence.is_in(sorted(ACA_NATIONAL_POPULATIONS)).fill_null(False)).alias(
                "stateless_in_aca_population_country"
            ),
            any_national(SPANISH_SPEAKING_OR_BRAZIL).alias("spanish_speaking_or_brazil_national"),
            any_national(SPANISH_SPEAKING_LATIN_AMERICA).alias("spanish_speaking_latin_american_national"),
            any_national(WESTERN_HEMISPHERE).alias("western_hemisphere_national"),
            any_national(CENTRAL_AMERICA).alias("central_american_national"),
            any_national(CONTIGUOUS).alias("contiguous_country_national"),
            pl.col("_age").alias("age_at_encounter"),
            pl.col("_age").is_not_null().alias("age_known"),
            under_18.alias("under_18"),
            (under_18 & born.is_not_null() & (age_on(pl.col("_read")) >= 18).fill_null(False)).alias(
                "adult_by_read_on"
            ),
            (
                pl.col("family").is_not_null()
                & (_flag("family", "with_parent_or_legal_guardian") | _flag("family", "family_unit"))
            ).alias("parent_or_guardian_available"),
            _flag("family", "family_unit").alias("family_unit"),
            members.alias("family_members"),
            (members.list.len() > 0).alias("family_members_listed"),
            ((members.list.len() > 0) | _flag("family", "family_unit")).alias("travels_with_family"),
            lpr.alias("lawful_permanent_resident"),
            visa.alias("valid_us_visa"),
            exempt.alias("visa_exempt_entry"),
            parole.alias("parole_travel_authorization"),
            _flag("documents", "cbp_one_appointment").alias("cbp_one_appointment"),
            (~(lpr | visa | parole | exempt)).alias("lacks_entry_documents"),
            _field("documents", "metered_before").alias("metered_before"),
            _countries(pl.col("route").list.eval(pl.element().struct.field("country"))).alias(
                "third_countries_transited"
            ),
            exact_third.alias("_exact_third"),
            transited.alias("transited_third_country"),
            pl.col("_inferred").alias("transit_inferred"),
            _any_of([kept & (claim == "denied_final") for _, _, claim, kept in steps]).alias(
                "final_denial_in_transit_country"
            ),
            _any_of([kept & claim.is_in(("pending", "abandoned")) for _, _, claim, kept in steps]).alias(
                "pending_or_abandoned_claim_in_transit"
            ),
            (transited & ~_any_of([kept & any_party(c, day) for c, day, _, kept in steps])).alias(
                "transited_only_non_parties"
            ),
            _any_of([kept & refugee_party(c, day) for c, day, _, kept in steps]).alias(
                "transited_refugee_convention_party"
            ),
            _any_of([kept & ~in_table(c) for c, _, _, kept in steps]).alias(
                "transited_country_not_in_treaty_table"
            ),
            _any_of([kept & ~refugee_party(c, day) for c, day, _, kept in steps]).alias(
                "transited_some_non_party"
            ),
            emergency(pl.col("_instant")).alias("in_emergency_border_circumstances"),
            pl.lit(False).alias("officer_operational_humanitarian_exception"),
            _countries(fear.list.eval(pl.element().struct.field("country")).list.unique()).alias(
                "fear_countries"
            ),
            _countries(stated.list.unique()).alias("fear_stated_countries"),
            *(pl.col(name) for name in (*step_columns, *keep_columns)),
            pl.col("_inferred"),
            *(
                _countries(_field("findings", name)).alias(fact)
                for name, fact in zip(
                    _FINDING_LISTS, ("mltn_harm_in", "reasonable_possibility_harm_in"), strict=True
                )
            ),
            *(_flag("findings", name).alias(name) for name in _FINDING_FLAGS),
            pl.col("id").alias("encounter_id"),
            pl.lit(0, dtype=pl.Int64).alias("family_companions_read"),
        )
        .with_columns(pl.col(name).alias(f"family_{name}") for name in FAMILY_SHARED)
    )
    return _exact_lists(out.collect(), steps)


def _route_field(name: str, k: int) -> Any:
    """Field ``name`` of the ``k``-th route step (a list of the field first: cheaper than reaching
    into a list of structs step by step)."""
    pl = _pl()
    return pl.col("route").list.eval(pl.element().struct.field(name)).list.get(k, null_on_oob=True)


def _patch(frame: Any, name: str, rows: Any, values: Any) -> Any:
    """``frame`` with column ``name`` replaced by ``values`` on ``rows`` (list columns cannot be
    scattered into; only that column is moved)."""
    pl = _pl()
    patch = pl.DataFrame({"_patch_row": rows.cast(pl.UInt32), "_patch": values})
    fixed = (
        frame.select(name)
        .with_row_index("_patch_row")
        .join(patch, on="_patch_row", how="left", maintain_order="left")
        .select(
            pl.when(pl.col("_patch_row").is_in(rows.cast(pl.UInt32).implode()))
            .then(pl.col("_patch"))
            .otherwise(pl.col(name))
            .alias(name)
        )
    )
    return frame.with_columns(fixed[name])


def _sorted_where_longer(frame: Any, name: str) -> Any:
    """Sort the lists of ``name`` that have more than one item (most have one: sorting them all costs)."""
    pl = _pl()
    rows = frame.select(pl.arg_where(pl.col(name).list.len() > 1)).to_series()
    if rows.len() == 0:
        return frame
    fixed = frame[name].gather(rows).list.eval(pl.element().sort())
    return _patch(frame, name, rows, fixed)


def _exact_lists(frame: Any, steps: list[tuple[Any, Any, Any, Any]]) -> Any:
    """The list facts whose common case was taken as it stands, made exact on the rows that need
    it: third countries where a step is a country of origin or Mexico is inferred; the boundaries
    of the day where one falls on it; sorted lists of more than one country."""
    pl = _pl()
    for name in ("own_countries", "fear_countries", "fear_stated_countries"):
        frame = _sorted_where_longer(frame, name)
    rows = frame.select(pl.arg_where(pl.col("_exact_third"))).to_series()
    if rows.len():
        exact = (
            frame[rows]
            .select(
                pl.concat_list(
                    [pl.when(kept).then(country) for country, _, _, kept in steps]
                ).list.drop_nulls()
            )
            .to_series()
        )
        frame = _patch(frame, "third_countries_transited", rows, exact)
    rows = frame.select(pl.arg_where(pl.col("_exact_boundaries"))).to_series()
    if rows.len():
        exact = (
            frame[rows]
            .select(_boundaries_on_day(pl.col("encountered_on"), pl.col("place_zone"), pl.col("time_known")))
            .to_series()
        )
        frame = _patch(frame, "boundaries_on_day", rows, exact)
    return frame.select([c for c in frame.columns if not c.startswith("_") or c.startswith(_KEPT_PREFIXES)])


_KEPT_PREFIXES = (
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
    ANCHOR_COLUMN_PREFIX,
)
