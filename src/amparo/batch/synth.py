"""Synthetic encounter v1 documents calibrated to CBP's monthly southwest-border counts.

Each document draws a cell of CBP's Southwest Land Border Encounters table (month, component,
demographic, citizenship grouping, title of authority) in proportion to its count, so the mix by
month, nationality, demographic and component follows the published series (``data/cbp``). The
"Other" citizenship group is split by the Border Patrol's own monthly counts by citizenship
(``data/ohss``, southwest border; the last twelve months published stand in after November 2024).

Around that skeleton: the day, and for most the hour, of the encounter (with its offset in the
sector's zone), the sector or port, ages and birth dates by demographic, families, routes through
the usual corridors with claims made on the way, fear claims, documents (CBP One, parole, visas),
findings and adjudication dates, and the rarer inputs every rule reads (a stateless person, a
second nationality, an unknown place, routes through a country not party to the refugee
instruments, the rarer findings). A share of encounters is drawn within days of every date on which
a rule version of the pack begins or ends, so every version is exercised; each takes a cell of
that day's month, so its nationality, demographic and component are the month's. Everything is
drawn with numpy from one seed, chunk by chunk: the same seed and size give the same documents, and
two sizes share their whole chunks of :data:`CHUNK` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from amparo.batch.calibration import EPOCH, calibration, other_nationalities
from amparo.batch.compression import codec_of, inner_suffix, open_text_output
from amparo.batch.output_file import staged
from amparo.engine.columnar import in_field_order, polars_module
from amparo.engine.law import LawBook
from amparo.engine.pack import ColumnarPack, LawPack

CHUNK = 200_000

# Sectors and ports: (location, state, zone, share), with the component that works there.
_SECTORS = (
    ("San Diego Sector", "CA", "America/Los_Angeles", 0.08),
    ("El Centro Sector", "CA", "America/Los_Angeles", 0.04),
    ("Yuma Sector", "AZ", "America/Phoenix", 0.07),
    ("Tucson Sector", "AZ", "America/Phoenix", 0.12),
    ("El Paso Sector", "TX", "America/Denver", 0.12),  # New Mexico's stations: NM (below)
    ("Big Bend Sector", "TX", "America/Chicago", 0.01),
    ("Del Rio Sector", "TX", "America/Chicago", 0.15),
    ("Laredo Sector", "TX", "America/Chicago", 0.06),
    ("Rio Grande Valley Sector", "TX", "America/Chicago", 0.35),
)
_PORTS = (
    ("San Ysidro Port of Entry", "CA", "America/Los_Angeles", 0.25),
    ("Calexico Port of Entry", "CA", "America/Los_Angeles", 0.06),
    ("Nogales Port of Entry", "AZ", "America/Phoenix", 0.12),
    ("El Paso Port of Entry", "TX", "America/Denver", 0.17),
    ("Eagle Pass Port of Entry", "TX", "America/Chicago", 0.08),
    ("Laredo Port of Entry", "TX", "America/Chicago", 0.17),
    ("Brownsville Port of Entry", "TX", "America/Chicago", 0.15),
)
# Routes by where a person starts, as lists of transit countries (claims drawn separately).
_ROUTES: dict[str, tuple[tuple[str, ...], ...]] = {
    "MX": ((),),
    "GT": (("MX",),),
    "HN": (("GT", "MX"), ("GT", "MX"), ("MX",)),
    "SV": (("GT", "MX"), ("GT", "MX"), ("MX",)),
    "south": (("CO", "PA", "CR", "NI", "HN", "GT", "MX"), ("PA", "CR", "NI", "HN", "GT", "MX"), ("MX",)),
    "caribbean": (("NI", "HN", "GT", "MX"), ("MX",), ("PA", "CR", "NI", "HN", "GT", "MX")),
    "far": (
        ("MX",),
        ("NI", "HN", "GT", "MX"),
        ("TR", "MX"),
        ("BR", "PE", "EC", "CO", "PA", "CR", "NI", "HN", "GT", "MX"),
        ("AE", "MX"),  # a hub not in the pack's treaty table
        ("GY", "BR", "PE", "EC", "CO", "PA", "CR", "NI", "HN", "GT", "MX"),  # Guyana: no refugee treaty
    ),
}
#: Route picks: every group's routes (1, 3 or 6 of them) equally likely.
_ROUTE_PICKS = 12
#: A second nationality (a dual national), where it is not the first.
_SECOND_NATIONALITIES = ("ES", "IT", "MX")
#: Days since 1970 written for a date a document does not give (a birth date may be before 1970).
_ABSENT = np.iinfo(np.int32).min
_SOUTH = frozenset("VE CO EC PE BR BO CL AR UY PY NI CR PA BZ".split())
_CARIBBEAN = frozenset("CU HT DO JM".split())
_GIVEN = (  # female and male names in turn
    "María",
    "José",
    "Ana",
    "Juan",
    "Rosa",
    "Luis",
    "Carmen",
    "Carlos",
    "Elena",
    "Jorge",
    "Daniela",
    "Wilmer",
)
_SURNAMES = (
    "López",
    "García",
    "Hernández",
    "Martínez",
    "Pérez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Reyes",
    "Morales",
)
_BASES = ("particular_social_group", "political_opinion", "general_crime", "religion", "race", "torture")


def _edge_days(book: LawBook | None) -> np.ndarray:
    """Every date on which a rule version of the pack begins or ends (days since 1970)."""
    if book is None:
        return np.array([], dtype=np.int64)
    days = {
        (d - EPOCH).days
        for rule in book.rules.values()
        for version in rule.versions
        for d in (version.valid_from, version.valid_to)
        if d is not None and dt.date(2018, 10, 1) <= d <= dt.date(2025, 12, 31)
    }
    return np.array(sorted(days), dtype=np.int64)


def _days_in_month(month_days: np.ndarray) -> np.ndarray:
    months = month_days.astype("datetime64[D]").astype("datetime64[M]")
    days: np.ndarray = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(
        np.int64
    )
    return days


def _pick(
    rng: np.random.Generator, options: tuple[Any, ...], weights: tuple[float, ...], n: int
) -> np.ndarray:
    w = np.array(weights, dtype=float)
    return rng.choice(len(options), size=n, p=w / w.sum())


def _route_group(nationality: str) -> str:
    if nationality in ("MX", "GT", "HN", "SV"):
        return nationality
    return "south" if nationality in _SOUTH else "caribbean" if nationality in _CARIBBEAN else "far"


def _route(nationality: str, pick: int, claim: str, claim_at: int) -> list[dict[str, Any]] | None:
    """The countries crossed (a corridor of the nationality's group) and a claim made in one."""
    routes = _ROUTES[_route_group(nationality)]
    countries = [c for c in routes[pick % len(routes)] if c != nationality]
    if not countries:
        return None
    return [
        {
            "country": c,
            "entered_on": None,
            "protection_claim": claim if k == claim_at % len(countries) else "none",
        }
        for k, c in enumerate(countries)
    ]


def _routes_of(nationality: np.ndarray) -> np.ndarray:
    """How many routes each nationality's group has (a pick is one of them: fewer distinct keys)."""
    codes, at = np.unique(nationality.astype(str), return_inverse=True)
    sizes: np.ndarray = np.array([len(_ROUTES[_route_group(code)]) for code in codes])[at]
    return sizes


def _with_entry_days(flat: Any) -> Any:
    """``route`` with the day each country was entered, a week apart, the last a week before
    ``left_on`` (days since 1970), where ``left_on`` is given (one route in ten)."""
    pl = polars_module()
    c = pl.col
    rows = flat.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), "route", "left_on").filter(
        (c("left_on") != _ABSENT) & c("route").is_not_null()
    )
    at = pl.int_range(pl.len()).over("row")
    dated = (
        rows.explode("route")
        .with_columns(
            (c("left_on") + 7 * (at - pl.len().over("row"))).cast(pl.Date).alias("entered_on"),
            c("route").struct.field("country", "protection_claim"),
        )
        .group_by("row", maintain_order=True)
        .agg(pl.struct("country", "entered_on", "protection_claim").alias("dated"))
    )
    return (
        flat.with_row_index("row")
        .join(dated, on="row", how="left", maintain_order="left")
        .with_columns(pl.coalesce("dated", "route").alias("route"))
        .drop("row", "dated")
    )


def _by_key(frame: Any, keys: list[str], name: str, build: Any, dtype: Any) -> Any:
    """A nested column computed once per distinct combination of ``keys`` (a few thousand), joined back."""
    pl = polars_module()
    distinct = frame.select(keys).unique(maintain_order=True)
    values = [build(*row) for row in distinct.iter_rows()]
    table = distinct.with_columns(pl.Series(name, values, dtype=dtype))
    return frame.join(table, on=keys, how="left", nulls_equal=True, maintain_order="left")


def _born(day: np.ndarray, age: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Birth days (days since 1970) of people ``age`` whole years old on ``day``: ``back`` days
    (0-364) before the day they turned ``age`` (calendar years: 365-day years made some adults
    of 18 still 17, a few days short)."""
    on = day.astype("datetime64[D]")
    months = on.astype("datetime64[M]")
    day_of_month = (on - months).astype(np.int64)  # 0-based
    birthday_month = months - (age * 12).astype("timedelta64[M]")
    month_days = (
        (birthday_month + 1).astype("datetime64[D]") - birthday_month.astype("datetime64[D]")
    ).astype(np.int64)
    birthday = birthday_month.astype("datetime64[D]") + np.minimum(day_of_month, month_days - 1)  # 29 Feb: 28
    born: np.ndarray = (birthday - back).astype(np.int64)
    return born


def _family_pairs(cell: np.ndarray, family: np.ndarray, named: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of family-unit rows of one cell met together: each row that names a member (``named``)
    and the next family-unit row of its cell, neither in another pair. The second takes the
    first's day, time, place and route; each names the other."""
    rows = np.flatnonzero(family)
    rows = rows[np.argsort(cell[rows], kind="stable")]  # by cell, in row order within one
    first, second = [], []
    taken = False
    for a, b in zip(rows[:-1].tolist(), rows[1:].tolist(), strict=True):
        if taken:
            taken = False
            continue
        if named[a] and cell[a] == cell[b]:
            first.append(a)
            second.append(b)
            taken = True
    return np.array(first, dtype=np.int64), np.array(second, dtype=np.int64)


def _member_ids(ids: np.ndarray, first: np.ndarray, second: np.ndarray) -> list[str | None]:
    """Each row's named member's id (its number, nine digits at least), or None."""
    member: list[str | None] = [None] * len(ids)
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        member[a], member[b] = str(ids[b]).zfill(9), str(ids[a]).zfill(9)
    return member


def generate_chunk(seed: int, chunk: int, size: int, first_id: int, pack: ColumnarPack) -> Any:
    """``size`` documents (chunk ``chunk`` of the seed) as a Polars frame in the columnar form of
    ``pack``'s documents (the pack that reads encounter v1); every date on which one of its rule
    versions begins or ends is drawn near."""
    pl = polars_module()
    schema = dict(pack.document_schema())
    book = pack.law_book() if isinstance(pack, LawPack) else None
    cal = calibration()
    rng = np.random.default_rng([seed, chunk])
    n = size
    cell = rng.choice(len(cal.p), size=n, p=cal.p)
    month = cal.month[cell]
    day = month + (rng.random(n) * _days_in_month(month)).astype(np.int64)
    edges = _edge_days(book)
    if len(edges):
        near = rng.random(n) < 0.04
        day = np.where(near, edges[rng.integers(0, len(edges), n)] + rng.integers(-2, 3, n), day)
        # the cell of that day's month: its nationality, demographic and component are the month's
        month_of_day = day.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
        cell = np.where(near, cal.cells_in_months(month_of_day.astype(np.int64), rng.random(n)), cell)
        month = cal.month[cell]
    ofo = cal.component[cell] == "OFO"
    demographic = cal.demographic[cell]
    title42 = cal.title42[cell]
    nationality = cal.citizenship[cell].astype(object)
    other = nationality == "OTHER"
    nationality[other] = other_nationalities(cal, month[other], rng.random(int(other.sum())), ofo[other])

    sector = _pick(rng, _SECTORS, tuple(x[3] for x in _SECTORS), n)
    port = _pick(rng, _PORTS, tuple(x[3] for x in _PORTS), n)
    # three in ten family units name one member: another encounter of the same cell, met together
    # (drawn from a stream of their own, so that every other draw of the seed stays as it was)
    named_member = (demographic == "family_units") & (np.random.default_rng([seed, chunk, 1]).random(n) < 0.3)
    first, second = _family_pairs(cell, demographic == "family_units", named_member)
    day[second], sector[second], port[second] = day[first], sector[first], port[first]

    def where(column: int) -> np.ndarray:
        chosen: np.ndarray = np.where(
            ofo,
            np.array([x[column] for x in _PORTS], dtype=object)[port],
            np.array([x[column] for x in _SECTORS], dtype=object)[sector],
        )
        return chosen

    minor = np.isin(demographic, ["unaccompanied_children", "accompanied_minors"]) | (
        (demographic == "family_units") & (rng.random(n) < 0.45)
    )
    child_age = np.where(
        demographic == "unaccompanied_children", rng.integers(12, 18, n), rng.integers(0, 18, n)
    )
    age = np.minimum(np.where(minor, child_age, 18 + rng.gamma(2.0, 7.0, n).astype(np.int64)), 90)
    birth = _born(day, age, rng.integers(0, 365, n))
    has_birth = rng.random(n) < 0.7
    age_unknown = ~has_birth & (rng.random(n) < 0.005)  # neither a birth date nor an age stated
    female = rng.random(n) < np.where(demographic == "single_adults", 0.25, 0.5)
    named = rng.random(n) < 0.3
    has_time = rng.random(n) < 0.75
    local_seconds = (rng.normal(2.0, 5.0, n) % 24 * 3600).astype(np.int64)
    has_time[second], local_seconds[second] = has_time[first], local_seconds[first]
    claim_draw = rng.random(n)
    claim = np.select(
        [claim_draw < 0.03, claim_draw < 0.07, claim_draw < 0.09],
        ["denied_final", "pending", "abandoned"],
        "none",
    )
    fear = (~title42) & (rng.random(n) < 0.45)
    cbp_one = ofo & (day >= (dt.date(2023, 1, 12) - EPOCH).days) & (rng.random(n) < 0.6)
    chnv = np.isin(nationality, ["CU", "HT", "NI", "VE"]) & (day >= (dt.date(2023, 1, 5) - EPOCH).days)
    metered = ofo & (day < (dt.date(2020, 3, 21) - EPOCH).days) & (rng.random(n) < 0.1)
    findings = rng.random(n) < 0.25
    f = rng.random((16, n))
    sea = ~ofo & (rng.random(n) < 0.002)  # landed by sea between ports
    # where a place is not known (2 %), and New Mexico's share of the El Paso sector's stations
    unplaced = rng.random(n) < 0.02
    sea[second], unplaced[second] = sea[first], unplaced[first]
    state = np.where((where(0) == "El Paso Sector") & (rng.random(n) < 0.4), "NM", where(1))
    state[second] = state[first]
    location = np.where(sea, "San Diego Sector", where(0))  # a maritime landing: San Diego's coast
    state = np.where(sea, "CA", state)
    zone = np.where(sea, "America/Los_Angeles", where(2))  # its local time is San Diego's
    nationals = rng.random(n)  # 0.2 % stateless (the nationality drawn: where they lived), 0.5 % dual
    nationals[second] = nationals[first]
    with_route = rng.random(n) < 0.85
    entered = with_route & (rng.random(n) < 0.1)  # the days each country was entered, for one in ten
    adjudicated_on = np.minimum(
        day + rng.exponential(120.0, n).astype(np.int64) + 1, (dt.date(2026, 6, 30) - EPOCH).days
    )
    ids = np.arange(first_id, first_id + n)

    flat = pl.DataFrame(
        {
            "id": pl.Series(ids).cast(pl.String).str.zfill(9),
            "on": day.astype(np.int32),
            "adjudicated": np.where(rng.random(n) < 0.5, adjudicated_on, _ABSENT).astype(np.int32),
            "seconds": np.where(has_time, local_seconds, -1),
            "zone": zone.astype(str),
            "ofo": ofo,
            "sea": sea,
            "location": location.astype(str),
            "state": state.astype(str),
            "unplaced": unplaced,
            "nat": nationality.astype(str),
            "stateless": nationals < 0.002,
            "second": np.array(_SECOND_NATIONALITIES)[rng.integers(0, len(_SECOND_NATIONALITIES), n)],
            "dual": nationals > 0.995,
            "birth": np.where(has_birth, birth, _ABSENT).astype(np.int32),
            "age": np.where(has_birth | age_unknown, -1, age),
            "sex": np.where(female, "F", "M"),
            "named": named,
            "given": pl.Series(_GIVEN).gather(2 * rng.integers(0, len(_GIVEN) // 2, n) + (~female)),
            "surname": pl.Series(_SURNAMES).gather(rng.integers(0, len(_SURNAMES), n)),
            "second_surname": pl.Series(_SURNAMES).gather(rng.integers(0, len(_SURNAMES), n)),
            "member": pl.Series(_member_ids(ids, first, second), dtype=pl.String),
            "_kept_draw": rng.random(n),  # where members were drawn until 2026-12: the draws after stay
            "demographic": demographic.astype(str),
            "minor": minor,
            "route_pick": rng.integers(0, _ROUTE_PICKS, n) % _routes_of(nationality),
            "with_route": with_route,
            "left_on": np.where(entered, month - 7 - rng.integers(0, 60, n), _ABSENT).astype(np.int32),
            "claim": claim,
            "claim_at": rng.integers(0, 8, n),
            "fear": fear,
            "fear_mexico": fear & (nationality != "MX") & (rng.random(n) < 0.05),
            "stated": rng.random(n) < 0.9,
            "basis": rng.integers(0, len(_BASES), n),
            "cbp_one": cbp_one,
            "parole": ofo & chnv & (rng.random(n) < 0.2),
            "visa": rng.random(n) < 0.01,
            "visa_exempt": rng.random(n) < 0.005,
            "lpr": rng.random(n) < 0.003,
            # Waits on the ports' metering lists ran to months (the brief's scenario 17: put on the
            # Tijuana list in June 2019, processed in December): up to half a year, evenly (no
            # published distribution in data/), so the Al Otro Lado class is met after 2019-07-16.
            "metered": np.where(metered, day - 1 - rng.integers(0, 183, n), _ABSENT).astype(np.int32),
            "findings": findings,
            "aca_fear": np.array(["GT", "HN", "SV", "MX"])[rng.integers(0, 4, n)],
            **{f"f{k}": f[k] for k in range(len(f))},
        }
    )
    source = np.arange(n)
    source[second] = first  # a family's second member: the first's nationality and route
    together = ["nat", "route_pick", "with_route", "left_on", "claim", "claim_at"]
    flat = flat.with_columns(pl.col(together).gather(pl.Series(source)))
    flat = _by_key(
        flat.with_columns(pl.when(pl.col("with_route")).then(pl.col("route_pick")).alias("route_pick")),
        ["nat", "route_pick", "claim", "claim_at"],
        "route",
        lambda nat, pick, claim_, at: None if pick is None else _route(nat, pick, claim_, at),
        schema["route"],
    )
    flat = _with_entry_days(flat)
    flat = _by_key(
        flat,
        ["fear", "nat", "stated", "basis", "fear_mexico"],
        "fear_claims",
        lambda on, nat, stated, basis, mexico: (
            None
            if not on
            else [{"country": nat, "affirmatively_stated": stated, "basis": [_BASES[basis]]}]
            + (
                [{"country": "MX", "affirmatively_stated": True, "basis": ["particular_social_group"]}]
                if mexico
                else []
            )
        ),
        schema["fear_claims"],
    )
    c = pl.col
    day_col = c("on").cast(pl.Date)
    seconds = c("on").cast(pl.Int64) * 86_400 + c("seconds")
    local = (seconds * 1_000_000).cast(pl.Datetime("us"))
    at: Any = pl
    for zone_name in sorted({x[2] for x in (*_SECTORS, *_PORTS)}):
        at = at.when((c("zone") == zone_name) & (c("seconds") >= 0)).then(
            local.dt.replace_time_zone(
                zone_name, ambiguous="earliest", non_existent="null"
            ).dt.convert_time_zone("UTC")
        )

    def shared(k: int, share: float, name: str) -> Any:
        return pl.when(c(f"f{k}") < share).then(pl.lit(True)).alias(name)

    def optional_date(name: str) -> Any:
        return pl.when(c(name) != _ABSENT).then(c(name).cast(pl.Date))

    documents = pl.struct(
        pl.when(c("visa")).then(True).alias("valid_us_visa"),
        pl.when(c("visa_exempt")).then(True).alias("visa_exempt_entry"),
        pl.when(c("cbp_one")).then(True).alias("cbp_one_appointment"),
        pl.when(c("parole")).then(True).alias("parole_travel_authorization"),
        pl.when(c("lpr")).then(True).alias("lawful_permanent_resident"),
        optional_date("metered").alias("metered_before"),
    )
    finding_flags = (
        ("severe_trafficking_victim", 0.04),
        ("public_interest_exception", 0.03),
        ("acute_medical_emergency", 0.04),
        ("imminent_extreme_threat", 0.03),
        ("known_health_issue", 0.1),
        ("lgbtqi_risk_in_mexico", 0.04),
        ("pregnant", 0.05),
        ("criminal_history", 0.05),
        ("processed_for_expedited_removal", 0.5),
        ("scheduling_obstacle", 0.02),
        ("advanced_age", 0.02),
        ("interest_to_government", 0.01),
        ("asylum_request_withdrawn", 0.01),
    )
    found = pl.struct(
        *in_field_order(
            schema["findings"],
            [
                pl.when(c("f0") < 0.15)
                .then(pl.concat_list(c("aca_fear")))
                .alias("more_likely_than_not_harm_in"),
                pl.when(c("f1") < 0.2).then(pl.concat_list(c("nat"))).alias("reasonable_possibility_harm_in"),
                # drawn in this order (each its own column of draws), put in the schema's order
                *(shared(k, share, name) for k, (name, share) in enumerate(finding_flags, start=2)),
            ],
        )
    )
    frame = flat.select(
        pl.lit("amparo/encounter@1").alias("schema"),
        (pl.lit(f"SYN-{seed}-") + c("id")).alias("id"),
        day_col.alias("encountered_on"),
        at.otherwise(None).cast(pl.Datetime("us", "UTC")).alias("encountered_at"),
        optional_date("adjudicated").alias("adjudicated_on"),
        pl.struct(
            pl.when(c("sea")).then(pl.lit("coastal")).otherwise(pl.lit("southwest_land")).alias("border"),
            pl.when(c("ofo"))
            .then(pl.lit("port_of_entry"))
            .otherwise(pl.lit("between_ports"))
            .alias("manner"),
            pl.when(~c("unplaced")).then(c("location")).alias("location"),
            pl.when(~c("unplaced")).then(c("state")).alias("state"),
            pl.lit("MX").alias("arrived_from"),
        ).alias("place"),
        pl.struct(
            pl.when(c("stateless"))
            .then(pl.lit([], dtype=pl.List(pl.String)))
            .when(c("dual") & (c("second") != c("nat")))
            .then(pl.concat_list(c("nat"), c("second")))
            .otherwise(pl.concat_list(c("nat")))
            .alias("nationalities"),
            pl.when(c("stateless")).then(c("nat")).alias("last_habitual_residence"),
            optional_date("birth").alias("birth_date"),
            pl.when(c("age") >= 0).then(c("age")).alias("age"),
            c("sex"),
            pl.when(c("named")).then(c("given")).alias("given_names"),
            pl.when(c("named"))
            .then(pl.concat_str(c("surname"), c("second_surname"), separator=" "))
            .alias("surnames"),
        ).alias("person"),
        pl.when(c("demographic").is_in(["family_units", "accompanied_minors", "unaccompanied_children"]))
        .then(
            pl.struct(
                # (the alias on the whole condition: Polars names ``a & b.alias(x)`` after ``a``,
                # and the field was dropped by the cast to the schema, every minor unaccompanied)
                (
                    (c("demographic") != "unaccompanied_children")
                    & ((c("demographic") == "accompanied_minors") | c("minor"))
                ).alias("with_parent_or_legal_guardian"),
                pl.when(c("demographic") != "accompanied_minors")
                .then(c("demographic") == "family_units")
                .alias("family_unit"),
                # the id of the member met with them (same cell, day, time, place and route)
                pl.when((c("demographic") == "family_units") & c("member").is_not_null())
                .then(pl.concat_list(pl.lit(f"SYN-{seed}-") + c("member")))
                .alias("members"),
            )
        )
        .alias("family"),
        c("route"),
        pl.when(
            c("visa") | c("visa_exempt") | c("cbp_one") | c("parole") | c("lpr") | (c("metered") != _ABSENT)
        )
        .then(documents)
        .alias("documents"),
        c("fear_claims"),
        pl.when(c("findings")).then(found).alias("findings"),
    )
    return frame.cast(schema)


def generate(n: int, seed: int, pack: ColumnarPack) -> Iterator[Any]:
    """``n`` documents as frames of at most :data:`CHUNK` rows, deterministic for ``seed``."""
    done = 0
    chunk = 0
    while done < n:
        size = min(CHUNK, n - done)
        yield generate_chunk(seed, chunk, size, done, pack)
        done += size
        chunk += 1


def write_documents(n: int, seed: int, path: Path, pack: ColumnarPack) -> int:
    """Write ``n`` documents to ``path`` (JSON Lines or Parquet by extension), chunk by chunk (under
    a temporary name renamed to ``path`` once whole)."""
    with staged(path) as part:
        return _write_documents(
            n, seed, inner_suffix(path) in {".parquet", ".pq"}, part, pack, codec_of(path)
        )


def _write_documents(
    n: int, seed: int, parquet: bool, path: Path, pack: ColumnarPack, codec: str | None = None
) -> int:
    written = 0
    if parquet:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        writer: Any = None
        try:
            for frame in generate(n, seed, pack):
                table = frame.to_arrow()
                writer = writer or pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
                written += frame.height
        finally:
            if writer is not None:
                writer.close()
        return written
    with open_text_output(path, codec) as handle:
        for frame in generate(n, seed, pack):
            handle.write(json_lines_of(frame))
            written += frame.height
    return written


# A field holding null in a JSON object (its key: a name of the columnar form). A key is always
# right after ``{`` or ``,``; a quote inside a text value is escaped, so no value matches.
_NULL_AFTER_COMMA = r',"[A-Za-z_][A-Za-z0-9_]*":null'
_NULL_FIRST = r'\{"[A-Za-z_][A-Za-z0-9_]*":null,?'


def json_lines_of(frame: Any) -> str:
    """The frame's rows as JSON lines, encoded column-wise, null fields left out (an absent field,
    as encounter v1 wants it): the same text as each row's plain document dumped by orjson."""
    pl = polars_module()
    lines = frame.select(
        pl.struct(pl.all())
        .struct.json_encode()
        .str.replace_all(_NULL_AFTER_COMMA, "")
        .str.replace_all(_NULL_FIRST, "{")
        .alias("line")
    )["line"]
    return "\n".join(lines.to_list()) + "\n"
