"""Plain Splink, the baseline amparo's linkage is measured beside (same run, same records).

"Plain" is what a Splink 5 user writes from the library's documented defaults: the stock
comparison library (``NameComparison`` on the first given name and the first surname,
``DateOfBirthComparison``, ``LevenshteinAtThresholds`` on the document number,
``JaroWinklerAtThresholds`` on the address, exact matches with term-frequency adjustment on
the locality), blocking on name pairs, birth date and document, u by random sampling, m by
EM on two blocks, and a match at probability 0.5. Same normalised input columns as amparo
(so the difference is the model, not the cleaning).
"""

from __future__ import annotations

import logging
from typing import Any

MODEL_COLUMNS_USED = (
    "given_1",
    "surname_1",
    "dob",
    "sex",
    "nationality",
    "document_number",
    "address",
    "locality",
    "postcode",
)


def plain_splink(
    left: list[dict[str, Any]], right: list[dict[str, Any]] | None = None, *, threshold: float = 0.5
) -> list[tuple[str, str, float]]:
    """Pairs (left id, right id, probability) at or above ``threshold`` by plain Splink."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from amparo.identity.linkage import _arrow_table

    logging.getLogger("splink").setLevel(logging.ERROR)
    records = [*left, *(right or [])]
    present = {c for c in MODEL_COLUMNS_USED if any(r.get(c) is not None for r in records)}
    by_column = {
        "given_1": cl.NameComparison("given_1"),
        "surname_1": cl.NameComparison("surname_1").configure(term_frequency_adjustments=True),
        "dob": cl.DateOfBirthComparison("dob", input_is_string=True),
        "sex": cl.ExactMatch("sex"),
        "nationality": cl.ExactMatch("nationality"),
        "document_number": cl.LevenshteinAtThresholds("document_number", [1, 2]),
        "address": cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        "locality": cl.ExactMatch("locality").configure(term_frequency_adjustments=True),
        "postcode": cl.ExactMatch("postcode"),
    }
    blocks = [("given_1", "surname_1"), ("surname_1", "dob"), ("given_1", "dob"), ("document_number",)]
    settings = SettingsCreator(
        link_type="dedupe_only" if right is None else "link_only",
        comparisons=[c for column, c in by_column.items() if column in present],
        blocking_rules_to_generate_predictions=[block_on(*b) for b in blocks if set(b) <= present],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    frames = [db_api.register(_arrow_table(left), dataset_display_name="a")]
    if right is not None:
        frames.append(db_api.register(_arrow_table(right), dataset_display_name="b"))
    linker = Linker(frames, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_1", "surname_1", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(5e6, max(1e5, 20.0 * len(records))), seed=1
    )
    for em_block in (("dob",), ("given_1", "surname_1")):
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*em_block))
    rows = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    ).as_record_list()
    out = []
    for row in rows:
        a, b = str(row["unique_id_l"]), str(row["unique_id_r"])
        if right is not None and row.get("source_dataset_l") == "b":
            a, b = b, a
        out.append((a, b, float(row["match_probability"])))
    return out
