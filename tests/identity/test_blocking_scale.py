"""Blocking rules by scale, and a trained model carried to another backend with all its rules."""

from __future__ import annotations

import re

import pytest
from benchmarks.identity_blocking import candidate_rules, choose

from amparo.errors import LinkageError
from amparo.identity.linkage import load_default_model
from amparo.identity.model import (
    NATIONAL_PREDICTION_BLOCKS,
    PREDICTION_BLOCKS,
    blocking_rules,
    for_dialect,
)


def _rules(settings: dict[str, object]) -> list[str]:
    rules = settings["blocking_rules_to_generate_predictions"]
    assert isinstance(rules, list)
    return [str(r["blocking_rule"]) for r in rules]


def _columns(rule: str) -> set[str]:
    return set(re.findall(r'l\.[`"]?(\w+)', rule))


def test_the_model_on_another_backend_keeps_every_blocking_rule_it_was_saved_with() -> None:
    # Rules on the second given name, the second surname or a part of the birth date were
    # dropped before: the columns a comparison reads were taken to be its first one only.
    model = load_default_model()[0]
    saved = _rules(model)
    assert _rules(for_dialect(model, "duckdb", "dedupe_only")) == saved
    assert any("given_2" in rule for rule in saved) and any("dob_year" in rule for rule in saved)
    spark = _rules(for_dialect(model, "spark", "dedupe_only"))
    assert [_columns(r) for r in spark] == [_columns(r) for r in saved]


def test_national_rules_are_the_national_blocks_and_keep_the_comparisons() -> None:
    model = load_default_model()[0]
    national = for_dialect(model, "duckdb", "dedupe_only", scale="national")
    assert [_columns(r) for r in _rules(national)] == [set(b) for b in NATIONAL_PREDICTION_BLOCKS]
    standard = for_dialect(model, "duckdb", "dedupe_only")
    assert national["comparisons"] == standard["comparisons"]
    # Each national rule is a standard rule with at most one column (a date's parts: one) more.
    widened = [set(rule) for rule in candidate_rules(PREDICTION_BLOCKS)]
    for block in NATIONAL_PREDICTION_BLOCKS:
        assert set(block) in widened, block


def test_an_unknown_scale_is_refused_by_name() -> None:
    with pytest.raises(LinkageError, match="standard, national.*'regional'"):
        blocking_rules(scale="regional")


def test_choose_takes_the_best_yield_first_and_drops_what_later_rules_keep() -> None:
    a, b, c, d = ("a",), ("b",), ("c",), ("d",)
    kept = {
        a: frozenset(range(100)),  # 100 links for 1,000 pairs
        b: frozenset(range(150)),  # keeps all of a's and 50 more, for 1,100 pairs
        c: frozenset(range(150, 180)),  # 30 links for 100,000 pairs: below the yield
        d: frozenset(range(180, 300)),  # 120 links for 500 pairs
    }
    cost = {a: 1_000, b: 1_100, c: 100_000, d: 500}
    chosen = choose(kept, cost, min_yield=0.001)
    assert [rule for rule, _, _ in chosen] == [d, b]
    assert [gain for _, gain, _ in chosen] == [120, 150]
    assert choose(kept, cost, min_yield=0.0001)[-1] == (c, 30, 100_000)
