"""A rule change given as data (:mod:`amparo.batch.change_file`), laid over a law pack without
editing it.

An analyst asks "what if the 2024 rule had been vacated on this date", "what if the Guatemala
agreement had been suspended", "what if that implementation phase had run longer". Each change
makes new versions of the rules it names, and the pack is read through the changed law book (same
program, same facts).

A blocked rule does not apply on the dates of the block (the outcome a court order gives: its
conditions are not read, no exception, no flag); an extended version pushes back the versions
after it, except on the days a block covers. The single evaluator and the batch evaluator read the
same changed book.

With several law packs installed (:func:`overlay_registry`), each change goes to the pack whose law
book holds the rule or instrument it names; ``pack: eu`` says which when more than one does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Collection
from typing import Any, get_args

from amparo.batch.change_file import BlockStatus, Change, RuleChange, Target, in_file_order
from amparo.engine.expr import FALSE
from amparo.engine.law import LawBook, Rule, RuleStatus, RuleVersion
from amparo.engine.pack import LawPack
from amparo.engine.registry import PackRegistry
from amparo.errors import FieldError, InputError, Phrase, RuleDefinitionError


def _targets(book: LawBook, target: Target, index: int, what: str, pack_id: str | None) -> list[Rule]:
    where = f"/changes/{index}/{what}"  # a rule or an instrument, not both (Change.errors)
    pack = _pack_named(pack_id)
    if target.rule is not None:
        if target.rule not in book.rules:
            raise InputError(
                [
                    FieldError(
                        f"{where}/rule", Phrase("no rule '{rule}' in {pack}", rule=target.rule, pack=pack)
                    )
                ]
            )
        return [book.rules[target.rule]]
    rules = [r for r in book.rules.values() if r.instrument == target.instrument]
    if not rules:
        raise InputError(
            [
                FieldError(
                    f"{where}/instrument",
                    Phrase(
                        "no rule of {pack} implements '{instrument}'", pack=pack, instrument=target.instrument
                    ),
                )
            ]
        )
    return rules


def _pack_named(pack_id: str | None) -> Phrase:
    """The law pack as messages name it (``law pack 'us'``)."""
    return Phrase("law pack {pack}", pack=repr(pack_id)) if pack_id is not None else Phrase("the law pack")


def _extended(book: LawBook, target: Target, index: int, pack_id: str | None) -> list[Rule]:
    """The rules an extension applies to: the rule it names, or those of the instrument it names
    that have the version (an instrument's rules need not share their versions: the EU pack's
    ``framework`` rule of the AMMR has no ``before_ammr``)."""
    rules = _targets(book, target, index, "extend", pack_id)
    if target.instrument is None:
        return rules
    having = [rule for rule in rules if any(v.version == target.version for v in rule.versions)]
    if having:
        return having
    pack = _pack_named(pack_id)
    versions = sorted({v.version for rule in rules for v in rule.versions})
    raise InputError(
        [
            FieldError(
                f"/changes/{index}/extend/version",
                Phrase(
                    "no rule of {pack} implementing '{instrument}' has a version '{version}'; their "
                    "versions: {versions}",
                    pack=pack,
                    instrument=target.instrument,
                    version=target.version,
                    versions=versions,
                ),
            )
        ]
    )


#: The endings :func:`_blocked` gives a version's name (``2019+enjoined``).
_BLOCK_ENDINGS = tuple(f"+{status}" for status in get_args(BlockStatus))


def _is_block(version: RuleVersion) -> bool:
    """Whether ``version`` is a piece a block made (:func:`_blocked`)."""
    return version.version.endswith(_BLOCK_ENDINGS)


def _own_name(version: RuleVersion) -> str:
    """The name of the version a piece belongs to (``2019`` for ``2019`` and ``2019+enjoined``)."""
    return version.version.split("+", 1)[0] if _is_block(version) else version.version


def _blocked(
    version: RuleVersion, start: dt.date, end: dt.date | None, status: RuleStatus, citations: tuple[str, ...]
) -> RuleVersion:
    return dataclasses.replace(
        version,
        version=f"{version.version}+{status}",
        valid_from=start,
        valid_to=end,
        status=status,
        summary=f"{status.capitalize()} (what-if): {version.summary}",
        citations=citations,
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
        versions.append(_blocked(v, lo, hi, change.status, (change.citation,)))
        if end is not None and (v_end is None or end < v_end):
            versions.append(dataclasses.replace(v, valid_from=end))
    return dataclasses.replace(rule, versions=tuple(versions))


def _extend(rule: Rule, original: Rule, item: Change, where: str, pack_id: str | None) -> Rule:
    """``rule`` with the version ``item`` extends in force until its ``until`` (``where``: the
    change's path; ``original``: the rule as the pack has it, whose version is laid on the new
    days, citing the change too).

    The version's end is where its last piece ends, blocked or not (an earlier block may have cut
    it in pieces). From there to ``until`` it replaces the versions in force, except on the days
    an earlier block covers: those stay blocked (a block applies to whatever version is in force),
    named after the extended version. So a block and an extension give the same book in either
    order."""
    if item.extend is None or item.until is None:  # pragma: no cover - Change.errors refused it
        raise InputError([FieldError(where, Phrase("give 'extend' and 'until'"))])
    version_id, until = item.extend.version, item.until
    name = Phrase("rule '{rule}' of {pack}", rule=rule.id, pack=_pack_named(pack_id))
    own = [i for i, v in enumerate(rule.versions) if _own_name(v) == version_id]
    found = next((v for v in original.versions if v.version == version_id), None)
    if found is None:
        ids = [v.version for v in original.versions]
        raise InputError(
            [FieldError(f"{where}/extend/version", Phrase("{name} has versions {ids}", name=name, ids=ids))]
        )
    template = dataclasses.replace(found, citations=(*found.citations, item.citation))
    if not own:
        raise InputError(
            [
                FieldError(
                    f"{where}/extend/version",
                    Phrase(
                        "version '{version}' of {name} is in force on no day after the earlier changes "
                        "(another version's extension replaced it): nothing to extend",
                        version=version_id,
                        name=name,
                    ),
                )
            ]
        )
    start = rule.versions[own[0]].valid_from
    ends = [rule.versions[i].valid_to for i in own]
    blocked_from = next((rule.versions[i].valid_from for i in own if _is_block(rule.versions[i])), None)
    if any(end is None for end in ends):
        no_end = (
            Phrase(
                "version '{version}' of {name} is in force with no end (blocked from {blocked_from} by an "
                "earlier change): nothing to extend",
                version=version_id,
                name=name,
                blocked_from=blocked_from,
            )
            if blocked_from is not None
            else Phrase(
                "version '{version}' of {name} is in force with no end: nothing to extend",
                version=version_id,
                name=name,
            )
        )
        raise InputError([FieldError(f"{where}/extend/version", no_end)])
    current = max(end for end in ends if end is not None)
    if until <= current:
        sooner = (
            Phrase("'until' is before it starts on {start}", start=start)
            if until <= start
            else Phrase("to end it sooner, block the rule from {until}", until=until)
        )
        ends_already = (
            Phrase(
                "version '{version}' of {name} already ends on {end} (blocked from {blocked_from} by an "
                "earlier change): an extension ends later ({sooner})",
                version=version_id,
                name=name,
                end=current,
                blocked_from=blocked_from,
                sooner=sooner,
            )
            if blocked_from is not None
            else Phrase(
                "version '{version}' of {name} already ends on {end}: an extension ends later ({sooner})",
                version=version_id,
                name=name,
                end=current,
                sooner=sooner,
            )
        )
        raise InputError([FieldError(f"{where}/until", ends_already)])
    versions: list[RuleVersion] = []
    filled = current  # the extension's days up to here have a version
    for v in rule.versions:
        lo, hi = max(v.valid_from, current), until if v.valid_to is None else min(v.valid_to, until)
        if lo >= hi:  # not within the extension
            versions.append(v)
            continue
        if filled < lo:  # days no version covered: the extended version's now
            versions.append(dataclasses.replace(template, valid_from=filled, valid_to=lo))
        if v.valid_from < lo:
            versions.append(dataclasses.replace(v, valid_to=lo))
        if _is_block(v):
            versions.append(_blocked(template, lo, hi, v.status, v.citations))
        else:
            versions.append(dataclasses.replace(template, valid_from=lo, valid_to=hi))
        if v.valid_to is None or v.valid_to > hi:
            versions.append(dataclasses.replace(v, valid_from=hi))
        filled = hi
    if filled < until:
        versions.append(dataclasses.replace(template, valid_from=filled, valid_to=until))
    versions.sort(key=lambda v: v.valid_from)
    return dataclasses.replace(rule, versions=tuple(versions))


def _joined(versions: list[RuleVersion]) -> list[RuleVersion]:
    """``versions`` with two pieces of one reading that meet made one (the extended version and
    its extension)."""
    out: list[RuleVersion] = []
    for v in versions:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.valid_to == v.valid_from
            and dataclasses.replace(previous, valid_to=v.valid_to)
            == dataclasses.replace(v, valid_from=previous.valid_from)
        ):
            out[-1] = dataclasses.replace(previous, valid_to=v.valid_to)
        else:
            out.append(v)
    return out


def apply_change(
    book: LawBook, change: RuleChange, indices: Collection[int] | None = None, pack_id: str | None = None
) -> LawBook:
    """A new law book: ``book`` with every change laid over it, in order (``indices``: only the
    changes at these positions of the file; ``pack_id``: the pack's name in messages). Every
    change that cannot be laid is named at once."""
    errors = change.errors(indices)
    if errors:
        raise InputError(errors)
    rules = dict(book.rules)
    for index, item in enumerate(change.changes):
        if indices is not None and index not in indices:
            continue
        try:
            if item.block is not None and item.from_ is not None:
                for rule in _targets(book, item.block, index, "block", pack_id):
                    rules[rule.id] = _block(rules[rule.id], item.from_, item.to, item)
            elif item.extend is not None and item.until is not None:
                for rule in _extended(book, item.extend, index, pack_id):
                    try:
                        rules[rule.id] = _extend(rules[rule.id], rule, item, f"/changes/{index}", pack_id)
                    except InputError as exc:  # every rule's problem is named
                        errors += exc.errors
        except InputError as exc:  # the next changes are still read, for their own errors
            errors += exc.errors
    if errors:
        raise InputError(errors)
    rules = {  # pieces of one reading that meet made one: the same book whatever the changes' order
        rule_id: rule
        if rule is book.rules[rule_id]
        else dataclasses.replace(rule, versions=tuple(_joined(list(rule.versions))))
        for rule_id, rule in rules.items()
    }
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
        reason = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Phrase) else str(exc)
        raise InputError(
            [
                FieldError(
                    "--change", Phrase("the changed law book is not consistent: {reason}", reason=reason)
                )
            ]
        ) from None


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
        if function is None or getattr(value, "__self__", None) is not self._base:
            return value
        if name in _SHARED and not (name == "extract_fact_columns" and _facts_read_book(self._base)):
            return value
        return function.__get__(self)


#: Methods bound to the base pack through an overlay (their results do not depend on the book).
_SHARED = frozenset({"extract_fact_columns", "documents_frame", "document_schema"})


def _facts_read_book(pack: LawPack) -> bool:
    """Whether the pack's column facts read its law book (``ColumnarPack``): they are then read
    through the changed book, each reading of ``impact`` its own (the EU pack's framework)."""
    return bool(getattr(pack, "column_facts_read_book", False))


def overlay(pack: LawPack, change: RuleChange) -> LawPack:
    """``pack`` with ``change`` laid over its law book."""
    for index, item in enumerate(change.changes):
        if item.pack is not None and item.pack != pack.id:
            raise InputError(
                [
                    FieldError(
                        f"/changes/{index}/pack",
                        Phrase("expected {pack}, the law pack read here", pack=repr(pack.id)),
                    )
                ]
            )
    return _overlaid(pack, apply_change(pack.law_book(), change, pack_id=pack.id))


def _overlaid(pack: LawPack, book: LawBook) -> LawPack:
    overlaid: Any = OverlaidPack(pack, book)
    result: LawPack = overlaid
    return result


def overlay_registry(registry: PackRegistry, change: RuleChange) -> PackRegistry:
    """Every pack of ``registry``, each with the changes that name its rules or instruments laid
    over its law book (a pack no change names stays as it is). A change whose rule or instrument
    no pack holds, or more than one holds without ``pack`` saying which, is refused by field."""
    chosen: dict[str, list[int]] = {}
    errors: list[FieldError] = []
    for index, item in enumerate(change.changes):
        try:
            chosen.setdefault(_pack_of(registry, item, index), []).append(index)
        except InputError as exc:  # every change's errors are named at once
            errors += exc.errors
    books: dict[str, LawBook] = {}
    for pack in registry:
        if pack.id in chosen:
            try:
                books[pack.id] = apply_change(pack.law_book(), change, set(chosen[pack.id]), pack.id)
            except InputError as exc:
                errors += exc.errors
    if errors:
        raise InputError(in_file_order(errors))
    packs = [_overlaid(pack, books[pack.id]) if pack.id in books else pack for pack in registry]
    return PackRegistry(packs, default=registry.default_id)


def _holds(book: LawBook, target: Target) -> bool:
    if target.rule is not None:
        return target.rule in book.rules
    return any(rule.instrument == target.instrument for rule in book.rules.values())


def _pack_of(registry: PackRegistry, item: Change, index: int) -> str:
    """The id of the pack change ``index`` applies to."""
    what, target = ("block", item.block) if item.block is not None else ("extend", item.extend)
    if item.pack is not None:
        if item.pack not in registry.ids:
            known = ", ".join(registry.ids)
            raise InputError(
                [
                    FieldError(
                        f"/changes/{index}/pack",
                        Phrase(
                            "no law pack {pack}; expected one of: {known}", pack=repr(item.pack), known=known
                        ),
                    )
                ]
            )
        named = registry.get(item.pack)
        if (
            target is not None
            and (target.rule is None) != (target.instrument is None)
            and not _holds(named.law_book(), target)
        ):
            field, name = (
                ("rule", target.rule) if target.rule is not None else ("instrument", target.instrument)
            )
            holders = [pack.id for pack in registry if _holds(pack.law_book(), target)]
            values = {"pack": repr(item.pack), "name": name, "holders": ", ".join(repr(h) for h in holders)}
            if field == "rule":
                has_not = (
                    Phrase(
                        "law pack {pack} has no rule '{name}'; law pack {holders} does (leave out 'pack', "
                        "or name that one)",
                        **values,
                    )
                    if holders
                    else Phrase("law pack {pack} has no rule '{name}'", **values)
                )
            else:
                has_not = (
                    Phrase(
                        "law pack {pack} has no rule implementing '{name}'; law pack {holders} does (leave "
                        "out 'pack', or name that one)",
                        **values,
                    )
                    if holders
                    else Phrase("law pack {pack} has no rule implementing '{name}'", **values)
                )
            raise InputError([FieldError(f"/changes/{index}/{what}/{field}", has_not)])
        return item.pack
    if target is None or (target.rule is None) == (target.instrument is None):
        return registry.default_id  # apply_change names what is missing
    holders = [pack.id for pack in registry if _holds(pack.law_book(), target)]
    if len(holders) == 1:
        return holders[0]
    field, name = ("rule", target.rule) if target.rule is not None else ("instrument", target.instrument)
    if not holders:
        known = ", ".join(registry.ids)
        message = (
            Phrase("no rule '{name}' in any law pack ({known})", name=name, known=known)
            if field == "rule"
            else Phrase("no rule of any law pack ({known}) implements '{name}'", name=name, known=known)
        )
        raise InputError([FieldError(f"/changes/{index}/{what}/{field}", message)])
    raise InputError(
        [
            FieldError(
                f"/changes/{index}/pack",
                Phrase(
                    "the packs {holders} all hold '{name}': name one with 'pack'",
                    holders=", ".join(holders),
                    name=name,
                ),
            )
        ]
    )
