"""The US pack's column-wise facts agree with its single extraction, fact by fact, row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_strategies import encounters

from amparo.rules.us import US_PACK, treaties


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return value


def _differences(parsed: list[Any], as_of: dt.date | None = None) -> list[tuple[str, str, Any, Any]]:
    frame = US_PACK.extract_fact_columns(US_PACK.documents_frame(parsed), as_of)
    out = []
    for encounter, row in zip(parsed, frame.iter_rows(named=True), strict=True):
        dates = US_PACK.read_dates(encounter, as_of)
        assert row["_read_on"] == dates.read_on
        assert {k: row[f"_anchor.{k}"] for k in dates.anchors} == dict(dates.anchors)
        for name, value in US_PACK.extract_facts(encounter, dates).items():
            if name not in row or _plain(value) != row[name]:
                out.append((encounter.id, name, value, row.get(name)))
    return out


def test_synthetic_encounters(synthetic: Any) -> None:
    from amparo.batch.columns import documents_of

    parsed = [US_PACK.parse(d) for d in documents_of(synthetic.head(1500))]
    assert _differences(parsed) == []
    assert _differences(parsed[:300], dt.date(2023, 5, 12)) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(encounters(), min_size=1, max_size=30))
def test_generated_encounters(documents: list[dict[str, Any]]) -> None:
    parsed = []
    for document in documents:
        try:
            encounter = US_PACK.parse(document)
            US_PACK.read_dates(encounter, None)
        except Exception:  # invalid documents are the single evaluator's (tested in test_agreement)
            continue
        parsed.append(encounter)
    if parsed:
        assert _differences(parsed) == []


def test_a_row_the_columns_cannot_vouch_for_is_marked() -> None:
    """Rows parse or read_dates might refuse are marked, for the single evaluator to read."""
    early = US_PACK.parse(
        {
            "id": "E-1",
            "encountered_on": "2019-03-01",
            "place": {"border": "southwest_land", "manner": "between_ports"},
            "person": {"nationalities": ["GT"]},
        }
    )
    frame = US_PACK.documents_frame([early])
    assert US_PACK.extract_fact_columns(frame, None)["_vouched"].to_list() == [True]
    assert US_PACK.extract_fact_columns(frame, dt.date(2017, 1, 1))["_vouched"].to_list() == [False]
    bad = frame.with_columns(frame["id"].str.replace("E-1", ""))
    assert US_PACK.extract_fact_columns(bad, None)["_vouched"].to_list() == [False]


def test_a_state_that_is_not_a_country_code_is_read_in_columns() -> None:
    """Encounter v1's ``place.state`` is two upper-case letters; the columns vouched only for a
    country code (CA, AZ), so every Texas or New Mexico encounter — most of the southwest border —
    was screened one by one: ``impact`` over a million synthetic encounters took 324 s, not 5."""
    document = {
        "id": "E-1",
        "encountered_on": "2019-08-20",
        "place": {"border": "southwest_land", "manner": "between_ports", "state": "TX"},
        "person": {"nationalities": ["HN"]},
        "route": [{"country": "GT"}, {"country": "MX"}],
    }
    frame = US_PACK.documents_frame([US_PACK.parse(document)])
    for state, vouched in (("TX", True), ("NM", True), ("CA", True), ("tx", False), ("TEX", False)):
        given = frame.with_columns(pl.col("place").struct.with_fields(pl.lit(state).alias("state")))
        assert US_PACK.extract_fact_columns(given, None)["_vouched"].to_list() == [vouched], state


def test_only_the_facts_a_plan_reads_are_given_with_the_same_values(synthetic: Any) -> None:
    """``extract_fact_columns(..., facts)``: the facts asked for (and the anchor and check columns)
    have the values of the whole extraction; facts no rule reads are left out."""
    from amparo.batch.plan import compile_plan

    plan = compile_plan(US_PACK.law_book(), US_PACK.program)
    frame = synthetic.head(3000)
    whole = US_PACK.extract_fact_columns(frame, None)
    only = US_PACK.extract_fact_columns(frame, None, plan.facts)
    assert plan.facts <= set(only.columns)
    assert {"third_countries_transited", "fear_countries", "family_members"}.isdisjoint(only.columns)
    assert {"third_countries_transited", "fear_countries", "family_members"} <= set(whole.columns)
    assert only.equals(whole.select(only.columns))


def test_every_zone_a_place_can_have_is_among_the_zones_the_columns_know() -> None:
    from types import SimpleNamespace

    from amparo.rules.us import places

    locations = [None, "somewhere else", *(n for names, _ in places._LOCATION_ZONE for n in names)]
    states = [None, "ZZ", *places._STATE_ZONE]
    for location in locations:
        for state in states:
            stub: Any = SimpleNamespace(place=SimpleNamespace(location=location, state=state))
            assert places.place_zone(stub) in {*places.ZONES, None}, (location, state)


def test_dates_of_entry_on_either_side_of_a_treaty_date_give_the_single_facts(monkeypatch: Any) -> None:
    """The route's facts are computed once per distinct route with each date of entry read as the
    treaty period it falls in: days on either side of an accession (Mexico's to the Protocol,
    2000-06-07; the CAT's for Guyana, 1988-05-19) still give the single extraction's facts, and
    routes whose days differ only within one period are computed once."""
    import bisect

    from amparo.engine.per_distinct import DistinctMemo
    from amparo.rules.us import fact_groups

    days = ["2000-06-06", "2000-06-07", "2000-06-08", "1988-05-18", "1988-05-19", "2019-01-02", None]
    pairs = [(mx, gy) for mx in days for gy in days]
    parsed = []
    for i, (mx, gy) in enumerate(pairs):
        route: list[dict[str, Any]] = [{"country": "GY"}, {"country": "MX"}]
        if gy is not None:
            route[0]["entered_on"] = gy
        if mx is not None:
            route[1]["entered_on"] = mx
        document = {
            "id": f"E-{i}",
            "encountered_on": "2019-08-20",
            "place": {"border": "southwest_land", "manner": "between_ports"},
            "person": {"nationalities": ["CU"]},
            "route": route,
        }
        parsed.append(US_PACK.parse(document))
    assert _differences(parsed) == []

    computed: list[int] = []
    route_table = fact_groups._route_table

    def counted(table: Any) -> Any:
        computed.append(table.height)
        return route_table(table)

    monkeypatch.setattr(fact_groups, "_route_table", counted)
    frame = US_PACK.documents_frame(parsed)
    facts = fact_groups.route_facts(frame, pl.lit("southwest_land"), pl.lit("MX"), DistinctMemo())
    assert facts.height == len(pairs)

    def period(day: str | None) -> int | None:
        treaty_dates = sorted({d for p in treaties.TABLE.values() for d in (p.refugee, p.cat) if d})
        return None if day is None else bisect.bisect_right(treaty_dates, dt.date.fromisoformat(day))

    assert computed == [len({(period(mx), period(gy)) for mx, gy in pairs})]
    assert computed[0] < len(pairs)
