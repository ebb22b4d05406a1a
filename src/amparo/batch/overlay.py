"""A rule change given as data, laid over a law pack without editing it.

An analyst asks "what if the 2024 rule had been vacated on this date", "what if the Guatemala
agreement had been suspended", "what if that implementation phase had run longer". The change file
(YAML or JSON) lists changes; each makes new versions of the rules it names, and the pack is read
through the changed law book (same program, same facts):

.. code-block:: yaml

    changes:
      - block: {instrument: securing_border_2024}   # or {rule: bar.securing_border_2024}
        from: 2024-07-01
        to: 2025-01-01            # optional: the block lifted on this date
        status: vacated           # enjoined, vacated, stayed, suspended or terminated
        citation: "What-if: the 2024 rule vacated from July 1, 2024"
      - extend: {rule: aca.guatemala_2019, version: "2019-11-21"}
        until: 2021-06-01         # the version stays in force until this date
        citation: "What-if: the first phase extended"

A blocked rule does not apply on the dates of the block (the outcome a court order gives: its
conditions are not read, no exception, no flag); an extended version pushes back the versions
after it. The single evaluator and the batch evaluator read the same changed book.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from amparo.engine.expr import FALSE
from amparo.engine.law import LawBook, Rule, RuleStatus, RuleVersion
from amparo.engine.pack import LawPack
from amparo.errors import FieldError, InputError

BlockStatus = Literal["enjoined", "vacated", "stayed", "suspended", "terminated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """The rules a change touches: one rule, or every rule implementing an instrument."""

    rule: str | None = None
    instrument: str | None = None
    version: str | None = None


class Change(_Strict):
    """One change: ``block`` rules from a date (to a date), or ``extend`` a version until a date."""

    block: Target | None = None
    extend: Target | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    until: dt.date | None = None
    status: BlockStatus = "enjoined"
    citation: str = "Hypothetical rule change (amparo impact --change)"


class RuleChange(_Strict):
    """A change file."""

    changes: list[Change] = Field(min_length=1)


def load_change(path: Path) -> RuleChange:
    """The change file at ``path`` (YAML or JSON), or InputError naming each bad field."""
    if not path.is_file():
        raise InputError([FieldError("--change", f"no such file: {path}")])
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # malformed YAML or JSON: say where
        raise InputError([FieldError("--change", f"{path.name} is not valid YAML or JSON: {exc}")]) from None
    try:
        return RuleChange.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError("/" + "/".join(str(p) for p in e["loc"]).replace("from_", "from"), e["msg"])
            for e in exc.errors(include_url=False)
        ]
        raise InputError(errors) from None


def _targets(book: LawBook, target: Target, index: int, what: str) -> list[Rule]:
    where = f"/changes/{index}/{what}"
    if (target.rule is None) == (target.instrument is None):
        raise InputError([FieldError(where, "name either a rule or an instrument")])
    if target.rule is not None:
        if target.rule not in book.rules:
            raise InputError([FieldError(f"{where}/rule", f"no rule '{target.rule}' in the law pack")])
        return [book.rules[target.rule]]
    rules = [r for r in book.rules.values() if r.instrument == target.instrument]
    if not rules:
        raise InputError([FieldError(f"{where}/instrument", f"no rule implements '{target.instrument}'")])
    return rules


def _blocked(version: RuleVersion, start: dt.date, end: dt.date | None, change: Change) -> RuleVersion:
    status: RuleStatus = change.status
    return dataclasses.replace(
        version,
        version=f"{version.version}+{status}",
        valid_from=start,
        valid_to=end,
        status=status,
        summary=f"{status.capitalize()} (what-if): {version.summary}",
        citations=(change.citation,),
        applies=FALSE,
        exceptions=(),
        cases=(),
        flags=(),
        certainty="U",
    )


def _block(rule: Rule, start: dt.date, end: dt.date | None, change: Change) -> Rule:
    versions: list[RuleVersion] = []
    for v in rule.versions:
        v_end = v.valid_to
        overlaps = (end is None or v.valid_from < end) and (v_end is None or start < v_end)
        if not overlaps:
            versions.append(v)
            continue
        if v.valid_from < start:
            versions.append(dataclasses.replace(v, valid_to=start))
        lo = max(v.valid_from, start)
        hi = v_end if end is None else (end if v_end is None else min(v_end, end))
        versions.append(_blocked(v, lo, hi, change))
        if end is not None and (v_end is None or end < v_end):
            versions.append(dataclasses.replace(v, valid_from=end))
    return dataclasses.replace(rule, versions=tuple(versions))


def _extend(rule: Rule, version_id: str | None, until: dt.date, where: str) -> Rule:
    ids = [v.version for v in rule.versions]
    if version_id not in ids:
        raise InputError([FieldError(f"{where}/version", f"rule '{rule.id}' has versions {ids}")])
    versions: list[RuleVersion] = []
    extended = False
    for v in rule.versions:
        if v.version == version_id:
            versions.append(dataclasses.replace(v, valid_to=until))
            extended = True
        elif extended and v.valid_from < until:
            if v.valid_to is not None and v.valid_to <= until:
                continue  # wholly replaced by the extension
            versions.append(dataclasses.replace(v, valid_from=until))
        else:
            versions.append(v)
    return dataclasses.replace(rule, versions=tuple(versions))


def apply_change(book: LawBook, change: RuleChange) -> LawBook:
    """A new law book: ``book`` with every change laid over it, in order."""
    rules = dict(book.rules)
    for index, item in enumerate(change.changes):
        if (item.block is None) == (item.extend is None):
            raise InputError([FieldError(f"/changes/{index}", "give either 'block' or 'extend'")])
        if item.block is not None:
            if item.from_ is None:
                raise InputError([FieldError(f"/changes/{index}/from", "a block needs the date it starts")])
            for rule in _targets(book, item.block, index, "block"):
                rules[rule.id] = _block(rules[rule.id], item.from_, item.to, item)
        elif item.extend is not None:
            if item.until is None:
                raise InputError([FieldError(f"/changes/{index}/until", "an extension needs its new end")])
            for rule in _targets(book, item.extend, index, "extend"):
                rules[rule.id] = _extend(
                    rules[rule.id], item.extend.version, item.until, f"/changes/{index}/extend"
                )
    digest = hashlib.sha256(change.model_dump_json(by_alias=True).encode()).hexdigest()[:8]
    return LawBook.build(
        id=book.id,
        version=f"{book.version}+whatif.{digest}",
        instruments=book.instruments.values(),
        rules=rules.values(),
        flags=book.flags.values(),
    )


class OverlaidPack:
    """A law pack read through a changed law book; everything else is the pack's own."""

    def __init__(self, base: LawPack, book: LawBook) -> None:
        self._base = base
        self._book = book

    def law_book(self) -> LawBook:
        return self._book

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


def overlay(pack: LawPack, change: RuleChange) -> LawPack:
    """``pack`` with ``change`` laid over its law book."""
    overlaid: Any = OverlaidPack(pack, apply_change(pack.law_book(), change))
    result: LawPack = overlaid
    return result
