"""Calendar periods, date-valued expressions and rule values taken from the facts (engine only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from amparo.engine.evaluate import determine
from amparo.engine.expr import earliest, fact, latest
from amparo.engine.law import Case, Instrument, LawBook, Rule, RuleVersion
from amparo.engine.periods import add_months, add_period

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "amount", "unit", "end"),
    [
        ("2024-10-01", 2, "months", "2024-12-01"),
        ("2024-08-31", 6, "months", "2025-02-28"),
        ("2024-01-31", 1, "months", "2024-02-29"),
        ("2023-01-31", 1, "months", "2023-02-28"),
        ("2024-11-30", 3, "months", "2025-02-28"),
        ("2024-12-15", 1, "months", "2025-01-15"),
        ("2026-09-09", 2, "weeks", "2026-09-23"),
        ("2024-02-29", 1, "years", "2025-02-28"),
        ("2024-02-28", 3, "days", "2024-03-02"),
    ],
)
def test_period_ends(start: str, amount: int, unit: str, end: str) -> None:
    assert add_period(D(start), amount, unit) == D(end)  # type: ignore[arg-type]


def test_add_months_backwards() -> None:
    assert add_months(D("2024-03-31"), -1) == D("2024-02-29")


def test_date_expressions_evaluate_and_describe() -> None:
    facts = {"lodged": D("2024-10-01"), "hit": D("2024-10-01"), "none": None, "hits": {"GR": D("2024-10-05")}}
    deadline = earliest(fact("lodged").plus_months(3), fact("hit").plus_months(2))
    assert deadline.evaluate(facts) == D("2024-12-01")
    assert deadline.describe() == "the earliest of (lodged + 3 months, hit + 2 months)"
    assert earliest(fact("none").plus_months(1), fact("lodged")).evaluate(facts) == D("2024-10-01")
    assert earliest(fact("none")).evaluate(facts) is None
    assert latest(fact("lodged"), fact("hit").plus_weeks(1)).evaluate(facts) == D("2024-10-08")
    assert fact("lodged").plus_months(2).weekday().evaluate(facts) == 7  # 2024-12-01, a Sunday
    assert fact("lodged").iso().evaluate(facts) == "2024-10-01"
    assert fact("none").iso().evaluate(facts) is None
    assert fact("hits").get("GR").evaluate(facts) == D("2024-10-05")
    assert fact("hits").get("IT").evaluate(facts) is None
    assert fact("hits").get(fact("none")).evaluate(facts) is None
    assert (fact("hit") <= fact("none").plus_months(1)).evaluate(facts) is False
    assert fact("hits").get(fact("state")).fact_names() == {"hits", "state"}


def _book(value: object, cases: tuple[Case, ...] = ()) -> LawBook:
    return LawBook.build(
        id="t",
        version="1",
        instruments=[Instrument(id="i", title="I", kind="regulation", citations=("I art. 1",))],
        rules=[
            Rule(
                id="r",
                title="R",
                kind="deadline",
                instrument="i",
                anchor="as_of",
                not_applicable=None,
                versions=(
                    RuleVersion(
                        version="v",
                        valid_from=D("2020-01-01"),
                        valid_to=None,
                        status="in_effect",
                        summary="A deadline.",
                        citations=("I art. 2",),
                        applies=fact("on").is_set(),
                        value=value,
                        cases=cases,
                    ),
                ),
            )
        ],
        flags=[],
    )


def test_a_rule_value_taken_from_the_facts_and_traced() -> None:
    book = _book(fact("on").plus_months(6).iso())
    result = determine(book, "r", {"on": D("2025-01-14"), "other": 1}, {"as_of": D("2025-01-01")})
    assert result.outcome == "applies"
    assert result.value == "2025-07-14"
    assert result.inputs == {"on": D("2025-01-14")}
    missing = determine(book, "r", {"on": None}, {"as_of": D("2025-01-01")})
    assert (missing.outcome, missing.value) == ("not_applicable", None)


def test_a_table_value_taken_from_the_facts() -> None:
    cases = (
        Case(when=fact("urgent"), value=fact("on").plus_months(1), citation="I art. 3", because="Urgent."),
        Case(
            when=fact("on").is_set(), value=fact("on").plus_months(2), citation="I art. 2", because="Usual."
        ),
    )
    book = _book(None, cases)
    anchors = {"as_of": D("2025-01-01")}
    assert determine(book, "r", {"on": D("2024-11-14"), "urgent": False}, anchors).value == D("2025-01-14")
    urgent = determine(book, "r", {"on": D("2024-11-14"), "urgent": True}, anchors)
    assert urgent.value == D("2024-12-14")
    assert urgent.citations[0] == "I art. 3"
    assert set(urgent.inputs) == {"urgent", "on"}
    assert determine(book, "r", {"on": None, "urgent": False}, anchors).value is None


def test_expression_values_enter_the_digest_by_their_description() -> None:
    six, twelve = _book(fact("on").plus_months(6)), _book(fact("on").plus_months(12))
    assert six.digest != twelve.digest
    assert six.digest == _book(fact("on").plus_months(6)).digest
    assert "<on + 6 months>" in str(six.canonical()["rules"]["r"])


def test_columnar_meaning_of_date_expressions() -> None:
    pl = pytest.importorskip("polars")
    from amparo.engine.columnar import to_polars

    rows: list[dict[str, Any]] = [
        {"d": D("2024-01-31"), "e": None},
        {"d": D("2024-08-31"), "e": D("2024-09-01")},
        {"d": None, "e": None},
    ]
    frame = pl.DataFrame(rows, schema={"d": pl.Date, "e": pl.Date})
    for expr in (
        fact("d").plus_months(1),
        fact("d").plus_months(6),
        fact("d").plus_weeks(2),
        fact("d").plus_years(1),
        earliest(fact("d").plus_months(2), fact("e")),
        latest(fact("d"), fact("e")),
        fact("d").weekday(),
        fact("d").iso(),
    ):
        column = frame.select(to_polars(expr).alias("x"))["x"].to_list()
        assert column == [expr.evaluate(r) for r in rows], expr.describe()


def test_columnar_contains_a_value_from_the_row() -> None:
    pl = pytest.importorskip("polars")
    from amparo.engine.columnar import to_polars

    rows: list[dict[str, Any]] = [
        {"states": ["IT", "GR"], "state": "GR"},
        {"states": ["AT"], "state": "DE"},
        {"states": None, "state": "IT"},
    ]
    frame = pl.DataFrame(rows, schema={"states": pl.List(pl.String), "state": pl.String})
    expr = fact("states").contains(fact("state"))
    assert frame.select(to_polars(expr).alias("x"))["x"].to_list() == [expr.evaluate(r) for r in rows]


@pytest.mark.parametrize(
    "values", [(), ("MX",), ("MX", "GT"), ("MX", "GT", "HN"), ("CA", "US", "MX", "GT", "HN")]
)
def test_columnar_list_tests_with_constants_agree_with_rows(values: tuple[str, ...]) -> None:
    pl = pytest.importorskip("polars")
    from amparo.engine.columnar import to_polars
    from amparo.engine.expr import Intersects, Lit

    lists = [["MX"], ["GT", "MX"], ["HN", "HN"], [], None, ["SV"], ["US", "CA"], [None, "GT"]]
    rows: list[dict[str, Any]] = [{"countries": c} for c in lists]
    frame = pl.DataFrame(rows, schema={"countries": pl.List(pl.String)})
    expressions = [Intersects(fact("countries"), Lit(frozenset(values)))]
    expressions += [fact("countries").contains(v) for v in values]
    for expr in expressions:
        column = frame.select(to_polars(expr).alias("x"))["x"].to_list()
        expected = [bool(expr.evaluate(r)) for r in rows]
        assert column == expected, expr.describe()


def test_columnar_meaning_of_a_mapping_lookup() -> None:
    """``mapping[key]`` (the EU pack's Eurodac hit of the criteria's State) in columns, with the
    mapping in the batch's column form; every row as row evaluation reads it."""
    pytest.importorskip("polars")
    from amparo.batch.facts import rows_to_frame
    from amparo.engine.columnar import to_polars

    hits = {"IT": D("2024-03-01"), "GR": D("2024-02-01")}
    rows: list[dict[str, Any]] = [
        {"hits": hits, "state": "GR"},  # the second entry
        {"hits": hits, "state": "IT"},
        {"hits": hits, "state": "DE"},  # not there
        {"hits": {}, "state": "IT"},
        {"hits": hits, "state": None},
        {"hits": None, "state": "IT"},
    ]
    frame = rows_to_frame(rows, {"hits": dict[str, dt.date], "state": str})
    lookup = fact("hits").get(fact("state"))
    for expr in (
        lookup,
        lookup.is_set(),
        lookup <= D("2024-02-15"),
        fact("hits").get("IT"),
        lookup.plus_months(6),
    ):
        column = frame.select(to_polars(expr).alias("x"))["x"].to_list()
        assert column == [expr.evaluate(r) for r in rows], expr.describe()


def test_declared_fact_types_give_typed_columns_when_every_value_is_missing() -> None:
    """A chunk where no document has a date, list or mapping fact: its column still has the
    declared type, so date and list operations of the rules run on it."""
    pl = pytest.importorskip("polars")
    from amparo.batch.facts import declared_type, rows_to_frame
    from amparo.engine.columnar import to_polars
    from amparo.errors import RuleDefinitionError

    types = {"on": dt.date, "states": tuple[str, ...], "hits": dict[str, dt.date], "n": int | None}
    frame = rows_to_frame([dict.fromkeys(types), dict.fromkeys(types)], types)
    assert frame.schema["on"] == pl.Date
    assert frame.schema["states"] == pl.List(pl.String)
    assert frame.schema["hits"] == pl.List(pl.Struct({"key": pl.String, "value": pl.Date}))
    assert frame.schema["n"] == pl.Int64
    for expr in (fact("on").plus_months(1), fact("states").contains("IT"), fact("hits").get("IT")):
        assert (
            frame.select(to_polars(expr).alias("x"))["x"].to_list()
            == [expr.evaluate(dict.fromkeys(types))] * 2
        )
    with pytest.raises(RuleDefinitionError, match="no column type"):
        declared_type(bytes)


def test_declared_fact_columns_hold_every_kind_of_value_as_the_undeclared_ones() -> None:
    """Columns of declared facts are built by Arrow from the values as extracted (a mapping, a
    tuple, a frozenset, an instant in another zone): each holds what the undeclared column, value
    by value, holds (a mapping of an undeclared fact was typed from its converted form: a list of
    lists of the words "key" and "value"); a value of another type than declared is converted as
    an undeclared one is."""
    pl = pytest.importorskip("polars")
    from amparo.batch.facts import rows_to_frame

    east = dt.timezone(dt.timedelta(hours=-5))
    rows: list[dict[str, Any]] = [
        {
            "hits": {"IT": D("2024-03-01"), "GR": D("2024-02-01")},
            "states": ("DE", "AT"),
            "set": frozenset({"SE", "FR"}),
            "at": dt.datetime(2024, 1, 1, 10, tzinfo=east),
            "n": 3,
            "flag": True,
            "odd": 7,
        },
        {"hits": {}, "states": (), "set": frozenset(), "at": None, "n": None, "flag": None, "odd": None},
        dict.fromkeys(("hits", "states", "set", "at", "n", "flag", "odd")),
    ]
    declared = {
        "hits": dict[str, dt.date],
        "states": tuple[str, ...],
        "set": frozenset[str],
        "at": dt.datetime,
        "n": int,
        "flag": bool,
        "odd": str,  # an int given: Arrow refuses it, Polars' own conversion writes it as text
    }
    typed, shown = rows_to_frame(rows, declared), rows_to_frame(rows)
    assert typed.schema["at"] == pl.Datetime("us", "UTC")
    assert typed["at"][0] == dt.datetime(2024, 1, 1, 15, tzinfo=dt.UTC)
    assert typed["set"].to_list()[:2] == [["FR", "SE"], []]
    assert typed["odd"].to_list() == ["7", None, None]
    for name in ("hits", "states", "set", "at", "n", "flag"):
        assert typed[name].to_list() == shown[name].to_list(), name


def test_fact_rows_with_keys_missing_or_in_another_order_give_each_value_its_column() -> None:
    """The rows are turned into columns by name, whether a row lists its keys in another order
    or lacks one (a missing value) or has one the first row lacks (not a column)."""
    pytest.importorskip("polars")
    from amparo.batch.facts import rows_to_frame

    rows: list[dict[str, Any]] = [
        {"a": 1, "b": "x", "c": D("2024-01-02")},
        {"c": D("2024-03-04"), "a": 2, "b": "y"},
        {"a": 3, "c": D("2024-05-06"), "extra": True},
    ]
    for types in (None, {"a": int, "b": str, "c": dt.date}):
        frame = rows_to_frame(rows, types)
        assert frame.columns == ["a", "b", "c"]
        assert frame.to_dicts() == [
            {"a": 1, "b": "x", "c": D("2024-01-02")},
            {"a": 2, "b": "y", "c": D("2024-03-04")},
            {"a": 3, "b": None, "c": D("2024-05-06")},
        ]
        ordered = rows_to_frame(rows[:2], types)
        assert ordered.to_dicts() == frame.to_dicts()[:2]
