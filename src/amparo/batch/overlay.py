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
      - extend: {rule: aca.guatemala_2019, version: phase_1_el_paso}
        until: 2020-02-01         # the version stays in force until this date (later than its end)
        citation: "What-if: the first phase extended"

A blocked rule does not apply on the dates of the block (the outcome a court order gives: its
conditions are not read, no exception, no flag); an extended version pushes back the versions
after it. The single evaluator and the batch evaluator read the same changed book.

With several law packs installed (:func:`overlay_registry`), each change goes to the pack whose law
book holds the rule or instrument it names; ``pack: eu`` says which when more than one does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from amparo.engine.expr import FALSE
from amparo.engine.law import LawBook, Rule, RuleStatus, RuleVersion
from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.errors import FieldError, InputError, RuleDefinitionError

BlockStatus = Literal["enjoined", "vacated", "stayed", "suspended", "terminated"]


def _day_as_text(value: Any) -> Any:
    """A day written ``YYYY-MM-DD`` (a date already read as one passes): pydantic alone would read
    a number as Unix seconds (``from: 0`` as 1970-01-01) and take a date-time at midnight."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(f"expected a date written YYYY-MM-DD, got {value!r}")


#: A day in a change file.
Day = Annotated[dt.date, BeforeValidator(_day_as_text)]


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
    pack: str | None = None  # the law pack whose book the change applies to (when several hold it)
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    until: Day | None = None
    status: BlockStatus = "enjoined"
    citation: str = "Hypothetical rule change (amparo impact --change)"

    def errors(self, where: str) -> list[FieldError]:
        """What this change lacks or gives that its kind does not take, each at its path (``where``:
        the change's own, ``/changes/0``); the law book is not needed to tell."""
        given = self.model_fields_set
        what, target = ("block", self.block) if self.block is not None else ("extend", self.extend)
        if target is None or (self.block is not None and self.extend is not None):
            return [FieldError(where, "give either 'block' or 'extend'")]
        out = []
        if (target.rule is None) == (target.instrument is None):
            out.append(FieldError(f"{where}/{what}", "name either a rule or an instrument"))
        if self.block is not None:
            if self.from_ is None:
                out.append(FieldError(f"{where}/from", "a block needs the date it starts"))
            elif self.to is not None and self.to <= self.from_:
                out.append(
                    FieldError(
                        f"{where}/to",
                        f"the block is lifted on {self.to}, not after it starts on {self.from_}",
                    )
                )
            if target.version is not None:
                out.append(
                    FieldError(
                        f"{where}/block/version",
                        "a block covers every version in force between 'from' and 'to': give the dates, not a version",
                    )
                )
            if self.until is not None:
                out.append(FieldError(f"{where}/until", "a block is lifted on 'to'; 'until' is for 'extend'"))
            return out
        if target.version is None:
            out.append(FieldError(f"{where}/extend/version", "name the version to extend"))
        if self.until is None:
            out.append(FieldError(f"{where}/until", "an extension needs its new end"))
        for name, field in (("from_", "from"), ("to", "to"), ("status", "status")):
            if name in given:
                out.append(
                    FieldError(
                        f"{where}/{field}", f"an extension takes only 'until'; '{field}' is for 'block'"
                    )
                )
        return out


class RuleChange(_Strict):
    """A change file."""

    changes: list[Change] = Field(min_length=1)

    def errors(self, indices: Collection[int] | None = None) -> list[FieldError]:
        """Every change's :meth:`Change.errors` (``indices``: only the changes at these positions)."""
        return [
            error
            for index, item in enumerate(self.changes)
            if indices is None or index in indices
            for error in item.errors(f"/changes/{index}")
        ]


class _DatesAsText(yaml.SafeLoader):
    """YAML read with dates left as the text they are written in, so that a date that is not one
    (``2024-13-01``) is refused at its field, as in a JSON change file, not for the whole file."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_FOUND = {str: "text", int: "a number", float: "a number", bool: "true or false"}


def load_change(path: Path) -> RuleChange:
    """The change file at ``path`` (YAML or JSON), or InputError naming each bad field."""
    from amparo.plain_words import field_errors
    from amparo.user_text import read_user_text

    if not path.exists():
        raise InputError([FieldError("--change", f"no such file: {path}")])
    text = read_user_text(path, "--change")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_DatesAsText)
    except (ValueError, yaml.YAMLError) as exc:  # malformed YAML or JSON: say where
        raise InputError([FieldError("--change", f"{path.name} is not valid YAML or JSON: {exc}")]) from None
    if not isinstance(data, dict):
        found = _FOUND.get(type(data), "a list") if data is not None else "an empty file"
        raise InputError(
            [FieldError("/", f"expected a mapping with the list of changes under 'changes'; found {found}")],
            source=str(path),
        )
    try:
        change = RuleChange.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(error.path, error.message) for error in field_errors(exc)]
        # ... and what the changes that were read lack or give wrongly, so that every bad field
        # of the file is named at once.
        raise InputError(
            _in_file_order([*errors, *_read_changes_errors(data, errors)]), source=str(path)
        ) from None
    errors = change.errors()
    if errors:
        raise InputError(errors, source=str(path))
    return change


def _read_changes_errors(data: dict[str, Any], refused: list[FieldError]) -> list[FieldError]:
    """:meth:`Change.errors` of each item of ``changes``, read without the fields the validation
    ``refused`` (a bad date, an unknown field), at paths it did not name already."""
    items = data.get("changes")
    if not isinstance(items, list):
        return []
    named = {error.path for error in refused}
    errors = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        where = f"/changes/{index}"
        for path in named:
            if path.startswith(where + "/"):
                item = _without(item, path.split("/")[3:])
        try:
            change = Change.model_validate(item)
        except ValidationError:
            continue
        errors += [
            error
            for error in change.errors(where)
            if not any(error.path == path or error.path.startswith(path + "/") for path in named)
        ]
    return errors


def _without(item: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """A copy of ``item`` without the field at ``keys`` (a path inside it)."""
    head, rest = keys[0], keys[1:]
    if head not in item:
        return item
    if rest and isinstance(item[head], dict):
        return {**item, head: _without(item[head], rest)}
    return {key: value for key, value in item.items() if key != head}


def _in_file_order(errors: list[FieldError]) -> list[FieldError]:
    """``errors`` by the change they are in (the file's order); errors of the file itself first."""

    def change_index(error: FieldError) -> int:
        parts = error.path.split("/")
        return int(parts[2]) if len(parts) > 2 and parts[1] == "changes" and parts[2].isdigit() else -1

    return sorted(errors, key=change_index)


def _targets(book: LawBook, target: Target, index: int, what: str) -> list[Rule]:
    where = f"/changes/{index}/{what}"  # a rule or an instrument, not both (Change.errors)
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
    """``rule`` with version ``version_id`` in force until ``until`` (``where``: the change's path)."""
    ids = [v.version for v in rule.versions]
    if version_id not in ids:
        raise InputError([FieldError(f"{where}/extend/version", f"rule '{rule.id}' has versions {ids}")])
    # An earlier block may have cut the version in pieces (before, during and after it): the
    # version ends where its last piece ends, and only that piece is extended.
    pieces = [i for i, v in enumerate(rule.versions) if v.version == version_id]
    last = pieces[-1]
    start, current = rule.versions[pieces[0]].valid_from, rule.versions[last].valid_to
    cut = next(
        (
            v
            for v in rule.versions[last + 1 :]
            if v.version.startswith(f"{version_id}+") and v.valid_from == current
        ),
        None,
    )
    if cut is not None:
        raise InputError(
            [
                FieldError(
                    f"{where}/extend/version",
                    f"version '{version_id}' of rule '{rule.id}' is {cut.status} from {current} by an earlier "
                    "change: extending it would lift that block (give the extension before the block)",
                )
            ]
        )
    if current is None:
        raise InputError(
            [
                FieldError(
                    f"{where}/extend/version",
                    f"version '{version_id}' of rule '{rule.id}' is in force with no end: nothing to extend",
                )
            ]
        )
    if until <= current:
        sooner = (
            f"'until' is before it starts on {start}"
            if until <= start
            else f"to end it sooner, block the rule from {until}"
        )
        raise InputError(
            [
                FieldError(
                    f"{where}/until",
                    f"version '{version_id}' of rule '{rule.id}' already ends on {current}: an extension "
                    f"ends later ({sooner})",
                )
            ]
        )
    versions: list[RuleVersion] = []
    extended = False
    for i, v in enumerate(rule.versions):
        if i == last:
            versions.append(dataclasses.replace(v, valid_to=until))
            extended = True
        elif extended and v.valid_from < until:
            if v.valid_to is not None and v.valid_to <= until:
                continue  # wholly replaced by the extension
            versions.append(dataclasses.replace(v, valid_from=until))
        else:
            versions.append(v)
    return dataclasses.replace(rule, versions=tuple(versions))


def apply_change(book: LawBook, change: RuleChange, indices: Collection[int] | None = None) -> LawBook:
    """A new law book: ``book`` with every change laid over it, in order (``indices``: only the
    changes at these positions of the file)."""
    errors = change.errors(indices)
    if errors:
        raise InputError(errors)
    rules = dict(book.rules)
    for index, item in enumerate(change.changes):
        if indices is not None and index not in indices:
            continue
        if item.block is not None and item.from_ is not None:
            for rule in _targets(book, item.block, index, "block"):
                rules[rule.id] = _block(rules[rule.id], item.from_, item.to, item)
        elif item.extend is not None and item.until is not None:
            for rule in _targets(book, item.extend, index, "extend"):
                rules[rule.id] = _extend(rules[rule.id], item.extend.version, item.until, f"/changes/{index}")
    applied = change.model_dump(by_alias=True, mode="json")["changes"]
    if indices is not None:
        applied = [item for index, item in enumerate(applied) if index in indices]
    digest = hashlib.sha256(json.dumps(applied, sort_keys=True).encode()).hexdigest()[:8]
    try:
        return LawBook.build(
            id=book.id,
            version=f"{book.version}+whatif.{digest}",
            instruments=book.instruments.values(),
            rules=rules.values(),
            flags=book.flags.values(),
        )
    except RuleDefinitionError as exc:  # a change the checks above did not foresee
        raise InputError([FieldError("--change", f"the changed law book is not consistent: {exc}")]) from None


class OverlaidPack:
    """A law pack read through a changed law book; everything else is the pack's own. The pack's
    own methods run with this object as ``self``, so that one reading its law book (the EU pack
    chooses its time limits by the ``framework`` rule in force) reads the changed one (it read the
    pack's own book, and a changed framework was read half). Only the column facts are the base
    pack's, bound to it: they must not read the law book (``ColumnarPack``), and both readings of
    ``impact`` share them."""

    def __init__(self, base: LawPack, book: LawBook) -> None:
        self._base = base
        self._book = book

    def law_book(self) -> LawBook:
        return self._book

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._base, name)
        function = getattr(value, "__func__", None)
        if function is None or getattr(value, "__self__", None) is not self._base or name in _SHARED:
            return value
        return function.__get__(self)


#: Methods bound to the base pack through an overlay (their results do not depend on the book).
_SHARED = frozenset({"extract_fact_columns", "documents_frame", "document_schema"})


def overlay(pack: LawPack, change: RuleChange) -> LawPack:
    """``pack`` with ``change`` laid over its law book."""
    for index, item in enumerate(change.changes):
        if item.pack is not None and item.pack != pack.id:
            raise InputError(
                [FieldError(f"/changes/{index}/pack", f"expected {pack.id!r}, the law pack read here")]
            )
    return _overlaid(pack, apply_change(pack.law_book(), change))


def _overlaid(pack: LawPack, book: LawBook) -> LawPack:
    overlaid: Any = OverlaidPack(pack, book)
    result: LawPack = overlaid
    return result


def overlay_registry(registry: PackRegistry, change: RuleChange) -> PackRegistry:
    """Every pack of ``registry``, each with the changes that name its rules or instruments laid
    over its law book (a pack no change names stays as it is). A change whose rule or instrument
    no pack holds, or more than one holds without ``pack`` saying which, is refused by field."""
    chosen: dict[str, list[int]] = {}
    for index, item in enumerate(change.changes):
        chosen.setdefault(_pack_of(registry, item, index), []).append(index)
    packs = [
        _overlaid(pack, apply_change(pack.law_book(), change, set(chosen[pack.id])))
        if pack.id in chosen
        else pack
        for pack in registry
    ]
    return PackRegistry(packs, default=registry.default_id)


def _holds(book: LawBook, target: Target) -> bool:
    if target.rule is not None:
        return target.rule in book.rules
    return any(rule.instrument == target.instrument for rule in book.rules.values())


def _pack_of(registry: PackRegistry, item: Change, index: int) -> str:
    """The id of the pack change ``index`` applies to."""
    if item.pack is not None:
        if item.pack not in registry.ids:
            known = ", ".join(registry.ids)
            raise InputError(
                [FieldError(f"/changes/{index}/pack", f"no law pack {item.pack!r}; expected one of: {known}")]
            )
        return item.pack
    what, target = ("block", item.block) if item.block is not None else ("extend", item.extend)
    if target is None or (target.rule is None) == (target.instrument is None):
        return registry.default_id  # apply_change names what is missing
    holders = [pack.id for pack in registry if _holds(pack.law_book(), target)]
    if len(holders) == 1:
        return holders[0]
    field, name = ("rule", target.rule) if target.rule is not None else ("instrument", target.instrument)
    if not holders:
        known = ", ".join(registry.ids)
        message = (
            f"no rule '{name}' in any law pack ({known})"
            if field == "rule"
            else f"no rule of any law pack ({known}) implements '{name}'"
        )
        raise InputError([FieldError(f"/changes/{index}/{what}/{field}", message)])
    raise InputError(
        [
            FieldError(
                f"/changes/{index}/pack",
                f"the packs {', '.join(holders)} all hold '{name}': name one with 'pack'",
            )
        ]
    )
