"""Versions of a rule that read alike (a rule suspended, then reinstated as it was) share one branch
of the column plan, and every row still gets what the single evaluator gives it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

from agreement import disagreements
from toy_pack import BOOK, ToyPack, toy_document

from amparo.batch.plan import Switch, _alike_versions, compile_plan
from amparo.batch.runner import BatchScreener
from amparo.engine.expr import Fact, IsIn, structure
from amparo.engine.law import LawBook

D = dt.date.fromisoformat


def _reinstated_book() -> LawBook:
    """The toy book with the fast track reinstated, as it read in 2024, from 2025-07-01."""
    fast = BOOK.rule("fast_track")
    before, in_2024, suspended = fast.versions
    versions = (
        before,
        in_2024,
        dataclasses.replace(suspended, valid_to=D("2025-07-01")),
        dataclasses.replace(in_2024, version="reinstated", valid_from=D("2025-07-01"), valid_to=None),
    )
    rules = tuple(
        dataclasses.replace(rule, versions=versions) if rule.id == "fast_track" else rule
        for rule in BOOK.rules.values()
    )
    return LawBook.build(
        id=BOOK.id,
        version="1.0+reinstated",
        instruments=BOOK.instruments.values(),
        rules=rules,
        flags=BOOK.flags.values(),
    )


REINSTATED = _reinstated_book()


@dataclasses.dataclass(frozen=True)
class ReinstatedToyPack(ToyPack):
    def law_book(self) -> LawBook:
        return REINSTATED


def test_alike_versions_are_grouped_and_share_one_branch() -> None:
    fast = REINSTATED.rule("fast_track")
    assert [indexes for indexes, _ in _alike_versions(fast)] == [(0, 2), (1, 3)]
    pack = ReinstatedToyPack()
    plan = compile_plan(pack.law_book(), pack.program)
    outcome = next(c for s in plan.stages for n, c, _ in s.columns if n == "_o.fast_track")
    assert isinstance(outcome, Switch)
    # one branch for both readings that never apply, three for the two that do (not applicable,
    # excepted, applies): four in all instead of eight
    assert len(outcome.branches) == 4
    assert structure(outcome.branches[0][0]) == structure(IsIn(Fact("_vi.fast_track"), frozenset({0, 2})))


def test_rows_in_every_period_agree_with_the_single_evaluator() -> None:
    rng = random.Random(11)
    documents: list[dict[str, Any]] = []
    for i in range(400):
        on = D("2020-06-01") + dt.timedelta(days=rng.randrange(0, 2100))
        document = toy_document(
            id=f"R-{i}",
            arrived_on=on.isoformat(),
            age=rng.choice([9, 17, 18, 40]),
            nationality=rng.choice(["AA", "BB", "CC"]),
        )
        if rng.random() < 0.5:
            document["adjudicated_on"] = (on + dt.timedelta(days=rng.randrange(0, 600))).isoformat()
        documents.append(document)
    pack = ReinstatedToyPack()
    for as_of in (None, D("2024-06-01"), D("2025-03-01"), D("2025-09-01")):
        screener = BatchScreener(pack, as_of=as_of, verify_sample=0)
        rows = screener.screen_documents(documents).to_dicts()
        assert screener.warnings == []
        assert disagreements(documents, rows, pack, as_of=as_of) == []
        if as_of == D("2025-09-01"):  # read in the reinstated period: the fast track applies again
            assert {row["fast_track"] for row in rows} >= {"fast"}
