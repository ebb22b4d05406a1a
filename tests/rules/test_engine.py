"""The engine apart from any rule content: the law-as-of lookup, consistency checks on a law book,
expressions, and the trace."""

from __future__ import annotations

import datetime as dt

import pytest

from amparo.engine.evaluate import determine
from amparo.engine.expr import FALSE, TRUE, all_of, any_of, fact
from amparo.engine.law import Flag, FlagWhen, Instrument, LawBook, Rule, RuleException, RuleVersion
from amparo.errors import NoRuleInForce, RuleDefinitionError, UnknownRule
from amparo.rules.us import law_book

D = dt.date.fromisoformat
INSTRUMENT = Instrument("reg", "A regulation", "regulation", ("1 CFR 1",))
FLAG = Flag("contested", "A contested point.", "Decided one way.", ("Brief §1",))


def _rule(*versions: RuleVersion, rule_id: str = "r") -> Rule:
    return Rule(
        id=rule_id, title="A rule", kind="asylum_bar", instrument="reg", anchor="as_of", versions=versions
    )


def _version(name: str, start: str, end: str | None, **kw: object) -> RuleVersion:
    return RuleVersion(
        version=name,
        valid_from=D(start),
        valid_to=D(end) if end else None,
        status="in_effect",
        summary=f"Version {name}.",
        citations=("1 CFR 1",),
        **kw,
    )  # type: ignore[arg-type]


def _book(*rules: Rule, flags: tuple[Flag, ...] = (FLAG,)) -> LawBook:
    return LawBook.build(id="t", version="1", instruments=[INSTRUMENT], rules=rules, flags=flags)


BAR = _rule(
    _version(
        "one",
        "2020-01-01",
        "2021-01-01",
        applies=(fact("age") >= 18) & fact("country").is_in({"GT", "HN"}),
        exceptions=(RuleException("victim", "a victim", "1 CFR 1(b)", fact("victim")),),
        value="bar",
        flags=(FlagWhen("contested", fact("victim"), ("excepted",)),),
    ),
    _version("two", "2021-01-01", None, applies=TRUE, value="bar2"),
)


def test_version_of_is_the_one_in_force() -> None:
    book = _book(BAR)
    assert book.version_of("r", D("2020-01-01")).version == "one"
    assert book.version_of("r", D("2020-12-31")).version == "one"
    assert book.version_of("r", D("2021-01-01")).version == "two"
    assert book.version_of("r", D("2030-06-01")).version == "two"


def test_version_of_raises_before_coverage_never_none() -> None:
    with pytest.raises(NoRuleInForce) as caught:
        _book(BAR).version_of("r", D("2019-12-31"))
    assert caught.value.rule_id == "r"
    assert "2019-12-31" in str(caught.value)


def test_version_of_raises_in_a_gap() -> None:
    book = _book(_rule(_version("a", "2020-01-01", "2020-02-01"), _version("b", "2020-03-01", None)))
    with pytest.raises(NoRuleInForce):
        book.version_of("r", D("2020-02-15"))


def test_us_pack_raises_before_its_coverage() -> None:
    with pytest.raises(NoRuleInForce):
        law_book().version_of("title42", D("2017-12-31"))
    with pytest.raises(UnknownRule):
        law_book().version_of("no.such.rule", D("2020-01-01"))


def test_overlapping_versions_raise() -> None:
    with pytest.raises(RuleDefinitionError, match="overlap"):
        _book(_rule(_version("a", "2020-01-01", "2020-06-01"), _version("b", "2020-05-01", None)))
    with pytest.raises(RuleDefinitionError, match="overlap"):
        _book(_rule(_version("a", "2020-01-01", None), _version("b", "2021-01-01", None)))


def test_inverted_version_and_missing_citation_raise() -> None:
    with pytest.raises(RuleDefinitionError, match="ends on or before"):
        _book(_rule(_version("a", "2020-06-01", "2020-01-01")))
    uncited = RuleVersion(
        version="a", valid_from=D("2020-01-01"), valid_to=None, status="in_effect", summary="x", citations=()
    )
    with pytest.raises(RuleDefinitionError, match="no citation"):
        _book(_rule(uncited))


def test_unknown_references_raise() -> None:
    with pytest.raises(RuleDefinitionError, match="unknown flag"):
        _book(BAR, flags=())
    orphan = Rule(
        id="o",
        title="Orphan",
        kind="bar",
        instrument="missing_instrument",
        anchor="as_of",
        versions=(_version("a", "2020-01-01", None),),
    )
    with pytest.raises(RuleDefinitionError, match="unknown instrument"):
        _book(orphan)
    bad_instrument = Instrument("i2", "I", "regulation", ("c",), flags=("nope",))
    with pytest.raises(RuleDefinitionError, match="unknown flag"):
        LawBook.build(id="t", version="1", instruments=[INSTRUMENT, bad_instrument], rules=[], flags=[FLAG])
    with pytest.raises(RuleDefinitionError, match="two rules"):
        _book(BAR, BAR)


def test_digest_changes_with_content() -> None:
    a = _book(BAR)
    b = _book(_rule(_version("one", "2020-01-01", None, applies=FALSE)))
    assert a.digest == _book(BAR).digest
    assert a.digest != b.digest


def test_expression_evaluation() -> None:
    facts = {"age": 17, "nats": ("GT", "HN"), "on": D("2020-01-01"), "missing": None, "yes": True}
    assert (fact("age") < 18).evaluate(facts)
    assert not (fact("age") >= 18).evaluate(facts)
    assert fact("age").eq(17).evaluate(facts) and fact("age").ne(18).evaluate(facts)
    assert fact("nats").contains("GT").evaluate(facts)
    assert not fact("nats").contains("MX").evaluate(facts)
    assert fact("nats").intersects({"MX", "HN"}).evaluate(facts)
    assert not fact("nats").intersects({"MX"}).evaluate(facts)
    assert fact("age").is_in({16, 17}).evaluate(facts)
    assert (fact("on") >= D("2019-11-19")).evaluate(facts)
    # A comparison with a missing value is false; is_set tests presence.
    assert not (fact("missing") < 3).evaluate(facts)
    assert not (fact("missing") >= 3).evaluate(facts)
    assert not fact("missing").is_set().evaluate(facts) and fact("age").is_set().evaluate(facts)
    assert (fact("yes") & ~fact("missing").is_set()).evaluate(facts)
    assert (FALSE | fact("yes")).evaluate(facts)
    assert all_of().evaluate(facts) is True and any_of().evaluate(facts) is False
    with pytest.raises(KeyError, match="unknown_fact"):
        fact("unknown_fact").evaluate(facts)


def test_expression_describe_and_fact_names() -> None:
    expr = (fact("age") < 18) & ~fact("family_unit") | fact("nats").contains("GT")
    assert (
        "age < 18" in expr.describe()
        and "not family_unit" in expr.describe()
        and "'GT' in nats" in expr.describe()
    )
    assert expr.fact_names() == {"age", "family_unit", "nats"}
    assert (fact("on") >= D("2019-11-19")).describe() == "on >= 2019-11-19"
    assert fact("x").is_set().describe() == "x is known"
    assert "shares an item with" in fact("n").intersects({"HN"}).describe()


def test_determine_records_the_trace() -> None:
    book = _book(BAR)
    dates = {"as_of": D("2020-05-01"), "encountered_on": D("2020-05-01")}
    applies = determine(book, "r", {"age": 30, "country": "GT", "victim": False}, dates)
    assert (applies.outcome, applies.value) == ("applies", "bar")
    node = applies.as_node()
    assert node["rule"] == "r" and node["version"] == "one"
    assert node["citations"] == ["1 CFR 1"]
    assert node["inputs"] == {"age": 30, "country": "GT", "victim": False}
    assert node["read_on"] == {"date": "2020-05-01", "anchor": "as_of"}
    assert node["exceptions"] == [{"id": "victim", "held": False, "citation": "1 CFR 1(b)"}]

    excepted = determine(book, "r", {"age": 30, "country": "GT", "victim": True}, dates)
    assert excepted.outcome == "excepted" and excepted.value is False
    assert excepted.citations[0] == "1 CFR 1(b)"
    assert list(excepted.flags) == ["contested"]

    not_applicable = determine(book, "r", {"age": 12, "country": "GT", "victim": True}, dates)
    assert not_applicable.outcome == "not_applicable"
    assert list(not_applicable.flags) == []  # the flag is raised only on the 'excepted' outcome
    assert "Not met" in not_applicable.because

    later = determine(book, "r", {"age": 12}, {"as_of": D("2022-01-01"), "encountered_on": D("2020-01-01")})
    assert later.version.version == "two" and later.value == "bar2"


def test_us_pack_trace_nodes_name_rule_version_citations_inputs() -> None:
    from amparo.rules.us import US_PACK
    from amparo.screening import screen

    decision = screen(
        {
            "id": "T-1",
            "encountered_on": "2020-02-03",
            "place": {
                "border": "southwest_land",
                "manner": "between_ports",
                "state": "TX",
                "arrived_from": "MX",
            },
            "person": {"nationalities": ["HN"], "age": 30},
            "route": [{"country": "GT"}, {"country": "MX"}],
        },
        US_PACK,
    )
    trace = decision.to_dict()["trace"]
    assert [n["rule"] for n in trace][:2] == ["uac", "title42"]
    for node in trace:
        assert {"rule", "version", "citations", "inputs", "outcome", "law_status"} <= set(node)
        assert node["citations"]
    aca = next(n for n in trace if n["rule"] == "aca.guatemala_2019")
    assert aca["version"] == "mexicans" and aca["outcome"] == "applies"
    assert aca["inputs"]["nationalities"] == ["HN"]
