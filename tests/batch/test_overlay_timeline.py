"""Blocks and extensions laid over a rule, against a model of the law day by day (twenty-fourth
round: an extension lifted a later block of the next version, and was refused after a block that
covered its version's end). For every day near a date of the rule or of a change, the version in
force and whether it is blocked are those the model gives, whatever the order of the changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.batch.change_file import RuleChange
from amparo.batch.overlay import apply_change
from amparo.errors import InputError
from amparo.rules.us import US_PACK

BOOK = US_PACK.law_book()
RULES = ("aca.guatemala_2019", "mpp")
FIRST, LAST = dt.date(2019, 1, 1), dt.date(2022, 6, 30)
Day = tuple[str, str | None] | None  # the version in force and its block's status (None: none in force)


def _days() -> Any:
    return st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + dt.timedelta(days=n))


@st.composite
def _changes(draw: Any, rule_id: str) -> list[dict[str, Any]]:
    versions = [v.version for v in BOOK.rules[rule_id].versions]
    out = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            start = draw(_days())
            item: dict[str, Any] = {
                "block": {"rule": rule_id},
                "from": start.isoformat(),
                "status": draw(st.sampled_from(["enjoined", "vacated"])),
            }
            if draw(st.booleans()):
                item["to"] = (start + dt.timedelta(days=draw(st.integers(1, 400)))).isoformat()
        else:
            item = {
                "extend": {"rule": rule_id, "version": draw(st.sampled_from(versions))},
                "until": draw(_days()).isoformat(),
            }
        out.append(item)
    return out


def _model(rule_id: str, changes: list[dict[str, Any]]) -> tuple[dict[dt.date, Day], set[int]]:
    """The law of ``rule_id`` on every day, after ``changes``; and the changes refused."""
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 400)]
    law: dict[dt.date, Day] = {}
    for day in days:
        version = next(
            (
                v
                for v in BOOK.rules[rule_id].versions
                if v.valid_from <= day and (v.valid_to is None or day < v.valid_to)
            ),
            None,
        )
        law[day] = (version.version, None) if version is not None else None
    refused: set[int] = set()
    for index, item in enumerate(changes):
        if "block" in item:
            start = dt.date.fromisoformat(item["from"])
            end = dt.date.fromisoformat(item["to"]) if "to" in item else None
            for day in days:
                if law[day] is not None and start <= day and (end is None or day < end):
                    law[day] = (law[day][0], item["status"])
            continue
        name, until = item["extend"]["version"], dt.date.fromisoformat(item["until"])
        own = [day for day in days if law[day] is not None and law[day][0] == name]
        original = next(v for v in BOOK.rules[rule_id].versions if v.version == name)
        # the version's real end: past the model's last day, it runs as long as it did
        if not own or original.valid_to is None and own[-1] == days[-1]:
            refused.add(index)
            continue
        end = own[-1] + dt.timedelta(days=1)
        if own[-1] == days[-1]:
            end = max(end, original.valid_to)
        if until <= end:
            refused.add(index)
            continue
        for day in days:
            if end <= day < until:
                law[day] = (name, law[day][1] if law[day] is not None else None)
    return law, refused


def _in_force(versions: Any, day: dt.date) -> Day:
    version = next(
        (v for v in versions if v.valid_from <= day and (v.valid_to is None or day < v.valid_to)), None
    )
    if version is None:
        return None
    if "+" in version.version:
        return (version.version.split("+", 1)[0], version.status)
    return (version.version, None)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_blocks_and_extensions_give_the_law_the_model_gives(data: Any) -> None:
    rule_id = data.draw(st.sampled_from(RULES))
    changes = data.draw(_changes(rule_id))
    law, refused = _model(rule_id, changes)
    try:
        book = apply_change(BOOK, RuleChange.model_validate({"changes": changes}))
    except InputError as error:
        paths = {int(e.path.split("/")[2]) for e in error.errors}
        assert paths == refused, (changes, [str(e) for e in error.errors])
        return
    assert not refused, changes
    versions = book.rules[rule_id].versions
    assert all(a.valid_to == b.valid_from for a, b in zip(versions, versions[1:], strict=False))
    edges = {v.valid_from for v in versions} | {v.valid_to for v in versions if v.valid_to is not None}
    edges |= {dt.date.fromisoformat(item.get("from") or item.get("until")) for item in changes}
    edges |= {dt.date.fromisoformat(item["to"]) for item in changes if "to" in item}
    for edge in edges:
        for day in (edge - dt.timedelta(days=1), edge, edge + dt.timedelta(days=1)):
            if FIRST <= day <= LAST:
                assert _in_force(versions, day) == law[day], (day, changes)
