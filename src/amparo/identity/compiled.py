"""A trained Splink model compiled to plain Python, for scoring one record in microseconds.

Splink's ``compare_records`` builds DuckDB tables and runs SQL for every call (about 30 ms);
at intake that is most of a request's budget. Here each comparison level's SQL condition is
parsed once (sqlglot, which Splink itself uses) into a small evaluator with SQL's three-valued
logic, and the level weights come from Splink's own settings object (log2 Bayes factors, term
frequency adjustment with the exact-match u and the minimum u), so the scores are Splink's.
The tests check them against Splink's batch predictions to 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from amparo.errors import LinkageError

Row = Mapping[str, Any]
Predicate = Callable[[Row, Row], Any]


def _side(name: str) -> tuple[str, str]:
    if name.endswith("_l"):
        return "l", name[:-2]
    if name.endswith("_r"):
        return "r", name[:-2]
    raise LinkageError(f"column {name!r} in a comparison is neither _l nor _r")


def _and(values: list[Any]) -> Any:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: list[Any]) -> Any:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _compile(node: Any) -> Predicate:
    """A Python function of (left, right) rows computing the SQL expression ``node``."""
    from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _compile(node.this)
    if isinstance(node, exp.Column):
        side, column = _side(node.name)
        return (lambda lt, rt: lt.get(column)) if side == "l" else (lambda lt, rt: rt.get(column))
    if isinstance(node, exp.Literal):
        value: Any = node.this if node.is_string else float(node.this)
        return lambda lt, rt: value
    if isinstance(node, exp.Null):
        return lambda lt, rt: None
    if isinstance(node, exp.Is):
        inner = _compile(node.this)
        return lambda lt, rt: inner(lt, rt) is None
    if isinstance(node, exp.Not):
        inner = _compile(node.this)
        return lambda lt, rt: None if (v := inner(lt, rt)) is None else not v
    if isinstance(node, (exp.And, exp.Or)):
        parts = [_compile(node.left), _compile(node.right)]
        combine = _and if isinstance(node, exp.And) else _or
        return lambda lt, rt: combine([p(lt, rt) for p in parts])
    binary: dict[type[Any], Callable[[Any, Any], Any]] = {
        exp.EQ: lambda a, b: a == b,
        exp.NEQ: lambda a, b: a != b,
        exp.GTE: lambda a, b: a >= b,
        exp.GT: lambda a, b: a > b,
        exp.LTE: lambda a, b: a <= b,
        exp.LT: lambda a, b: a < b,
        exp.Sub: lambda a, b: a - b,
        exp.Add: lambda a, b: a + b,
    }
    for kind, op in binary.items():
        if isinstance(node, kind):
            binary_node: Any = node
            left, right = _compile(binary_node.left), _compile(binary_node.right)

            def apply(
                lt: Row, rt: Row, left: Predicate = left, right: Predicate = right, op: Any = op
            ) -> Any:
                a, b = left(lt, rt), right(lt, rt)
                return None if a is None or b is None else op(a, b)

            return apply
    if isinstance(node, exp.Abs):
        inner = _compile(node.this)
        return lambda lt, rt: None if (v := inner(lt, rt)) is None else abs(v)
    name = (node.name if isinstance(node, exp.Anonymous) else type(node).__name__).lower()
    measures: dict[str, Callable[[str, str], float]] = {
        "jarowinklersimilarity": JaroWinkler.similarity,
        "jaro_winkler_similarity": JaroWinkler.similarity,
        "levenshtein": Levenshtein.distance,
        "damerau_levenshtein": DamerauLevenshtein.distance,
    }
    if name in measures:
        args = [node.this, node.expression] if not isinstance(node, exp.Anonymous) else list(node.expressions)
        a_fn, b_fn = _compile(args[0]), _compile(args[1])
        measure = measures[name]

        def distance(lt: Row, rt: Row) -> Any:
            a, b = a_fn(lt, rt), b_fn(lt, rt)
            return None if a is None or b is None else measure(a, b)

        return distance
    raise LinkageError(f"comparison SQL not supported by the compiled scorer: {node.sql()}")


@dataclass(frozen=True)
class Level:
    """One compiled comparison level."""

    gamma: int
    label: str
    predicate: Predicate | None  # None: the ELSE level
    log2_bf: float
    tf_column: str | None
    tf_weight: float
    log2_u_exact: float
    tf_min_u: float


@dataclass(frozen=True)
class CompiledComparison:
    """A comparison: its output name and its levels, best first."""

    name: str
    levels: list[Level]


class CompiledModel:
    """The model's comparisons and prior as Python callables and numbers."""

    def __init__(self, model: dict[str, Any]) -> None:
        import sqlglot
        from splink.internals.settings_creator import SettingsCreator

        settings = SettingsCreator.from_path_or_dict(dict(model)).get_settings("duckdb")
        lam = float(settings._probability_two_random_records_match)
        self.prior_weight = math.log2(lam / (1.0 - lam))
        self.comparisons: list[CompiledComparison] = []
        for comparison in settings.comparisons:
            levels: list[Level] = []
            for level in comparison.comparison_levels:
                sql = level.sql_condition.strip()
                predicate = None if sql.upper() == "ELSE" else _compile(sqlglot.parse_one(sql, read="duckdb"))
                tf_column = level._tf_adjustment_input_column_name if level._has_tf_adjustments else None
                u_exact = (
                    level._u_probability_corresponding_to_exact_match(comparison.comparison_levels)
                    if tf_column
                    else 1.0
                )
                levels.append(
                    Level(
                        gamma=int(level.comparison_vector_value),
                        label=str(level.label_for_charts),
                        predicate=predicate,
                        log2_bf=0.0 if level.is_null_level else float(level._log2_bayes_factor),
                        tf_column=str(tf_column) if tf_column else None,
                        tf_weight=float(level._tf_adjustment_weight or 0.0),
                        log2_u_exact=math.log2(u_exact),
                        tf_min_u=float(level._tf_minimum_u_value or 0.0),
                    )
                )
            self.comparisons.append(CompiledComparison(comparison.output_column_name, levels))

    def compare(self, left: Row, right: Row) -> tuple[float, list[tuple[str, Level, float]]]:
        """Total match weight (prior included) and, per comparison, the level and its weight."""
        total = self.prior_weight
        parts: list[tuple[str, Level, float]] = []
        for comparison in self.comparisons:
            for level in comparison.levels:
                if level.predicate is None or level.predicate(left, right) is True:
                    weight = level.log2_bf + self._tf_adjustment(level, left, right)
                    total += weight
                    parts.append((comparison.name, level, weight))
                    break
        return total, parts

    @staticmethod
    def _tf_adjustment(level: Level, left: Row, right: Row) -> float:
        if level.tf_column is None or level.tf_weight == 0.0:
            return 0.0
        tf_l: Any = left.get(f"tf_{level.tf_column}")
        tf_r: Any = right.get(f"tf_{level.tf_column}")
        if tf_l is None and tf_r is None:
            return 0.0
        a = float(tf_l if tf_l is not None else tf_r)
        b = float(tf_r if tf_r is not None else tf_l)
        return level.tf_weight * (level.log2_u_exact - math.log2(max(a, b, level.tf_min_u)))
