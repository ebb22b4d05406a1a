"""Real-time 1-vs-N: score one new record against candidate records with a trained model.

No batch is re-run: the saved model (m, u, lambda) is applied to the new record and each
candidate, by the model compiled to Python (:mod:`amparo.identity.compiled`, microseconds a
pair) or by Splink's ``compare_records`` on DuckDB (:meth:`RealtimeScorer.score_with_splink`,
the reference, ~30 ms a call). Term frequencies come from the tables saved with the model, so
a record scores as it would in the batch run that trained the model.
Each result explains itself: the level of every comparison and its match weight.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from amparo.identity.linkage import TF_COLUMNS, load_default_model, new_db_api


@dataclass(frozen=True)
class FieldEvidence:
    """How one comparison came out: its level, and the match weight (log2 Bayes factor) it adds."""

    comparison: str
    level: str
    match_weight: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "level": self.level,
            "match_weight": round(self.match_weight, 3),
        }


@dataclass(frozen=True)
class ScoredCandidate:
    """One candidate's score against the new record, with its explanation."""

    record_id: str
    match_probability: float
    match_weight: float
    evidence: list[FieldEvidence] = field(default_factory=list)

    def with_prior(self, prior: float, model_prior: float) -> ScoredCandidate:
        """The same evidence under another prior match probability (replacing the model's)."""
        weight = max(-1000.0, min(1000.0, self.match_weight - _log2_odds(model_prior) + _log2_odds(prior)))
        return replace(self, match_weight=weight, match_probability=1.0 / (1.0 + 2.0 ** (-weight)))

    @property
    def agreed(self) -> list[str]:
        """The comparisons that counted for the match (positive weight)."""
        return [e.comparison for e in self.evidence if e.match_weight > 0]


class RealtimeScorer:
    """A trained model ready to score new records one at a time (thread-safe)."""

    def __init__(
        self, model: dict[str, Any], threshold: float, term_frequencies: dict[str, dict[str, float]]
    ) -> None:
        self.model = dict(model)
        self.model["link_type"] = "link_only"
        self.model["retain_intermediate_calculation_columns"] = True
        self.threshold = threshold
        self.term_frequencies = term_frequencies
        self._tf_floor = {c: min(t.values()) for c, t in term_frequencies.items() if t}
        self._labels = _level_labels(self.model)
        self._db_api = new_db_api()
        self._lock = threading.Lock()
        self._cache_key = f"amparo-realtime-{id(self)}"
        self._compiled: Any = None
        #: The prior match probability of two records the model was trained with (lambda).
        self.prior = float(self.model["probability_two_random_records_match"])

    @classmethod
    def default(cls) -> RealtimeScorer:
        """The scorer of the shipped model (trained on a synthetic population)."""
        model, threshold, tf = load_default_model()
        return cls(model, threshold, tf)

    def _with_tf(self, record: dict[str, Any], source: str) -> dict[str, Any]:
        row = dict(record)
        row["source_dataset"] = source
        for column in TF_COLUMNS:
            value = row.get(column)
            table = self.term_frequencies.get(column, {})
            row[f"tf_{column}"] = (
                None if value is None else table.get(str(value), self._tf_floor.get(column, 1e-6))
            )
        return row

    def score(self, record: dict[str, Any], candidates: list[dict[str, Any]]) -> list[ScoredCandidate]:
        """Score ``record`` (normalised) against each candidate, best first (compiled model)."""
        if self._compiled is None:
            from amparo.identity.compiled import CompiledModel

            self._compiled = CompiledModel(self.model)
        compiled = self._compiled
        left = self._with_tf(record, "new")
        scored = []
        for candidate in candidates:
            weight, parts = compiled.compare(left, self._with_tf(candidate, "known"))
            weight = max(-1000.0, min(1000.0, weight))
            scored.append(
                ScoredCandidate(
                    str(candidate["unique_id"]),
                    1.0 / (1.0 + 2.0 ** (-weight)),
                    weight,
                    [
                        FieldEvidence(name, level.label if level.gamma >= 0 else "missing on one side", w)
                        for name, level, w in parts
                    ],
                )
            )
        return sorted(scored, key=lambda s: (-s.match_probability, s.record_id))

    def score_with_splink(
        self, record: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> list[ScoredCandidate]:
        """Score through Splink's ``compare_records`` on DuckDB (the reference; ~30 ms a call)."""
        if not candidates:
            return []
        from splink.internals.realtime import compare_records

        left = self._with_tf(record, "new")
        right = [self._with_tf(c, "known") for c in candidates]
        with self._lock:
            frame = compare_records(left, right, self.model, self._db_api, sql_cache_key=self._cache_key)
            rows = frame.as_record_list()
            frame.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
            self._drop_inputs()
        scored = [self._explain(row) for row in rows]
        return sorted(scored, key=lambda s: (-s.match_probability, s.record_id))

    def _drop_inputs(self) -> None:
        """Drop the per-call input tables compare_records leaves in DuckDB."""
        con = self._db_api.duckdb_con
        names = con.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_name like '__splink__compare_records_%'"
        ).fetchall()
        for name, kind in names:
            con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists "{name}"')

    def _explain(self, row: dict[str, Any]) -> ScoredCandidate:
        evidence: list[FieldEvidence] = []
        for name, labels in self._labels.items():
            gamma = row.get(f"gamma_{name}")
            if gamma is None:
                continue
            weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
            evidence.append(FieldEvidence(name, labels.get(int(gamma), str(gamma)), weight))
        return ScoredCandidate(
            str(row["unique_id_r"]), float(row["match_probability"]), float(row["match_weight"]), evidence
        )


def _log2_odds(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """gamma value → level label for each comparison (null level -1, else level 0)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        labels = {len(levels) - 1 - i: str(lv.get("label_for_charts", "")) for i, lv in enumerate(levels)}
        labels[-1] = "missing on one side"
        out[comparison["output_column_name"]] = labels
    return out


_default: RealtimeScorer | None = None
_default_lock = threading.Lock()


def default_scorer() -> RealtimeScorer:
    """The process-wide scorer of the shipped model (built once)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = RealtimeScorer.default()
        return _default
