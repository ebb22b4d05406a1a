"""Small Polars building blocks of the US pack's column-wise facts: encounter v1's columns, country
checks, boolean folds."""

from __future__ import annotations

import string
from typing import Any

from amparo.engine.columnar import polars_module as pl_module
from amparo.iso_countries import iso_alpha2


def field(column: str, name: str) -> Any:
    return pl_module().col(column).struct.field(name)


def flag(column: str, name: str) -> Any:
    return field(column, name).fill_null(False)


def countries(expr: Any) -> Any:
    """A list of countries, empty where the list is absent."""
    pl = pl_module()
    return expr.fill_null(pl.lit([], dtype=pl.List(pl.String)))


def is_country(expr: Any) -> Any:
    """An ISO 3166-1 alpha-2 code (every one is two upper-case letters: no pattern to check)."""
    return expr.is_in(sorted(iso_alpha2()))


def country_ok(expr: Any) -> Any:
    return expr.is_null() | is_country(expr)


#: Every text ``^[A-Z]{2}$`` matches (676): a set look-up is a quarter of a pattern's cost.
_TWO_LETTERS = tuple(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase)


def us_state_ok(expr: Any) -> Any:
    """Absent, or two upper-case letters (encounter v1's ``place.state``; ``UsState`` in the model:
    the pattern ``^[A-Z]{2}$``, no list of states)."""
    return expr.is_null() | expr.is_in(_TWO_LETTERS)


def all_countries_ok(expr: Any) -> Any:
    pl = pl_module()
    bad = expr.list.eval(pl.element().is_null() | ~is_country(pl.element())).list.any()
    return expr.is_null() | ~bad.fill_null(False)
