"""Rule conditions as small expression trees over named facts.

A rule never branches in Python on a person's facts: it states its conditions as expressions
(``fact("age_at_encounter") < 18``, ``fact("nationalities").contains("GT")``, ``a & ~b``). The
same tree is evaluated here row by row, lists the facts it reads (for the trace), renders itself
for people, and has a one-to-one columnar meaning (each node maps to a Polars/DuckDB expression)
so a batch evaluator can run the same rule over millions of encounters.

Missing values: a comparison with a missing fact is false; ``is_set`` tests presence. Values
that are not conditions (a date plus a period, the earliest of several dates, a lookup, a weekday)
are missing when what they read is missing; a rule may give such a value as its result.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from amparo.engine.periods import PeriodUnit, add_period

Facts = Mapping[str, Any]
Scalar = str | int | float | bool | dt.date | dt.datetime | None


class Expr:
    """Base of every expression node."""

    def evaluate(self, facts: Facts) -> Any:
        raise NotImplementedError

    def fact_names(self) -> frozenset[str]:
        """Names of the facts this expression reads."""
        raise NotImplementedError

    def describe(self) -> str:
        """A readable rendering, e.g. ``age_at_encounter < 18``."""
        raise NotImplementedError

    # Builders -----------------------------------------------------------------------------
    def _cmp(self, symbol: str, other: object) -> Compare:
        return Compare(symbol, self, as_expr(other))

    def __lt__(self, other: object) -> Compare:
        return self._cmp("<", other)

    def __le__(self, other: object) -> Compare:
        return self._cmp("<=", other)

    def __gt__(self, other: object) -> Compare:
        return self._cmp(">", other)

    def __ge__(self, other: object) -> Compare:
        return self._cmp(">=", other)

    def eq(self, other: object) -> Compare:
        return self._cmp("==", other)

    def ne(self, other: object) -> Compare:
        return self._cmp("!=", other)

    def is_in(self, values: Iterable[Scalar]) -> IsIn:
        return IsIn(self, frozenset(values))

    def contains(self, item: object) -> Contains:
        return Contains(self, as_expr(item))

    def intersects(self, values: Iterable[Scalar] | Expr) -> Intersects:
        other = values if isinstance(values, Expr) else Lit(tuple(sorted(values, key=str)))
        return Intersects(self, other)

    def is_set(self) -> IsSet:
        return IsSet(self)

    def plus_days(self, n: int) -> PlusPeriod:
        return PlusPeriod(self, n, "days")

    def plus_weeks(self, n: int) -> PlusPeriod:
        return PlusPeriod(self, n, "weeks")

    def plus_months(self, n: int) -> PlusPeriod:
        """The last day of a period of ``n`` months from this date (see :mod:`amparo.engine.periods`)."""
        return PlusPeriod(self, n, "months")

    def plus_years(self, n: int) -> PlusPeriod:
        return PlusPeriod(self, n, "years")

    def weekday(self) -> Weekday:
        """The ISO weekday of this date: 1 Monday ... 6 Saturday, 7 Sunday."""
        return Weekday(self)

    def iso(self) -> IsoDate:
        """This date written ``YYYY-MM-DD``."""
        return IsoDate(self)

    def get(self, key: object) -> Get:
        """The value this mapping-valued fact holds under ``key`` (missing when absent)."""
        return Get(self, as_expr(key))

    def __and__(self, other: Expr) -> And:
        return And((self, other))

    def __or__(self, other: Expr) -> Or:
        return Or((self, other))

    def __invert__(self) -> Not:
        return Not(self)

    # Expressions are compared structurally by dataclass eq; keep them hashable.
    __hash__ = object.__hash__


def as_expr(value: object) -> Expr:
    """Wrap a Python value as a literal unless it already is an expression."""
    return value if isinstance(value, Expr) else Lit(value)


@dataclass(frozen=True, eq=False)
class Fact(Expr):
    """The value of one named fact."""

    name: str

    def evaluate(self, facts: Facts) -> Any:
        try:
            return facts[self.name]
        except KeyError:
            raise KeyError(f"fact '{self.name}' was not extracted from the encounter") from None

    def fact_names(self) -> frozenset[str]:
        return frozenset({self.name})

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True, eq=False)
class Lit(Expr):
    """A constant."""

    value: Any

    def evaluate(self, facts: Facts) -> Any:
        return self.value

    def fact_names(self) -> frozenset[str]:
        return frozenset()

    def describe(self) -> str:
        if isinstance(self.value, dt.date):
            return self.value.isoformat()
        if isinstance(self.value, tuple):
            return "{" + ", ".join(map(str, self.value)) + "}"
        return repr(self.value) if isinstance(self.value, str) else str(self.value).lower()


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True, eq=False)
class Compare(Expr):
    """``left OP right``; false when either side is missing."""

    op: str
    left: Expr
    right: Expr

    def evaluate(self, facts: Facts) -> bool:
        a, b = self.left.evaluate(facts), self.right.evaluate(facts)
        if a is None or b is None:
            return False
        return bool(_OPS[self.op](a, b))

    def fact_names(self) -> frozenset[str]:
        return self.left.fact_names() | self.right.fact_names()

    def describe(self) -> str:
        return f"{self.left.describe()} {self.op} {self.right.describe()}"


@dataclass(frozen=True, eq=False)
class IsIn(Expr):
    """The value is one of a fixed set."""

    operand: Expr
    values: frozenset[Scalar]

    def evaluate(self, facts: Facts) -> bool:
        return self.operand.evaluate(facts) in self.values

    def fact_names(self) -> frozenset[str]:
        return self.operand.fact_names()

    def describe(self) -> str:
        return f"{self.operand.describe()} in {{{', '.join(sorted(map(str, self.values)))}}}"


@dataclass(frozen=True, eq=False)
class Contains(Expr):
    """A list-valued fact contains an item."""

    collection: Expr
    item: Expr

    def evaluate(self, facts: Facts) -> bool:
        items = self.collection.evaluate(facts)
        return items is not None and self.item.evaluate(facts) in items

    def fact_names(self) -> frozenset[str]:
        return self.collection.fact_names() | self.item.fact_names()

    def describe(self) -> str:
        return f"{self.item.describe()} in {self.collection.describe()}"


@dataclass(frozen=True, eq=False)
class Intersects(Expr):
    """Two list values share at least one item."""

    left: Expr
    right: Expr

    def evaluate(self, facts: Facts) -> bool:
        a, b = self.left.evaluate(facts), self.right.evaluate(facts)
        return bool(a) and bool(b) and not set(a).isdisjoint(b)

    def fact_names(self) -> frozenset[str]:
        return self.left.fact_names() | self.right.fact_names()

    def describe(self) -> str:
        return f"{self.left.describe()} shares an item with {self.right.describe()}"


@dataclass(frozen=True, eq=False)
class IsSet(Expr):
    """The fact is present (not missing)."""

    operand: Expr

    def evaluate(self, facts: Facts) -> bool:
        return self.operand.evaluate(facts) is not None

    def fact_names(self) -> frozenset[str]:
        return self.operand.fact_names()

    def describe(self) -> str:
        return f"{self.operand.describe()} is known"


@dataclass(frozen=True, eq=False)
class And(Expr):
    """All operands hold (evaluated left to right, stopping at the first false)."""

    operands: tuple[Expr, ...]

    def __and__(self, other: Expr) -> And:
        return And((*self.operands, other))

    def evaluate(self, facts: Facts) -> bool:
        return all(bool(x.evaluate(facts)) for x in self.operands)

    def fact_names(self) -> frozenset[str]:
        return frozenset().union(*(x.fact_names() for x in self.operands))

    def describe(self) -> str:
        return " and ".join(_paren(x) for x in self.operands)


@dataclass(frozen=True, eq=False)
class Or(Expr):
    """At least one operand holds."""

    operands: tuple[Expr, ...]

    def __or__(self, other: Expr) -> Or:
        return Or((*self.operands, other))

    def evaluate(self, facts: Facts) -> bool:
        return any(bool(x.evaluate(facts)) for x in self.operands)

    def fact_names(self) -> frozenset[str]:
        return frozenset().union(*(x.fact_names() for x in self.operands))

    def describe(self) -> str:
        return " or ".join(_paren(x) for x in self.operands)


@dataclass(frozen=True, eq=False)
class Not(Expr):
    """The operand does not hold."""

    operand: Expr

    def evaluate(self, facts: Facts) -> bool:
        return not bool(self.operand.evaluate(facts))

    def fact_names(self) -> frozenset[str]:
        return self.operand.fact_names()

    def describe(self) -> str:
        return f"not {_paren(self.operand)}"


@dataclass(frozen=True, eq=False)
class PlusPeriod(Expr):
    """The last day of a period of ``amount`` ``unit`` that runs from a date (missing if it is)."""

    start: Expr
    amount: int
    unit: PeriodUnit

    def evaluate(self, facts: Facts) -> dt.date | None:
        start = self.start.evaluate(facts)
        return None if start is None else add_period(start, self.amount, self.unit)

    def fact_names(self) -> frozenset[str]:
        return self.start.fact_names()

    def describe(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit.removesuffix("s")
        return f"{_paren(self.start)} + {self.amount} {unit}"


@dataclass(frozen=True, eq=False)
class Earliest(Expr):
    """The earliest of the values that are present (missing when none is)."""

    operands: tuple[Expr, ...]

    def evaluate(self, facts: Facts) -> Any:
        present = [v for v in (x.evaluate(facts) for x in self.operands) if v is not None]
        return min(present) if present else None

    def fact_names(self) -> frozenset[str]:
        return frozenset().union(*(x.fact_names() for x in self.operands))

    def describe(self) -> str:
        return f"the earliest of ({', '.join(x.describe() for x in self.operands)})"


@dataclass(frozen=True, eq=False)
class Latest(Expr):
    """The latest of the values that are present (missing when none is)."""

    operands: tuple[Expr, ...]

    def evaluate(self, facts: Facts) -> Any:
        present = [v for v in (x.evaluate(facts) for x in self.operands) if v is not None]
        return max(present) if present else None

    def fact_names(self) -> frozenset[str]:
        return frozenset().union(*(x.fact_names() for x in self.operands))

    def describe(self) -> str:
        return f"the latest of ({', '.join(x.describe() for x in self.operands)})"


@dataclass(frozen=True, eq=False)
class Weekday(Expr):
    """The ISO weekday (1 Monday ... 7 Sunday) of a date."""

    operand: Expr

    def evaluate(self, facts: Facts) -> int | None:
        value = self.operand.evaluate(facts)
        return None if value is None else int(value.isoweekday())

    def fact_names(self) -> frozenset[str]:
        return self.operand.fact_names()

    def describe(self) -> str:
        return f"weekday of {_paren(self.operand)}"


@dataclass(frozen=True, eq=False)
class IsoDate(Expr):
    """A date written ``YYYY-MM-DD``."""

    operand: Expr

    def evaluate(self, facts: Facts) -> str | None:
        value = self.operand.evaluate(facts)
        return None if value is None else str(value.isoformat())

    def fact_names(self) -> frozenset[str]:
        return self.operand.fact_names()

    def describe(self) -> str:
        return self.operand.describe()


@dataclass(frozen=True, eq=False)
class Get(Expr):
    """The value a mapping holds under a key (missing when either is missing or the key is absent)."""

    mapping: Expr
    key: Expr

    def evaluate(self, facts: Facts) -> Any:
        mapping, key = self.mapping.evaluate(facts), self.key.evaluate(facts)
        if mapping is None or key is None:
            return None
        return mapping.get(key)

    def fact_names(self) -> frozenset[str]:
        return self.mapping.fact_names() | self.key.fact_names()

    def describe(self) -> str:
        return f"{self.mapping.describe()}[{self.key.describe()}]"


def _paren(x: Expr) -> str:
    return f"({x.describe()})" if isinstance(x, And | Or | PlusPeriod) else x.describe()


TRUE = Lit(True)
FALSE = Lit(False)


def fact(name: str) -> Fact:
    """A named fact (the only way rule files refer to a person's facts)."""
    return Fact(name)


def earliest(*operands: Expr) -> Earliest:
    """The earliest of the values that are present."""
    return Earliest(operands)


def latest(*operands: Expr) -> Latest:
    """The latest of the values that are present."""
    return Latest(operands)


def all_of(*operands: Expr) -> Expr:
    """All hold (true when empty)."""
    return And(operands) if operands else TRUE


def any_of(*operands: Expr) -> Expr:
    """At least one holds (false when empty)."""
    return Or(operands) if operands else FALSE


def structure(value: Any) -> Any:
    """A hashable form of an expression (or of a value a rule gives) that is equal for two that mean
    the same thing: expressions compare by identity (``==`` builds a comparison), so two rule
    versions written with separate but identical conditions are told alike by this. Constants keep
    their type (``True`` and ``1`` differ); an unhashable constant raises ``TypeError``."""
    if isinstance(value, Expr):
        fields = getattr(value, "__dataclass_fields__", {})
        return (type(value).__name__, *(structure(getattr(value, name)) for name in fields))
    if isinstance(value, tuple):
        return ("tuple", *(structure(item) for item in value))
    if isinstance(value, frozenset):
        return ("frozenset", frozenset(structure(item) for item in value))
    hash(value)
    return (type(value).__name__, value)
