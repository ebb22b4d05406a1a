"""Choosing blocking rules for national-scale deduplication by the true links they keep.

A fixed blocking key's blocks grow with the population, so its candidate pairs grow with the
square of the records. At national scale each rule needs a column more; which column, and which
rules are worth their pairs, is measured here rather than guessed:

1. deduplicate the records with the standard rules (DuckDB) and keep the predicted pairs that
   are true (same ``person_id``, the generator's truth): the links the model makes;
2. for every standard rule, and every standard rule with one column more, find which of those
   links it would block together, and count the candidate pairs it generates (the sum over its
   blocks of c(c-1)/2);
3. choose rules greedily by links newly kept per candidate pair, while a rule keeps at least
   two and a half more links per thousand candidate pairs it costs (:data:`MIN_YIELD`), and report what the
   shipped :data:`amparo.identity.model.NATIONAL_PREDICTION_BLOCKS` keep.

``python -m benchmarks.identity_blocking --records DIR`` on parts written by
:func:`benchmarks.identity_spark.write_population` (or ``N`` to write them first).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Columns a rule may gain (a date's parts count as one).
EXTRA_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("dob",),
    ("dob_year",),
    ("dob_month", "dob_day"),
    ("sex",),
    ("nationality",),
    ("locality",),
    ("given_1",),
    ("given_2",),
    ("surname_1",),
    ("surname_2",),
)


def candidate_rules(standard: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Every standard rule and every standard rule with one column of :data:`EXTRA_COLUMNS`
    more (a rule never holds the whole birth date and one of its parts)."""
    out: dict[tuple[str, ...], None] = {}
    for base in standard:
        for extra in ((), *EXTRA_COLUMNS):
            rule = tuple(dict.fromkeys(base + extra))
            if "dob" in rule and ({"dob_year", "dob_month", "dob_day"} & set(rule)):
                continue
            out[rule] = None
    return list(out)


#: The least a chosen rule must keep: links newly kept per candidate pair it generates, on a
#: million records (two and a half per thousand). Random candidate pairs grow with the square of the
#: records and links only with the records, so at ten million the yield is ten times lower.
MIN_YIELD = 0.0025


def choose(
    kept: Mapping[tuple[str, ...], frozenset[int]],
    cost: Mapping[tuple[str, ...], int],
    *,
    min_yield: float = MIN_YIELD,
    min_gain: int = 20,
) -> list[tuple[tuple[str, ...], int, int]]:
    """Rules chosen greedily by links newly kept per candidate pair, while that yield is at
    least ``min_yield`` and the links newly kept at least ``min_gain``.

    ``kept``: for each rule, the links (indices) it blocks together; ``cost``: its candidate
    pairs. A rule whose links are all kept by rules chosen later is dropped at the end (it costs
    pairs and keeps nothing). Returns (rule, links it adds, its cost) in the order chosen.
    """
    covered: set[int] = set()
    chosen: list[tuple[str, ...]] = []
    while True:
        best: tuple[float, tuple[str, ...]] | None = None
        for rule, links in kept.items():
            if rule in chosen:
                continue
            gain = len(links - covered)
            if gain < min_gain or gain < min_yield * cost[rule]:
                continue
            # Ranked with a thousand pairs added to every cost, so that a tiny rule keeping a
            # handful of links does not go before a rule keeping a hundred thousand.
            score = gain / (cost[rule] + 1_000)
            if best is None or score > best[0]:
                best = (score, rule)
        if best is None:
            break
        chosen.append(best[1])
        covered |= kept[best[1]]
    # Drop rules made redundant by later ones (a rule with a column more is kept by its parent).
    for rule in list(chosen):
        others = set().union(*(kept[r] for r in chosen if r != rule))
        if kept[rule] <= others:
            chosen.remove(rule)
    result, covered = [], set()
    for rule in chosen:
        result.append((rule, len(kept[rule] - covered), cost[rule]))
        covered |= kept[rule]
    return result


def _measure(
    records: Path, rules: Sequence[tuple[str, ...]], tmp: Path
) -> tuple[dict[tuple[str, ...], frozenset[int]], dict[tuple[str, ...], int], int]:
    """Which of the standard prediction's true links each rule keeps, each rule's candidate
    pairs, and the number of links, on the Parquet parts in ``records``."""
    import duckdb

    from amparo.identity.linkage import load_default_model
    from benchmarks.identity_spark import block_pairs, duckdb_predict

    con = duckdb.connect(str(tmp / "blocking.duckdb"))
    pairs = duckdb_predict(con, records, load_default_model()[0])
    columns = sorted({c for rule in rules for c in rule})
    picked = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    con.execute(
        f"CREATE TABLE links AS SELECT row_number() OVER () AS i, {picked} FROM {pairs} p "
        "JOIN records l ON l.unique_id = p.unique_id_l JOIN records r ON r.unique_id = p.unique_id_r "
        "WHERE l.person_id = r.person_id"
    )
    kept: dict[tuple[str, ...], frozenset[int]] = {}
    for rule in rules:
        agree = " AND ".join(f"{c}_l IS NOT NULL AND {c}_l = {c}_r" for c in rule)
        kept[rule] = frozenset(
            int(r[0]) for r in con.execute(f"SELECT i FROM links WHERE {agree}").fetchall()
        )
    cost = {rule: block_pairs(con, rule) for rule in rules}
    total = con.execute("SELECT count(*) FROM links").fetchone()
    con.close()
    return kept, cost, int(total[0]) if total else 0


def report(records: Path, *, min_yield: float = MIN_YIELD) -> dict[str, Any]:
    """Measure, choose (:func:`choose`), and compare with the shipped national rules."""
    from amparo.identity.model import NATIONAL_PREDICTION_BLOCKS, PREDICTION_BLOCKS

    standard = [r for r in PREDICTION_BLOCKS if "postcode" not in r]  # the synthetic records have none
    rules = list(dict.fromkeys([*candidate_rules(standard), *NATIONAL_PREDICTION_BLOCKS]))
    with tempfile.TemporaryDirectory(dir=records.parent) as name:
        kept, cost, links = _measure(records, rules, Path(name))
    standard_cost = sum(cost[r] for r in standard)
    chosen = choose(kept, cost, min_yield=min_yield)
    shipped = set().union(*(kept[r] for r in NATIONAL_PREDICTION_BLOCKS))
    return {
        "links": links,
        "standard_kept": len(set().union(*(kept[r] for r in standard))),
        "standard_cost": standard_cost,
        "chosen": chosen,
        "shipped_kept": len(shipped),
        "shipped_cost": sum(cost[r] for r in NATIONAL_PREDICTION_BLOCKS),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.identity_blocking", description=__doc__)
    parser.add_argument(
        "n", type=int, nargs="?", default=1_000_000, help="records to write when --records is not given"
    )
    parser.add_argument("--records", type=Path, help="Parquet parts written by write_population")
    parser.add_argument(
        "--min-yield", type=float, default=MIN_YIELD, help="links newly kept per candidate pair"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        records = args.records
        if records is None:
            from benchmarks.identity_spark import write_population

            records = Path(name) / "records"
            write_population(args.n, records)
        result = report(records, min_yield=args.min_yield)
    links = result["links"]
    print(f"true links predicted with the standard rules: {links:,}")
    print(f"standard rules: {result['standard_cost']:,} candidate pairs, keep {result['standard_kept']:,}")
    print("| rule | links it adds | candidate pairs |\n|---|---|---|")
    for rule, gain, cost in result["chosen"]:
        print(f"| {' + '.join(rule)} | {gain:,} | {cost:,} |")
    chosen_kept = sum(gain for _, gain, _ in result["chosen"])
    chosen_cost = sum(cost for _, _, cost in result["chosen"])
    print(f"chosen: {chosen_cost:,} candidate pairs, keep {chosen_kept:,} links ({chosen_kept / links:.2%})")
    print(
        f"shipped national rules: {result['shipped_cost']:,} candidate pairs "
        f"({result['shipped_cost'] / result['standard_cost']:.1%} of the standard), keep "
        f"{result['shipped_kept']:,} links ({result['shipped_kept'] / links:.2%})"
    )


if __name__ == "__main__":
    main()
