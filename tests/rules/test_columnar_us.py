"""Row-by-row and columnar evaluation of the same rule conditions agree on every rule of the US pack."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from benchmarks.encounter_factory import encounters

from amparo.encounter import parse_encounter
from amparo.engine.columnar import to_polars
from amparo.engine.expr import Expr
from amparo.rules.us import law_book
from amparo.rules.us.facts import extract_facts

_ENRICHED = (
    "unaccompanied_child",
    "title42_expulsion",
    "aca_removal",
    "bar_transit_2019",
    "bar_lawful_pathways_2023",
    "bar_securing_border_2024",
    "bar_entry_proclamation_2018",
)


def _facts_rows(n: int) -> list[dict[str, Any]]:
    rows = []
    for i, doc in enumerate(encounters(n, seed=5)):
        encounter = parse_encounter(doc)
        facts = extract_facts(encounter, encounter.adjudicated_on or encounter.encountered_on)
        for j, name in enumerate(_ENRICHED):  # results of earlier steps, varied
            facts[name] = (i + j) % 3 == 0
        rows.append(facts)
    return rows


def _expressions() -> list[tuple[str, Expr]]:
    out: list[tuple[str, Expr]] = []
    for rule in law_book().rules.values():
        for version in rule.versions:
            out.append((f"{rule.id}/{version.version}/applies", version.applies))
            out += [(f"{rule.id}/{version.version}/unless {x.id}", x.when) for x in version.exceptions]
            out += [(f"{rule.id}/{version.version}/case {k}", c.when) for k, c in enumerate(version.cases)]
            out += [(f"{rule.id}/{version.version}/flag {f.flag}", f.when) for f in version.flags]
    return out


ROWS = _facts_rows(400)


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    columns: dict[str, list[Any]] = {k: [r[k] for r in rows] for k in rows[0]}
    schema: dict[str, Any] = {}
    for name, values in columns.items():
        sample = next((v for v in values if v is not None), None)
        if isinstance(sample, tuple) or name in {
            "nationalities",
            "own_countries",
            "third_countries_transited",
            "fear_countries",
            "fear_stated_countries",
            "mltn_harm_in",
            "reasonable_possibility_harm_in",
        }:
            columns[name] = [list(v) for v in values]
            schema[name] = pl.List(pl.String)
        elif isinstance(sample, dt.datetime):
            schema[name] = pl.Datetime("us", "UTC")
    return pl.DataFrame(columns, schema_overrides=schema, strict=False)


@pytest.mark.parametrize(("label", "expr"), _expressions(), ids=lambda x: x if isinstance(x, str) else "")
def test_row_and_columnar_agree(label: str, expr: Expr) -> None:
    frame = _frame(ROWS)
    columnar = frame.with_columns(to_polars(expr).alias("out"))["out"].to_list()
    rowwise = [bool(expr.evaluate(row)) for row in ROWS]
    assert columnar == rowwise, label
