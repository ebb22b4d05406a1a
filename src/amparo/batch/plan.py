"""A pack's program as a column plan: the same rules, versions, exceptions, tables and flags as the
single-document evaluator (:func:`amparo.screening.screen_parsed`), written as column assignments
that any columnar backend (Polars, Spark) runs without per-row Python.

For each step of the program, in order:

- ``_vi.<rule>``: the index of the rule version in force on the row's anchor date (null where
  none is: the single evaluator would raise ``NoRuleInForce``, so such rows are screened one by one);
- ``_o.<rule>``: the outcome code (:data:`OUTCOME_CODES`), first exception or first table row wins;
- ``_v.<rule>``: the value (the rule's ``not_applicable`` value unless it applied or is a table);
- ``_f.<n>``: one boolean per ``FlagWhen`` of any version, raised as the single evaluator raises it
  (the version consulted, its condition on the facts as they stood at that step, its outcomes);
- the named fact the step sets, if any, for the steps after it.

Then the summary keys (read exactly as :mod:`amparo.screening.screen` reads them) and the ordered,
de-duplicated flag ids. Nothing here knows any pack.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from amparo.engine.expr import FALSE, And, Compare, Expr, Fact, IsIn, IsSet, Lit, Not, Or, structure
from amparo.engine.law import LawBook, Rule, RuleVersion
from amparo.engine.pack import AnyApplies, Program, SummaryKey
from amparo.errors import RuleDefinitionError

OUTCOME_CODES: dict[str, int] = {"not_applicable": 0, "applies": 1, "excepted": 2, "value": 3}
APPLIES = OUTCOME_CODES["applies"]

ValueType = Literal["bool", "str", "int", "float", "date", "datetime", "null", "outcome", "version"]

#: Column names the plan reads besides the facts: the row's anchor dates are ``ANCHOR + name``.
ANCHOR = "_anchor."
NO_VERSION = "_no_version"
SUMMARY = "_s."
FLAGS = "_flags"


@dataclass(frozen=True)
class Switch:
    """The value of the first branch whose condition holds, else ``otherwise`` (first match wins)."""

    branches: tuple[tuple[Expr, Expr], ...]
    otherwise: Expr
    dtype: ValueType | None


@dataclass(frozen=True)
class Collect:
    """The values of ``items`` whose condition holds, as a list: in item order without repeats
    (``order="first"``) or sorted (``order="sorted"``)."""

    items: tuple[tuple[Expr, str | Expr], ...]
    order: Literal["first", "sorted"]
    _decoded: dict[tuple[int, ...], list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @property
    def maskable(self) -> bool:
        """Every value is a constant: the column is computed as bit words and decoded per distinct word."""
        return all(isinstance(value, str) for _, value in self.items)

    def words(self) -> list[list[tuple[Expr, int]]]:
        """The conditions of each 63-bit word, with their bit."""
        out: list[list[tuple[Expr, int]]] = []
        for index, (condition, _) in enumerate(self.items):
            if index % 63 == 0:
                out.append([])
            out[-1].append((condition, 1 << (index % 63)))
        return out

    def decode(self, words: tuple[int, ...]) -> list[str]:
        """The list the single evaluator gives for these bit words (each word combination is
        decoded once: a batch meets the same few hundred again and again)."""
        known = self._decoded.get(words)
        if known is None:
            known = self._decoded[words] = self._decode(words)
        return list(known)

    def _decode(self, words: tuple[int, ...]) -> list[str]:
        present = [
            str(value)
            for index, (_, value) in enumerate(self.items)
            if words[index // 63] is not None and words[index // 63] >> (index % 63) & 1
        ]
        if self.order == "sorted":
            return sorted(present)
        return list(dict.fromkeys(present))


Column = Expr | Switch | Collect


@dataclass(frozen=True)
class Assign:
    """Stage of the plan: set these columns together (each reads only earlier stages)."""

    columns: tuple[tuple[str, Column, ValueType | None], ...]


@dataclass(frozen=True)
class Plan:
    """The whole program as ordered stages, then which columns are the summary and the flags."""

    stages: tuple[Assign, ...]
    summary_keys: tuple[str, ...]
    summary_types: dict[str, ValueType | Literal["list"] | None]
    flag_ids: tuple[str, ...]
    rules: tuple[str, ...]
    facts: frozenset[str] = frozenset()

    def levelled(self) -> Plan:
        """The same columns in as few stages as their dependencies allow (each column in the first
        stage after everything it reads), so a backend computes more of them together. The plan is
        kept as it is where a name is set twice or read before a later column sets it."""
        order: list[tuple[str, Column, ValueType | None]] = [
            c for stage in self.stages for c in stage.columns
        ]
        position = {name: i for i, (name, _, _) in enumerate(order)}
        if len(position) != len(order):
            return self
        level: dict[str, int] = {}
        for i, (name, column, _) in enumerate(order):
            reads = _reads(column)
            if any(position.get(r, -1) > i for r in reads):
                return self
            level[name] = 1 + max((level[r] for r in reads if r in level), default=-1)
        stages: dict[int, list[tuple[str, Column, ValueType | None]]] = {}
        for entry in order:
            stages.setdefault(level[entry[0]], []).append(entry)
        return dataclasses.replace(self, stages=tuple(Assign(tuple(stages[k])) for k in sorted(stages)))

    @staticmethod
    def read_by(stages: tuple[Assign, ...]) -> frozenset[str]:
        """The facts the stages read that no stage sets (the extraction must give them)."""
        read: set[str] = set()
        set_here: set[str] = set()
        for stage in stages:
            for name, column, _ in stage.columns:
                read |= {n for n in _reads(column) if n not in set_here}
                set_here.add(name)
        return frozenset(n for n in read if not n.startswith(ANCHOR))


def summary_column(key: str) -> str:
    """The plan's column of a summary key (apart from any fact of the same name)."""
    return SUMMARY + key


def _reads(column: Column) -> frozenset[str]:
    """The names a column reads."""
    exprs: list[Expr]
    if isinstance(column, Switch):
        exprs = [e for pair in column.branches for e in pair] + [column.otherwise]
    elif isinstance(column, Collect):
        exprs = [e for cond, value in column.items for e in (cond, value) if isinstance(e, Expr)]
    else:
        exprs = [column]
    return frozenset(n for e in exprs for n in e.fact_names())


def value_type(values: list[Any], where: str) -> ValueType | None:
    """The one column type of these Python values (``None`` fits any; ``None`` back when a value is
    an expression, whose type the backend infers); mixed types are refused."""
    kinds: set[ValueType] = set()
    if any(isinstance(value, Expr) for value in values):
        return None
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            kinds.add("bool")
        elif isinstance(value, str):
            kinds.add("str")
        elif isinstance(value, int):
            kinds.add("int")
        elif isinstance(value, float):
            kinds.add("float")
        elif isinstance(value, dt.datetime):
            kinds.add("datetime")
        elif isinstance(value, dt.date):
            kinds.add("date")
        else:
            raise RuleDefinitionError(f"{where}: no columnar type for the value {value!r}")
    if kinds == {"int", "float"}:
        return "float"
    if len(kinds) > 1:
        raise RuleDefinitionError(f"{where}: values of mixed types {sorted(kinds)} cannot be one column")
    return next(iter(kinds)) if kinds else "null"


def _never(expr: Expr) -> bool:
    return isinstance(expr, Lit) and expr.value is False


def _reachable_values(rule: Rule, *, with_not_applicable: bool = True) -> list[Any]:
    tables_only = all(version.cases for version in rule.versions)  # 'not applicable' is never given
    values: list[Any] = [rule.not_applicable] if with_not_applicable and not tables_only else []
    for version in rule.versions:
        if version.cases:
            values += [case.value for case in version.cases]
            values.append(version.value)
        elif not _never(version.applies):
            values.append(version.value)
    return values


def _as_value(value: Any) -> Expr:
    """A rule's value as an expression: a constant, or the expression it already is."""
    return value if isinstance(value, Expr) else Lit(value)


def _eq(name: str, code: int) -> Expr:
    return Compare("==", Fact(name), Lit(code))


def _any(operands: list[Expr]) -> Expr:
    if not operands:
        return FALSE
    return operands[0] if len(operands) == 1 else Or(tuple(operands))


def _all(operands: list[Expr]) -> Expr:
    return operands[0] if len(operands) == 1 else And(tuple(operands))


def _version_in(vi: str, indexes: tuple[int, ...]) -> Expr:
    """The row's version of a rule is one of ``indexes``."""
    return _eq(vi, indexes[0]) if len(indexes) == 1 else IsIn(Fact(vi), frozenset(indexes))


def _reading(version: RuleVersion) -> Any:
    """What a version decides, apart from its dates and sources, by :func:`structure`: two versions
    with the same reading give every row the same outcome, value and flags."""
    flags = tuple((f.flag, structure(f.when), f.outcomes) for f in version.flags)
    if _never(version.applies) and not version.cases:
        return ("not_applicable", flags)
    return (
        structure(version.applies),
        structure(tuple(x.when for x in version.exceptions)),
        structure(version.value),
        tuple((structure(case.when), structure(case.value)) for case in version.cases),
        flags,
    )


def _alike_versions(rule: Rule) -> list[tuple[tuple[int, ...], RuleVersion]]:
    """The rule's versions grouped by their reading (:func:`_reading`), in the order each reading
    first appears, with the first version of each as its example: the plan asks each reading's
    conditions once for all its versions (a rule often returns to an earlier reading, e.g. after an
    injunction is lifted). Versions whose reading cannot be compared stay apart."""
    groups: dict[Any, list[int]] = {}
    order: list[tuple[list[int], RuleVersion]] = []
    for k, version in enumerate(rule.versions):
        try:
            key = _reading(version)
        except TypeError:  # an unhashable value: a group of its own
            order.append(([k], version))
            continue
        if key in groups:
            groups[key].append(k)
        else:
            groups[key] = [k]
            order.append((groups[key], version))
    return [(tuple(ks), version) for ks, version in order]


def _covers(version: RuleVersion, anchor: str) -> Expr:
    starts = Compare(">=", Fact(anchor), Lit(version.valid_from))
    if version.valid_to is None:
        return starts
    return And((starts, Compare("<", Fact(anchor), Lit(version.valid_to))))


class _Compiler:
    def __init__(self, book: LawBook, program: Program) -> None:
        self.book = book
        self.program = program
        self.stages: list[Assign] = []
        self.flag_columns: list[tuple[str, str]] = []
        self.types: dict[str, ValueType | None] = {}
        self.opaque: set[str] = set()

    def rule_stages(self, rule: Rule) -> Iterator[Assign]:
        vi, o, v = f"_vi.{rule.id}", f"_o.{rule.id}", f"_v.{rule.id}"
        anchor = ANCHOR + rule.anchor
        yield Assign(
            (
                (
                    vi,
                    Switch(
                        tuple((_covers(ver, anchor), Lit(k)) for k, ver in enumerate(rule.versions)),
                        Lit(None),
                        "version",
                    ),
                    "version",
                ),
            )
        )
        groups = _alike_versions(rule)
        outcome: list[tuple[Expr, Expr]] = []
        for ks, ver in groups:
            here = _version_in(vi, ks)
            if ver.cases:
                outcome.append((here, Lit(OUTCOME_CODES["value"])))
                continue
            if _never(ver.applies):
                outcome.append((here, Lit(OUTCOME_CODES["not_applicable"])))
                continue
            outcome.append((And((here, Not(ver.applies))), Lit(OUTCOME_CODES["not_applicable"])))
            if ver.exceptions:
                unless = _any([x.when for x in ver.exceptions])
                outcome.append((And((here, unless)), Lit(OUTCOME_CODES["excepted"])))
            outcome.append((here, Lit(APPLIES)))
        yield Assign(((o, Switch(tuple(outcome), Lit(None), "outcome"), "outcome"),))

        dtype = value_type(_reachable_values(rule, with_not_applicable=False), f"rule '{rule.id}'")
        otherwise: Expr = Lit(rule.not_applicable)
        try:
            dtype = value_type(_reachable_values(rule), f"rule '{rule.id}'")
        except RuleDefinitionError:
            # The 'not applicable' value is of another type than the values (e.g. False beside a
            # country): it is left null here, and only readers of applied values may read it.
            otherwise = Lit(None)
            self.opaque.add(rule.id)
        self.types[v] = dtype
        branches: list[tuple[Expr, Expr]] = []
        for ks, ver in groups:
            here = _version_in(vi, ks)
            if ver.cases:
                branches += [(And((here, case.when)), _as_value(case.value)) for case in ver.cases]
                branches.append((here, _as_value(ver.value)))
            elif not _never(ver.applies):
                branches.append((And((here, _eq(o, APPLIES))), _as_value(ver.value)))
        columns: list[tuple[str, Column, ValueType | None]] = [
            (v, Switch(tuple(branches), otherwise, dtype), dtype)
        ]
        for ks, ver in groups:
            for flag_when in ver.flags:
                name = f"_f.{len(self.flag_columns)}"
                conditions = [_version_in(vi, ks), flag_when.when]
                if flag_when.outcomes:
                    conditions.append(_any([_eq(o, OUTCOME_CODES[x]) for x in flag_when.outcomes]))
                columns.append((name, _all(conditions), "bool"))
                self.flag_columns.append((name, flag_when.flag))
        yield Assign(tuple(columns))

    def compile(self) -> Plan:
        consulted: list[str] = []
        for step in self.program.steps:
            if isinstance(step, AnyApplies):
                expr = _any([_eq(f"_o.{r}", APPLIES) for r in step.rules])
                self.types[step.fact] = "bool"
                self.stages.append(Assign(((step.fact, expr, "bool"),)))
                continue
            rule = self.book.rule(step.rule)
            consulted.append(rule.id)
            self.stages.extend(self.rule_stages(rule))
            if step.sets is not None:
                if step.take == "value" and rule.id in self.opaque:
                    raise RuleDefinitionError(
                        f"rule '{rule.id}': its value and 'not applicable' differ in type"
                    )
                source: Expr = (
                    _eq(f"_o.{rule.id}", APPLIES) if step.take == "applies" else Fact(f"_v.{rule.id}")
                )
                dtype = "bool" if step.take == "applies" else self.types[f"_v.{rule.id}"]
                self.types[step.sets] = dtype
                self.stages.append(Assign(((step.sets, source, dtype),)))
        no_version = _any([Not(IsSet(Fact(f"_o.{r}"))) for r in consulted])
        summary: list[tuple[str, Column, ValueType | None]] = []
        types: dict[str, ValueType | Literal["list"] | None] = {}
        for key in self.program.summary:
            column, dtype = self.summary_column(key)
            summary.append((summary_column(key.key), column, dtype))
            types[key.key] = "list" if isinstance(column, Collect) else dtype
        flags = Collect(tuple((Fact(name), flag) for name, flag in self.flag_columns), "first")
        self.stages.append(Assign(((NO_VERSION, no_version, "bool"), *summary, (FLAGS, flags, None))))
        return Plan(
            stages=tuple(self.stages),
            summary_keys=self.program.summary_keys,
            summary_types=types,
            flag_ids=tuple(dict.fromkeys(flag for _, flag in self.flag_columns)),
            rules=tuple(consulted),
            facts=Plan.read_by(tuple(self.stages)),
        )

    def summary_column(self, key: SummaryKey) -> tuple[Column, ValueType | None]:
        if key.kind == "fact":
            name = key.fact or key.key
            return Fact(name), self.types.get(name)
        if key.kind == "applies":
            return _eq(f"_o.{key.rules[0]}", APPLIES), "bool"
        if key.kind == "value":
            if key.rules[0] in self.opaque:
                raise RuleDefinitionError(
                    f"rule '{key.rules[0]}': its value and 'not applicable' differ in type"
                )
            return Fact(f"_v.{key.rules[0]}"), self.types[f"_v.{key.rules[0]}"]
        if key.kind == "first_value":
            dtype = value_type(
                [
                    None,
                    *(
                        v
                        for r in key.rules
                        for v in _reachable_values(self.book.rule(r), with_not_applicable=False)
                    ),
                ],
                f"summary key '{key.key}'",
            )
            branches = tuple((_eq(f"_o.{r}", APPLIES), Fact(f"_v.{r}")) for r in key.rules)
            return Switch(branches, Lit(None), dtype), dtype
        # values: sorted str() of the value of every rule that applied (a version's value when it applies)
        items: list[tuple[Expr, str | Expr]] = []
        for rule_id in key.rules:
            for ks, ver in _alike_versions(self.book.rule(rule_id)):
                if not ver.cases and not _never(ver.applies):
                    here = And((_version_in(f"_vi.{rule_id}", ks), _eq(f"_o.{rule_id}", APPLIES)))
                    items.append((here, ver.value if isinstance(ver.value, Expr) else str(ver.value)))
        return Collect(tuple(items), "sorted"), None


def compile_plan(book: LawBook, program: Program) -> Plan:
    """The column plan of ``program`` over ``book`` (RuleDefinitionError if a rule has no column form)."""
    return _Compiler(book, program).compile()
