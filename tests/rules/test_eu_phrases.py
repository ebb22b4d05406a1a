"""The EU pack's unmet conditions read in words ("Not met: not an unaccompanied minor"), in English
and in Spanish, never as raw facts ("unaccompanied_minor; uam_family_state is known")."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po
from rich.console import Console

from amparo.engine.expr import And, Expr, Fact
from amparo.engine.pack import AnyApplies, Step
from amparo.i18n import catalogue_path
from amparo.rules.eu import EU_PACK
from amparo.rules.eu.facts import FACT_TYPES
from amparo.rules.eu.phrases import FACT_PHRASES
from amparo.screening import screen
from amparo.screening.explain import _phrase, explain

E1 = Path(__file__).parents[2].parent / "shared/spec/eu/examples/e1-syrian-greece-germany-2024.json"
SCENARIOS = sorted((Path(__file__).parents[2] / "src/amparo/rules/eu/scenarios").glob("*.yaml"))
NOT_MET = re.compile(r"(?:Not met|No se cumple): (.*?)\.$")


def _conjuncts(expr: Expr) -> Iterator[Expr]:
    if isinstance(expr, And):
        for operand in expr.operands:
            yield from _conjuncts(operand)
    else:
        yield expr


def _shown_conditions() -> list[Expr]:
    """Every part of an in-force EU rule's condition that an explanation can list as not met."""
    conditions: list[Expr] = []
    for rule in EU_PACK.law_book().rules.values():
        for version in rule.versions:
            if version.status in {"in_effect", "implemented"} and version.applies.fact_names():
                conditions += _conjuncts(version.applies)
    return conditions


def _fact_names() -> set[str]:
    """The facts the pack extracts and the facts its program's steps set."""
    names = set(FACT_TYPES)
    for step in EU_PACK.program.steps:
        if isinstance(step, Step) and step.sets:
            names.add(step.sets)
        elif isinstance(step, AnyApplies):
            names.add(step.fact)
    return names


def _spanish() -> dict[str, str]:
    with catalogue_path("es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _not_met(document: dict[str, Any], lang: str) -> list[str]:
    """The unmet conditions an explanation lists, one by one."""
    out = io.StringIO()
    Console(file=out, width=10_000, color_system=None).print(
        explain(screen(document, EU_PACK), EU_PACK, lang)
    )
    clauses: list[str] = []
    for line in out.getvalue().splitlines():
        found = NOT_MET.search(line.strip(" │"))
        if found:
            clauses += found.group(1).split("; ")
    return clauses


def _raw(clauses: list[str]) -> list[str]:
    """The clauses that name a fact as written (``minor`` or ``detained`` alone are also words)."""
    names = _fact_names()
    return [
        c
        for c in clauses
        if (c in names or any("_" in word and word in names for word in re.findall(r"\w+", c)))
    ]


def test_every_condition_of_an_eu_rule_has_a_phrase() -> None:
    # Conditions over two facts (``request_sent_on > take_charge_deadline``) included: a phrase is
    # looked up by the condition as written first.
    unphrased = {
        c.describe() for c in _shown_conditions() if _phrase(c, EU_PACK.fact_phrases, str) == c.describe()
    }
    assert unphrased == set()


def test_every_phrase_is_of_a_condition_or_a_fact_an_eu_rule_reads() -> None:
    conditions = _shown_conditions()
    written = {c.describe() for c in conditions}
    one_fact = {name for c in conditions if len(c.fact_names()) == 1 for name in c.fact_names()}
    assert set(FACT_PHRASES) <= written | one_fact, set(FACT_PHRASES) - written - one_fact
    # A phrase keyed by a fact is said of every condition over it; one keyed as written, of that one.
    keyed_by_fact = set(FACT_PHRASES) & one_fact - written
    assert keyed_by_fact <= _fact_names()
    assert len(set(FACT_PHRASES.values())) == len(FACT_PHRASES)


def test_the_issuer_count_reads_as_each_criterion_needs_it() -> None:
    count = Fact("valid_document_issuer_count")
    for condition, words in (
        (count.eq(1), "no valid residence document or visa, or valid ones from more than one State"),
        (count > 1, "no valid documents from more than one State"),
        (count.eq(0), "holds a valid residence document or visa"),
    ):
        assert _phrase(condition, EU_PACK.fact_phrases, str) == words


def test_every_phrase_has_its_spanish() -> None:
    spanish = _spanish()
    missing = [p for p in FACT_PHRASES.values() if not spanish.get(p)]
    assert not missing


def test_the_pack_offers_its_phrases_to_the_catalogue() -> None:
    from amparo.i18n.extract import messages

    assert set(FACT_PHRASES.values()) <= set(messages([EU_PACK]))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_e1_explanation_names_no_raw_fact(lang: str) -> None:
    document = json.loads(E1.read_text())["encounter"]
    clauses = _not_met(document, lang)
    assert clauses
    assert _raw(clauses) == []
    first = {"en": "not an unaccompanied minor", "es": "no es un menor no acompañado"}[lang]
    assert first in clauses
    if lang == "es":
        assert "ningún documento de residencia válido" in clauses
        assert not set(clauses) & set(FACT_PHRASES.values())  # nothing left in English


def test_no_scenario_explanation_names_a_raw_fact() -> None:
    raw = {
        path.name: found
        for path in SCENARIOS
        if (found := _raw(_not_met(yaml.safe_load(path.read_text())["document"], "es")))
    }
    assert raw == {}
