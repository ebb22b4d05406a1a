"""The Polars form of a column plan: a test asked in several places computed once, list columns
packed into bit words, text switches built on small codes; each gives what row evaluation gives."""

from __future__ import annotations

import random
from typing import Any

import polars as pl

from amparo.batch.plan import Assign, Collect, Plan, Switch
from amparo.batch.polars_backend import (
    SHARED_TEST,
    compile_stages,
    decode_lists,
    run_plan,
    shared_tests,
)
from amparo.engine.expr import And, Compare, Contains, Expr, Fact, Intersects, IsIn, Lit, Not, Or

NATIONALITIES = Fact("nationalities")
MX = Contains(NATIONALITIES, Lit("MX"))
NORTHERN = Intersects(NATIONALITIES, Lit(frozenset({"SV", "HN", "GT"})))
LAND = Compare("==", Fact("border"), Lit("southwest_land"))


def _facts(n: int, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    codes = ["MX", "GT", "HN", "SV", "VE", "CU"]
    return pl.DataFrame(
        {
            "nationalities": [
                None if rng.random() < 0.1 else rng.sample(codes, rng.randint(0, 2)) for _ in range(n)
            ],
            "border": [rng.choice(["southwest_land", "coastal", None]) for _ in range(n)],
            "state": [rng.choice(["AZ", "CA", "TX", None]) for _ in range(n)],
            **{f"b{i}": [rng.random() < 0.3 for _ in range(n)] for i in range(70)},
        },
        schema_overrides={"nationalities": pl.List(pl.String)},
    )


def _plan(columns: list[tuple[str, Any, Any]], *stages: list[tuple[str, Any, Any]]) -> Plan:
    return Plan(
        stages=tuple(Assign(tuple(stage)) for stage in (columns, *stages)),
        summary_keys=(),
        summary_types={},
        flag_ids=(),
        rules=(),
    )


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


def _bool(expr: Expr, row: dict[str, Any]) -> bool:
    try:
        return bool(expr.evaluate(row))
    except TypeError:  # a comparison with a missing value is false, as in the columnar meaning
        return False


def test_a_test_asked_in_several_columns_is_computed_once_and_agrees_with_rows() -> None:
    in_az_ca = IsIn(Fact("state"), frozenset({"AZ", "CA"}))
    plan = _plan(
        [
            ("a", And((MX, LAND)), "bool"),
            ("b", Or((Not(MX), NORTHERN, in_az_ca)), "bool"),
            ("c", Switch(((And((NORTHERN, LAND)), Lit(1)), (MX, Lit(2))), Lit(0), "int"), None),
        ],
        [("d", And((Fact("a"), NORTHERN, Not(in_az_ca))), "bool")],
    )
    shared = shared_tests(plan)
    assert sorted(key[0] for key in shared) == ["compare", "contains", "intersects", "is_in"]
    stages = compile_stages(plan)
    assert sorted(e.meta.output_name() for e in stages[0]) == [f"{SHARED_TEST}{k}" for k in range(4)]

    facts = _facts(500)
    out = run_plan(plan, facts, stages).collect()
    for row, got in zip(_rows(facts), out.iter_rows(named=True), strict=True):
        a = _bool(MX, row) and _bool(LAND, row)
        assert got["a"] == a
        assert got["b"] == (not _bool(MX, row) or _bool(NORTHERN, row) or _bool(in_az_ca, row))
        assert got["c"] == (1 if _bool(NORTHERN, row) and _bool(LAND, row) else 2 if _bool(MX, row) else 0)
        assert got["d"] == (a and _bool(NORTHERN, row) and not _bool(in_az_ca, row))


def test_a_test_of_a_column_the_plan_sets_is_not_moved_before_it() -> None:
    set_here = Contains(Fact("picked"), Lit("MX"))
    plan = _plan(
        [("picked", Fact("nationalities"), None)],
        [("x", set_here, "bool"), ("y", Not(set_here), "bool")],
    )
    assert shared_tests(plan) == {}
    out = run_plan(plan, _facts(50), compile_stages(plan)).collect()
    assert (out["x"] != out["y"]).all()


def test_a_list_of_seventy_constants_is_decoded_from_its_bit_words() -> None:
    items = tuple((Fact(f"b{i}"), f"id{i:02d}") for i in range(70))  # two words, every byte used
    plan = _plan([("ids", Collect(items, "first"), None)])
    facts = _facts(300)
    frame = run_plan(plan, facts, compile_stages(plan)).collect()
    assert "ids#1" in frame.columns
    decoded = decode_lists(frame, plan, {"ids": "ids"})
    for row, got in zip(facts.iter_rows(named=True), decoded["ids"].to_list(), strict=True):
        assert got == [f"id{i:02d}" for i in range(70) if row[f"b{i}"]]


def test_a_switch_between_text_constants_gives_text() -> None:
    column = Switch(((MX, Lit("mexican")), (LAND, Lit("land"))), Lit(None), "str")
    plan = _plan([("kind", column, "str")])
    facts = _facts(200)
    out = run_plan(plan, facts, compile_stages(plan)).collect()
    assert out.schema["kind"] == pl.String
    for row, got in zip(_rows(facts), out["kind"].to_list(), strict=True):
        assert got == ("mexican" if _bool(MX, row) else "land" if _bool(LAND, row) else None)


def _first_match(column: Switch, row: dict[str, Any]) -> Any:
    for condition, value in column.branches:
        if _bool(condition, row):
            return value.evaluate(row)
    return column.otherwise.evaluate(row)


def test_a_switch_over_a_rules_versions_tests_each_version_once_and_keeps_the_first_match() -> None:
    """Twenty-seventh round: branches that open with their rule's version are chained by version,
    each chain over the rest of the conditions. A version whose branches may all fail falls to
    ``otherwise`` (not to another version's branches), a row with no version too; versions asked
    in two places keep the plain chain (their order decides)."""
    vi = Fact("_vi.r")

    def here(*versions: int) -> Expr:
        return Compare("==", vi, Lit(versions[0])) if len(versions) == 1 else IsIn(vi, frozenset(versions))

    hoisted = Switch(
        (
            (And((here(0), MX)), Lit("mexican")),
            (And((here(0), LAND, Fact("b1"))), Lit("land")),  # version 0: no unconditional branch
            (And((here(1, 3), NORTHERN)), Lit("northern")),
            (here(1, 3), Lit("other")),
            (And((here(1, 3), MX)), Lit("never")),  # after the version's unconditional branch
            (And((here(2), Fact("b2"))), Lit("b2")),
        ),
        Lit("none"),
        "str",
    )
    overlapping = Switch(
        ((And((here(0), MX)), Lit("mexican")), (And((here(1), LAND)), Lit("land")), (here(0, 1), Lit("any"))),
        Lit("none"),
        "str",
    )
    plan = _plan([("h", hoisted, "str"), ("o", overlapping, "str")])
    facts = _facts(2_000).with_columns(
        pl.Series("_vi.r", [None if k % 11 == 0 else k % 5 for k in range(2_000)], dtype=pl.UInt16)
    )
    out = run_plan(plan, facts, compile_stages(plan)).collect()
    for row, got in zip(_rows(facts), out.iter_rows(named=True), strict=True):
        assert got["h"] == _first_match(hoisted, row), row
        assert got["o"] == _first_match(overlapping, row), row
    assert set(out["h"]) == {"mexican", "land", "northern", "other", "b2", "none"}
    assert set(out["o"]) == {"mexican", "land", "any", "none"}


def _mpp_blocked_day_by_day(blocks: int) -> Any:
    """The US pack with ``blocks`` one-day blocks of MPP, a week apart from 2019-06-10."""
    import datetime as dt

    from amparo.batch.change_file import RuleChange
    from amparo.batch.overlay import overlay
    from amparo.rules.us import US_PACK

    start = dt.date(2019, 6, 10)
    changes = [
        {
            "block": {"rule": "mpp"},
            "from": (start + dt.timedelta(days=7 * k)).isoformat(),
            "to": (start + dt.timedelta(days=7 * k + 1)).isoformat(),
        }
        for k in range(blocks)
    ]
    return overlay(US_PACK, RuleChange.model_validate({"changes": changes}))


def test_a_rule_of_many_versions_finds_its_version_by_one_search_as_the_chain_does() -> None:
    """Twenty-fourth round: a change file of many short blocks gave a rule thousands of versions,
    and Polars' cost for the ``when/then`` chain of its version index grew with the square of its
    length (2,000 blocks: 132 s and 16.7 GB for 600 documents)."""
    import datetime as dt

    from amparo.batch.plan import compile_plan
    from amparo.batch.polars_backend import SEARCHED_VERSIONS, _compile, _version_search

    pack = _mpp_blocked_day_by_day(120)
    plan = compile_plan(pack.law_book(), pack.program)
    switch = next(c for stage in plan.stages for name, c, _ in stage.columns if name == "_vi.mpp")
    assert isinstance(switch, Switch) and len(switch.branches) >= SEARCHED_VERSIONS
    searched = _version_search(switch)
    assert searched is not None
    edges = sorted(
        {v.valid_from for v in pack.law_book().rules["mpp"].versions}
        | {v.valid_to for v in pack.law_book().rules["mpp"].versions if v.valid_to is not None}
    )
    days = [d + dt.timedelta(days=k) for d in edges for k in (-1, 0, 1)] + [dt.date(1900, 1, 1), None]
    frame = pl.DataFrame({"_anchor.encountered_on": days}, schema={"_anchor.encountered_on": pl.Date})
    chain = _compile(Switch(switch.branches, switch.otherwise, None), "version", {})  # no search: a chain
    got = frame.select(searched.alias("searched"), chain.cast(pl.UInt16).alias("chain"))
    assert got["searched"].to_list() == got["chain"].to_list()
    assert got["searched"].null_count() == 3  # the day before the first version, 1900, and no date
    # the pack's own rules keep the chain
    from amparo.rules.us import US_PACK

    own = compile_plan(US_PACK.law_book(), US_PACK.program)
    assert not any(
        _version_search(c) is not None
        for stage in own.stages
        for _, c, _ in stage.columns
        if isinstance(c, Switch)
    )


def test_many_short_blocks_are_screened_in_columns_as_one_by_one(synthetic: Any) -> None:
    from agreement import disagreements

    from amparo.batch.columns import documents_of
    from amparo.batch.runner import BatchScreener

    pack = _mpp_blocked_day_by_day(400)
    frame = synthetic.filter(pl.col("encountered_on").dt.year() <= 2021).head(400)
    out = BatchScreener(pack, verify_sample=0).screen_frame(frame).to_dicts()
    assert disagreements(documents_of(frame), out, pack) == []
