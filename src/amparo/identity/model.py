"""The Fellegi–Sunter linkage model: comparisons for Hispanic names, blocking, EM training.

The model works on the columns of :func:`amparo.identity.names.normalise_record`. Its
comparisons (each with a null level, graded agreement levels and an "else" level):

- given names: both equal; both swapped; first equal and second one letter off; first equal
  but second different (how siblings are named); first equal (term-frequency adjusted); one in
  the other's place (first on one side is the second on the other); Jaro-Winkler >= 0.92;
  Jaro-Winkler >= 0.80; Damerau-Levenshtein <= 1 (short names: Aua for Ana);
- surnames: both equal; both, one of them one letter off (either order); first equal but
  second different; first equal (tf-adjusted); swapped; one surname shared (a surname dropped
  or moved); Jaro-Winkler >= 0.92 on the first; Levenshtein <= 2 on the first;
- birth date: equal; day and month swapped; year off by one; day off by one; year and day
  each off by one; one character off; same year;
- sex, nationality, locality (tf-adjusted), postcode: equal or not;
- document number: equal; Damerau-Levenshtein <= 1 (a typo or two digits transposed);
  address: equal; Jaro-Winkler >= 0.90;
- given name and surname written in each other's place: a level of each name comparison.

Nickname and accent handling happen before (names are folded and nicknames mapped).
Parameters: u by random sampling, m and lambda by expectation maximisation on two blocked
samples (on birth date, then on first given name and first surname), saved with the model.
"""

from __future__ import annotations

from typing import Any

from amparo.errors import LinkageError, MissingExtra

#: Blocking rules that generate the candidate pairs to score (SQL on the l/r columns). Each
#: keeps blocks small enough for 1M-record dedup; together they catch the variations above.
PREDICTION_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("surname_1", "dob"),
    ("given_1", "dob"),
    ("given_1", "surname_1", "dob_year"),
    ("given_1", "surname_1", "dob_month", "dob_day"),
    ("given_1", "surname_1", "surname_2"),
    ("given_1", "given_2", "surname_1"),
    ("document_number",),
    ("postcode", "surname_1"),
    ("given_1", "surname_1", "locality"),
    ("surname_1", "surname_2", "dob_year"),
    ("surname_1", "surname_2", "dob_month", "dob_day"),
    ("given_1", "given_2", "dob_year"),
    ("given_1", "given_2", "dob_month", "dob_day"),
    ("postcode", "dob"),
    ("postcode", "given_1"),
    ("locality", "dob"),
)
#: Prediction rules for national-scale deduplication (millions of records). Any fixed blocking
#: key's blocks grow with the population, so its candidate pairs grow with the square of the
#: records: the standard rules give 26 million candidate pairs on 1,000,000 synthetic records
#: and 99 million on 2,000,000. Each rule here is a standard rule with one column more, chosen
#: greedily by the model's true links it keeps per candidate pair it costs
#: (``python -m benchmarks.identity_blocking``): on 1,000,000 records they keep 98.1 % of the
#: true links the standard rules give, for 15 % of the candidate pairs (docs/IDENTITY.md).
NATIONAL_PREDICTION_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("document_number",),
    ("surname_1", "surname_2", "dob_month", "dob_day", "given_2"),
    ("surname_1", "surname_2", "dob"),
    ("given_1", "given_2", "dob"),
    ("given_1", "surname_1", "surname_2", "locality"),
    ("given_1", "nationality", "dob"),
    ("given_1", "given_2", "surname_1", "locality"),
    ("surname_1", "locality", "dob"),
    ("given_1", "surname_1", "surname_2", "given_2"),
    ("given_1", "surname_1", "dob_month", "dob_day", "nationality"),
    ("given_1", "surname_1", "dob_year", "locality"),
    ("given_1", "given_2", "dob_month", "dob_day", "locality"),
    ("surname_1", "surname_2", "dob_month", "dob_day", "locality"),
    ("given_1", "given_2", "dob_year", "locality"),
    ("given_1", "surname_1", "surname_2", "dob_year"),
    ("locality", "sex", "dob"),
    ("surname_1", "surname_2", "dob_year", "locality"),
)
#: The rule sets by name: ``standard`` (any size this machine deduplicates in minutes) and
#: ``national`` (tens of millions, on Spark or a large DuckDB).
BLOCKING_SCALES = ("standard", "national")

#: Swapped surnames with the same first given name (the other rules miss a swap and a date error).
SWAPPED_SURNAME_BLOCK = "l.surname_1 = r.surname_2 and l.surname_2 = r.surname_1 and l.given_1 = r.given_1"
#: Given name and surname written in each other's place (forms filled in the other order).
SWAPPED_NAME_BLOCK = "l.given_1 = r.surname_1 and l.surname_1 = r.given_1"

#: EM sessions: on birth date (learns the names), then on the document number where the data
#: has one (near-certain matches: learns the birth date without confusing siblings, who share
#: surnames, locality and nationality), else on first given name and both surnames.
EM_BLOCKS: tuple[tuple[str, ...], ...] = (("dob",), ("document_number",))
EM_FALLBACK_BLOCK: tuple[str, ...] = ("given_1", "surname_1", "surname_2")


def _splink() -> Any:
    try:
        import splink
    except ImportError as exc:  # pragma: no cover - splink is a declared dependency
        raise MissingExtra("splink", "linkage") from exc
    return splink


def comparisons(present: set[str] | None = None) -> list[Any]:
    """The comparison creators of the model (see the module docstring).

    ``present``: the columns that have at least one value in the data; a comparison on a
    column that is empty everywhere is left out (EM could not learn it).
    """
    _splink()
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    given = cl.CustomComparison(
        output_column_name="given_names",
        comparison_description="given names: order, nicknames and spelling",
        comparison_levels=[
            cll.NullLevel("given_1"),
            cll.CustomLevel(
                "given_1_l = given_1_r and given_2_l = given_2_r", "both given names equal"
            ).configure(tf_adjustment_column="given_1", tf_adjustment_weight=1.0),
            cll.CustomLevel("given_1_l = given_2_r and given_2_l = given_1_r", "both given names, swapped"),
            cll.CustomLevel(
                "given_1_l = given_1_r and damerau_levenshtein(given_2_l, given_2_r) <= 1",
                "first given name equal, second one letter off",
            ),
            cll.CustomLevel(
                "given_1_l = given_1_r and given_2_l <> given_2_r",
                "first given name equal, second different (siblings)",
            ),
            cll.ExactMatchLevel("given_1", term_frequency_adjustments=True),
            cll.CustomLevel(
                "given_1_l = given_2_r or given_2_l = given_1_r", "given names in the other order"
            ),
            cll.JaroWinklerLevel("given_1", 0.92),
            cll.JaroWinklerLevel("given_1", 0.80),
            cll.DamerauLevenshteinLevel("given_1", 1),
            cll.CustomLevel("given_1_l = surname_1_r", "given name recorded as the surname"),
            cll.ElseLevel(),
        ],
    )
    surnames = cl.CustomComparison(
        output_column_name="surnames",
        comparison_description="surnames: each separately, swapped, dropped, misspelt",
        comparison_levels=[
            cll.NullLevel("surname_1"),
            cll.CustomLevel(
                "surname_1_l = surname_1_r and surname_2_l = surname_2_r", "both surnames equal"
            ).configure(tf_adjustment_column="surname_1", tf_adjustment_weight=1.0),
            cll.CustomLevel(
                "(surname_1_l = surname_1_r and damerau_levenshtein(surname_2_l, surname_2_r) = 1)"
                " or (surname_2_l = surname_2_r and damerau_levenshtein(surname_1_l, surname_1_r) = 1)"
                " or (surname_1_l = surname_2_r and damerau_levenshtein(surname_2_l, surname_1_r) = 1)"
                " or (surname_2_l = surname_1_r and damerau_levenshtein(surname_1_l, surname_2_r) = 1)",
                "both surnames, one a letter off (either order)",
            ),
            cll.CustomLevel(
                "surname_1_l = surname_1_r and surname_2_l <> surname_2_r",
                "first surname equal, second different",
            ),
            cll.ExactMatchLevel("surname_1", term_frequency_adjustments=True),
            cll.CustomLevel("surname_1_l = surname_2_r and surname_2_l = surname_1_r", "surnames swapped"),
            cll.CustomLevel(
                "surname_1_l = surname_2_r or surname_2_l = surname_1_r or surname_2_l = surname_2_r",
                "one surname shared",
            ),
            cll.JaroWinklerLevel("surname_1", 0.92),
            cll.LevenshteinLevel("surname_1", 2),
            cll.CustomLevel("surname_1_l = given_1_r", "surname recorded as the given name"),
            cll.ElseLevel(),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date: exact, day/month swapped, year off by one, typo",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_day_l = dob_month_r and dob_month_l = dob_day_r",
                "day and month swapped",
            ),
            cll.CustomLevel(
                "dob_month_l = dob_month_r and dob_day_l = dob_day_r and abs(dob_year_l - dob_year_r) = 1",
                "year off by one",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_month_r and abs(dob_day_l - dob_day_r) = 1",
                "day off by one",
            ),
            cll.CustomLevel(
                "dob_month_l = dob_month_r and abs(dob_year_l - dob_year_r) = 1 and abs(dob_day_l - dob_day_r) = 1",
                "year and day each off by one",
            ),
            cll.LevenshteinLevel("dob", 1),
            cll.CustomLevel("dob_year_l = dob_year_r", "same year"),
            cll.ElseLevel(),
        ],
    )
    document = cl.CustomComparison(
        output_column_name="document_number",
        comparison_description="identity document number",
        comparison_levels=[
            cll.NullLevel("document_number"),
            cll.ExactMatchLevel("document_number"),
            cll.DamerauLevenshteinLevel("document_number", 1),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="street address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address"),
            cll.JaroWinklerLevel("address", 0.90),
            cll.ElseLevel(),
        ],
    )
    by_column = {
        "given_1": given,
        "surname_1": surnames,
        "dob": birth,
        "sex": cl.ExactMatch("sex"),
        "nationality": cl.ExactMatch("nationality"),
        "document_number": document,
        "address": address,
        "locality": cl.ExactMatch("locality").configure(term_frequency_adjustments=True),
        "postcode": cl.ExactMatch("postcode"),
    }
    return [c for column, c in by_column.items() if present is None or column in present]


def blocking_rules(present: set[str] | None = None, scale: str = "standard") -> list[Any]:
    """The prediction blocking rules: :data:`PREDICTION_BLOCKS` and the swapped-name rules
    (``scale="standard"``), or :data:`NATIONAL_PREDICTION_BLOCKS` (``scale="national"``)."""
    if scale not in BLOCKING_SCALES:
        raise LinkageError(f"blocking scale must be one of {', '.join(BLOCKING_SCALES)}, not {scale!r}")
    splink = _splink()
    blocks = NATIONAL_PREDICTION_BLOCKS if scale == "national" else PREDICTION_BLOCKS
    rules: list[Any] = [splink.block_on(*cols) for cols in blocks if present is None or set(cols) <= present]
    if scale == "national":
        return rules
    return [*rules, SWAPPED_SURNAME_BLOCK, SWAPPED_NAME_BLOCK]


def settings(link_type: str, present: set[str] | None = None, scale: str = "standard") -> Any:
    """A Splink SettingsCreator for ``dedupe_only`` or ``link_only`` on the ``present`` columns,
    with the blocking rules of ``scale`` (:func:`blocking_rules`)."""
    splink = _splink()
    return splink.SettingsCreator(
        link_type=link_type,
        comparisons=comparisons(present),
        blocking_rules_to_generate_predictions=blocking_rules(present, scale),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=20,
        em_convergence=0.001,
    )


def estimate_prior(
    linker: Any, present: set[str] | None = None, *, keep_if_none: float | None = None
) -> None:
    """Estimate lambda from deterministic rules (same name and birth date; same document and
    birth date), assuming they find 70% of the matches.

    When the rules find no pair at all, lambda is set back to ``keep_if_none`` if given, else
    a RuntimeError says so (EM cannot start from a zero prior).
    """
    splink = _splink()
    deterministic = [splink.block_on("given_1", "surname_1", "dob")]
    if present is None or "document_number" in present:
        deterministic.append(splink.block_on("document_number", "dob"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    if linker._settings_obj._probability_two_random_records_match > 0:
        return
    if keep_if_none is None:
        raise RuntimeError("no two records share first given name, first surname and birth date, or document")
    linker._settings_obj._probability_two_random_records_match = keep_if_none


def train(linker: Any, *, n_records: int, present: set[str], seed: int = 1) -> None:
    """Estimate lambda (deterministic rules), u (random sampling) and m (EM) on the linker's data."""
    estimate_prior(linker, present)
    splink = _splink()
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(5e6, max(1e5, n_records * 20.0)), seed=seed
    )
    sessions = [cols if set(cols) <= present else EM_FALLBACK_BLOCK for cols in EM_BLOCKS]
    done: list[tuple[str, ...]] = []
    failures: list[str] = []
    for cols in sessions:
        # A session whose block yields too few pairs (few documents, say) falls back once.
        for attempt in dict.fromkeys([cols, EM_FALLBACK_BLOCK]):
            if attempt in done:
                continue
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    splink.block_on(*attempt),
                    estimate_without_term_frequencies=True,
                    max_pairs=2e6 if n_records > 200_000 else None,
                )
            except Exception as exc:  # Splink raises plain exceptions when a block is unusable
                failures.append(f"{'+'.join(attempt)}: {exc}")
                continue
            done.append(attempt)
            break
    if not done:
        raise RuntimeError("; ".join(failures))


def expected_f1_threshold(probabilities: list[float], floor: float = 0.5) -> float:
    """The threshold that maximises the F1 the model itself expects.

    Taking each candidate pair's match probability as calibrated, predicting the pairs at or
    above ``t`` gives expected true positives ``sum(p >= t)``, expected predictions
    ``count(p >= t)`` and expected true matches ``sum(p)``, so expected
    F1(t) = 2·Σ_{p>=t} p / (count(p >= t) + Σ p). Never below ``floor``.
    """
    ordered = sorted(probabilities, reverse=True)
    total = sum(ordered)
    if not ordered or total <= 0:
        return max(floor, 0.5)
    best_t, best_f1, running = ordered[0], -1.0, 0.0
    for i, p in enumerate(ordered, start=1):
        running += p
        f1 = 2 * running / (i + total)
        if f1 > best_f1:
            best_f1, best_t = f1, p
    return max(floor, best_t)


#: Comparison output name → the columns it reads: present when the model has the comparison
#: (the first includes the comparison itself; blocking rules may use any of them).
COMPARISON_COLUMNS: dict[str, tuple[str, ...]] = {
    "given_names": ("given_1", "given_2"),
    "surnames": ("surname_1", "surname_2"),
    "birth_date": ("dob", "dob_year", "dob_month", "dob_day"),
    "sex": ("sex",),
    "nationality": ("nationality",),
    "document_number": ("document_number",),
    "address": ("address",),
    "locality": ("locality",),
    "postcode": ("postcode",),
}


#: The Spark SQL name of the Jaro-Winkler similarity the model was trained with (DuckDB's);
#: :func:`register_spark_functions` defines it in a session.
SPARK_JARO_WINKLER = "amparo_jaro_winkler"


def register_spark_functions(spark: Any) -> None:
    """Define :data:`SPARK_JARO_WINKLER` in a Spark session: Jaro-Winkler as DuckDB computes it
    (rapidfuzz, the library DuckDB's own function comes from), as an Arrow-batched Python UDF.

    Splink's Spark jar counts transpositions otherwise (``VICNTE``/``VICENTE``: 0.908 there,
    0.928 in DuckDB), which put a few pairs a comparison level lower than the model was trained
    on: Spark predicted 3 pairs fewer than DuckDB on 1,000,000 records. The two implementations
    can still differ in the last bit of a value; on 11,186 name pairs of the synthetic population
    none falls on the other side of a threshold (0.8, 0.92). The workers' Python must have
    rapidfuzz (in local mode: ``PYSPARK_PYTHON`` set to this interpreter before the session starts).
    """
    from pyspark.sql.functions import udf
    from rapidfuzz.distance import JaroWinkler

    def similarity(left: str | None, right: str | None) -> float | None:
        return None if left is None or right is None else float(JaroWinkler.similarity(left, right))

    spark.udf.register(SPARK_JARO_WINKLER, udf(similarity, "double", useArrow=True))


def for_dialect(
    model: dict[str, Any], dialect: str, link_type: str, *, scale: str = "standard"
) -> dict[str, Any]:
    """A trained model's parameters on the SQL of another backend ("spark", "duckdb").

    Saved models hold backend SQL (DuckDB quotes identifiers with double quotes, which Spark
    reads as strings), so the comparisons are rebuilt for ``dialect`` from the same creators
    and the trained m, u and lambda are copied level by level. On Spark, Jaro-Winkler is the
    DuckDB-compatible :data:`SPARK_JARO_WINKLER` (call :func:`register_spark_functions` on the
    session first). ``scale`` picks the blocking rules (:func:`blocking_rules`); the comparisons
    and parameters are the model's whatever the scale.
    """
    names = [c["output_column_name"] for c in model["comparisons"]]
    present = {column for n in names for column in COMPARISON_COLUMNS.get(n, ())}
    rebuilt: dict[str, Any] = settings(link_type, present, scale).get_settings(dialect).as_dict()
    trained = {c["output_column_name"]: c for c in model["comparisons"]}
    for comparison in rebuilt["comparisons"]:
        source = trained[comparison["output_column_name"]]
        for level, old in zip(comparison["comparison_levels"], source["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in old:
                    level[key] = old[key]
            if dialect == "spark":
                level["sql_condition"] = level["sql_condition"].replace(
                    "jaro_winkler(", f"{SPARK_JARO_WINKLER}("
                )
    rebuilt["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return rebuilt
