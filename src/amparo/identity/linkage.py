"""Batch linkage: train the model on the data (EM), score the blocked pairs, choose a threshold.

:func:`link_records` is what ``amparo link`` runs; it also serves the benchmark and the
shipped default model (trained on a synthetic population, used at intake).
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amparo.errors import LinkageError
from amparo.identity import model as fs
from amparo.identity.names import MODEL_COLUMNS

#: Below this many records EM has too few pairs to learn from; the shipped model is used.
MIN_RECORDS_FOR_TRAINING = 300
TF_COLUMNS: tuple[str, ...] = ("given_1", "surname_1", "locality")
DEFAULT_MODEL_PATH = Path(__file__).with_name("default_model.json")


@dataclass
class LinkResult:
    """The predicted matches and how the threshold was chosen."""

    pairs: list[tuple[str, str, float]]
    threshold: float
    threshold_method: str
    model: dict[str, Any]
    trained: bool
    candidate_pairs: int
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)
    model_origin: str = ""


def _arrow_table(records: list[dict[str, Any]]) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    schema = pa.schema(
        [(c, pa.int32() if c in ("dob_year", "dob_month", "dob_day") else pa.string()) for c in MODEL_COLUMNS]
    )
    return pa.Table.from_pylist(records, schema=schema)


def new_db_api() -> Any:
    """A DuckDB backend for Splink (in memory)."""
    from splink import DuckDBAPI

    return DuckDBAPI()


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def link_records(
    left: list[dict[str, Any]],
    right: list[dict[str, Any]] | None = None,
    *,
    threshold: float | None = None,
    trained_model: dict[str, Any] | None = None,
    seed: int = 1,
    db_api: Any = None,
) -> LinkResult:
    """Dedupe ``left`` (right None) or link ``left`` to ``right`` (normalised records).

    Trains a model by EM on the data unless ``trained_model`` is given or the data is too
    small (then the shipped default model is used); with a given model only the prior
    (lambda) is re-estimated on the data. The threshold, when not given, is the
    one that maximises the model's expected F1 (:func:`amparo.identity.model.expected_f1_threshold`).
    """
    from splink import Linker

    _quiet_splink()
    db_api = db_api or new_db_api()
    frames = [db_api.register(_arrow_table(left), dataset_display_name="a")]
    if right is not None:
        frames.append(db_api.register(_arrow_table(right), dataset_display_name="b"))
    link_type = "dedupe_only" if right is None else "link_only"
    n_records = len(left) + (len(right) if right is not None else 0)
    linker: Any = None
    trained = False
    origin = (
        "the given model"
        if trained_model is not None
        else f"the shipped model (fewer than {MIN_RECORDS_FOR_TRAINING} records: too few to estimate one by EM)"
    )
    if trained_model is None and n_records >= MIN_RECORDS_FOR_TRAINING:
        present = {c for c in MODEL_COLUMNS if any(r.get(c) is not None for r in [*left, *(right or [])])}
        candidate = Linker(frames, fs.settings(link_type, present), log_level=None)
        try:
            fs.train(candidate, n_records=n_records, present=present, seed=seed)
            linker, trained, origin = candidate, True, "estimated on this data by EM"
        except Exception as exc:  # Splink raises plain exceptions when EM cannot proceed
            reason = str(exc).splitlines()[0][:200]
            origin = f"the shipped model (EM could not be estimated on this data: {reason})"
    if linker is None:
        base = trained_model if trained_model is not None else load_default_model()[0]
        settings = dict(base)
        settings["link_type"] = link_type
        linker = Linker(frames, settings, log_level=None)
        if n_records >= MIN_RECORDS_FOR_TRAINING:
            # m and u carry over between data sets; the prior (lambda) does not: it falls as
            # 1/N. Re-estimate it on this data (kept as trained when no rule finds a match).
            fs.estimate_prior(linker, keep_if_none=float(settings["probability_two_random_records_match"]))
    predictions = linker.inference.predict(threshold_match_probability=0.01, warning_mode="never")
    rows = predictions.as_record_list()
    swap = right is not None
    scored: list[tuple[str, str, float]] = []
    for row in rows:
        l_id, r_id = str(row["unique_id_l"]), str(row["unique_id_r"])
        if swap and row.get("source_dataset_l") == "b":
            l_id, r_id = r_id, l_id
        scored.append((l_id, r_id, float(row["match_probability"])))
    if threshold is None:
        chosen = fs.expected_f1_threshold([p for _, _, p in scored])
        method = "maximises the F1 the model expects from its own match probabilities"
    else:
        chosen, method = threshold, "given with --threshold"
    model_dict = linker.misc.save_model_to_json()
    tf: dict[str, dict[str, float]] = {}
    present_tf = {c for c in TF_COLUMNS if any(r.get(c) is not None for r in [*left, *(right or [])])}
    for column in sorted(present_tf & _tf_columns_of(model_dict)):
        table = linker.table_management.compute_tf_table(column).as_record_list()
        tf[column] = {str(r[column]): float(r[f"tf_{column}"]) for r in table if r[column] is not None}
    pairs = sorted((p for p in scored if p[2] >= chosen), key=lambda p: (-p[2], p[0], p[1]))
    return LinkResult(pairs, chosen, method, model_dict, trained, len(scored), tf, origin)


def _tf_columns_of(model: dict[str, Any]) -> set[str]:
    return {
        str(level["tf_adjustment_column"])
        for comparison in model.get("comparisons", [])
        for level in comparison.get("comparison_levels", [])
        if level.get("tf_adjustment_column")
    }


def write_pairs(pairs: list[tuple[str, str, float]], out: Path) -> None:
    """Write the output CSV: record_id_l, record_id_r, match_probability."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id_l", "record_id_r", "match_probability"])
        for left, right, probability in pairs:
            writer.writerow([left, right, f"{probability:.6f}"])


def save_model(result: LinkResult, path: Path) -> None:
    """Save the model with its threshold and term-frequency tables (JSON)."""
    document = dict(result.model)
    document["amparo"] = {
        "threshold": result.threshold,
        "threshold_method": result.threshold_method,
        "term_frequencies": result.term_frequencies,
    }
    path.write_text(json.dumps(document, indent=1))


def load_default_model() -> tuple[dict[str, Any], float, dict[str, dict[str, float]]]:
    """The shipped model (trained on a synthetic population), its threshold and tf tables."""
    return load_model(DEFAULT_MODEL_PATH)


def load_model(path: Path) -> tuple[dict[str, Any], float, dict[str, dict[str, float]]]:
    """A model saved by :func:`save_model` (LinkageError when it is not one)."""
    try:
        document = json.loads(path.read_text())
        extra = document.pop("amparo")
        return document, float(extra["threshold"]), dict(extra.get("term_frequencies") or {})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LinkageError(f"{path} is not a saved amparo linkage model: {exc}") from exc


def train_default_model(path: Path = DEFAULT_MODEL_PATH, *, n: int = 60_000, seed: int = 2019) -> LinkResult:
    """Re-train the shipped model on a synthetic population (n records, seed) and save it."""
    from amparo.identity import synth
    from amparo.identity.names import normalise_record

    population = synth.generate(n, seed)
    result = link_records([normalise_record(e) for e in population.encounters], seed=seed)
    save_model(result, path)
    return result
