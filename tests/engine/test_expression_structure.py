"""``structure``: expressions compare by identity (``==`` builds a comparison), so telling two
separately written conditions alike needs their structure."""

from __future__ import annotations

import datetime as dt

import pytest

from amparo.engine.expr import Fact, IsIn, Lit, fact, structure


def test_separately_built_expressions_with_one_meaning_have_one_structure() -> None:
    first = (fact("age") < 18) & fact("nationalities").contains("GT")
    second = (fact("age") < 18) & fact("nationalities").contains("GT")
    assert first is not second
    assert structure(first) == structure(second)
    assert hash(structure(first)) == hash(structure(second))


@pytest.mark.parametrize(
    "other",
    [
        (fact("age") <= 18) & fact("nationalities").contains("GT"),  # another operator
        (fact("age") < 17) & fact("nationalities").contains("GT"),  # another constant
        (fact("years") < 18) & fact("nationalities").contains("GT"),  # another fact
        fact("nationalities").contains("GT") & (fact("age") < 18),  # another order
        (fact("age") < 18) | fact("nationalities").contains("GT"),  # another fold
    ],
)
def test_expressions_that_differ_have_different_structures(other: object) -> None:
    assert structure((fact("age") < 18) & fact("nationalities").contains("GT")) != structure(other)


def test_constants_keep_their_type() -> None:
    assert structure(Lit(True)) != structure(Lit(1))
    assert structure(IsIn(Fact("v"), frozenset({1}))) != structure(IsIn(Fact("v"), frozenset({True})))
    assert structure(Lit(dt.date(2024, 1, 1))) == structure(Lit(dt.date(2024, 1, 1)))
    assert structure("fast") != structure(Lit("fast"))


def test_an_unhashable_constant_is_refused() -> None:
    with pytest.raises(TypeError):
        structure(Lit(["a", "list"]))
