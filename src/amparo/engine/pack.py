"""The law pack as a plug-in: what a pack gives the engine, and nothing the engine assumes of it.

A law pack (one region's agreements and regulations, or a test pack) is an object the caller
passes in, as openfisca's country packages subclass its tax-benefit system. It brings:

- its :class:`~amparo.engine.law.LawBook` (instruments, rules, dated versions, flags);
- the document it reads (``schema_id``, e.g. ``amparo/encounter@1``) and how to parse it;
- how facts are extracted from a parsed document, and on which dates the law is read;
- its :class:`Program`: the ordered steps of its screening and how they make the summary;
- its summary keys (and their labels), coverage dates, time zone and confidentiality marker;
- its case workflow (:class:`~amparo.engine.workflow.Workflow`) with guards on its summary;
- :class:`PersonFacts` of a document: who it is about, for identity, the store and access.

The program is data, not code, so the same pack can be evaluated one document at a time
(:mod:`amparo.screening`) or column-wise over millions (the batch evaluator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from amparo.engine.law import LawBook
    from amparo.engine.workflow import Workflow


@dataclass(frozen=True, kw_only=True)
class Step:
    """Consult ``rule``; when ``sets`` is given, its result becomes that named fact for later steps.

    ``take="applies"`` sets the fact to whether the rule applied; ``take="value"`` to its value
    (``None`` when it did not apply).
    """

    rule: str
    sets: str | None = None
    take: Literal["applies", "value"] = "applies"


@dataclass(frozen=True, kw_only=True)
class AnyApplies:
    """A named fact derived from earlier steps: true when any of ``rules`` applied."""

    fact: str
    rules: tuple[str, ...]


SummaryKind = Literal["applies", "value", "first_value", "values", "fact"]


@dataclass(frozen=True, kw_only=True)
class SummaryKey:
    """One key of a pack's decision summary and how it is read from the program's results.

    - ``applies``: whether ``rules[0]`` applied;
    - ``value``: the value of ``rules[0]`` (its ``not_applicable`` value when it did not apply);
    - ``first_value``: the value of the first of ``rules`` that applied, else ``None``;
    - ``values``: the sorted values of every one of ``rules`` that applied;
    - ``fact``: the named fact ``fact`` after the program ran.
    """

    key: str
    kind: SummaryKind
    label: str
    label_es: str = ""
    rules: tuple[str, ...] = ()
    fact: str | None = None


@dataclass(frozen=True, kw_only=True)
class Marker:
    """A marker a decision carries when ``rule`` applied (e.g. a confidentiality regime of its own
    beside the pack's, with the disclosure rules an access policy must enforce for it)."""

    id: str
    rule: str
    citation: str
    note: str


@dataclass(frozen=True, kw_only=True)
class Program:
    """The ordered screening program of a pack: its steps, then how its summary is read, and the
    markers a decision carries when their rule applied."""

    steps: tuple[Step | AnyApplies, ...]
    summary: tuple[SummaryKey, ...]
    markers: tuple[Marker, ...] = ()

    @property
    def summary_keys(self) -> tuple[str, ...]:
        return tuple(k.key for k in self.summary)

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule the program consults, in order."""
        return tuple(s.rule for s in self.steps if isinstance(s, Step))


@dataclass(frozen=True, kw_only=True)
class Confidentiality:
    """The confidentiality marker a pack puts on every decision (e.g. a rule that a claim is never
    disclosed to the country the person fears)."""

    citation: str
    note: str
    note_es: str = ""


@dataclass(frozen=True, kw_only=True)
class PersonFacts:
    """Who a document is about, in the terms every part of amparo reads, whatever the pack.

    ``nationalities`` and ``feared_countries`` drive the confidentiality bar; the names, birth
    date and sex drive identity resolution.
    """

    document_id: str
    occurred_on: dt.date
    nationalities: tuple[str, ...] = ()
    feared_countries: tuple[str, ...] = ()
    given_names: str | None = None
    surnames: str | None = None
    birth_date: dt.date | None = None
    age: int | None = None
    sex: str | None = None
    family_members: tuple[str, ...] = field(default=())


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadDates:
    """The dates a document is screened on: ``read_on`` (the law as of) and every rule anchor.

    ``document_id`` and ``occurred_on`` (the document's id and the day it records) let screening
    name the decision without building the document's :class:`PersonFacts`; a pack that leaves
    them out is asked for its person facts instead."""

    read_on: dt.date
    anchors: Mapping[str, dt.date]
    document_id: str | None = None
    occurred_on: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class PackDeadline:
    """A legal clock set by a decision: its name (a summary key), the date it runs out, and what
    happens then (e.g. "responsibility passes to the requesting state")."""

    step: str
    due_on: dt.date
    consequence: str = ""


@runtime_checkable
class LawPack(Protocol):
    """What the engine, screening, cases, access and the API need of a law pack."""

    @property
    def id(self) -> str:
        """Short id, e.g. ``us``; also the ruleset id of its decisions."""
        ...

    @property
    def title(self) -> str: ...

    @property
    def schema_id(self) -> str:
        """The ``schema`` field value of the documents it reads, e.g. ``amparo/encounter@1``."""
        ...

    @property
    def time_zone(self) -> str:
        """IANA name of the zone its dates and instants are read in."""
        ...

    @property
    def coverage_start(self) -> dt.date:
        """The earliest date the pack answers for."""
        ...

    @property
    def current_to(self) -> dt.date:
        """The date the pack's content was last checked against its sources."""
        ...

    @property
    def program(self) -> Program: ...

    @property
    def scenarios_dir(self) -> Path | None:
        """The folder of the pack's YAML legal tests (``amparo rules test``), if it ships any."""
        ...

    @property
    def confidentiality(self) -> Confidentiality | None: ...

    @property
    def workflow(self) -> Workflow: ...

    def law_book(self) -> LawBook: ...

    def parse(self, document: Mapping[str, Any]) -> Any:
        """The typed document, or an :class:`~amparo.errors.InputError` naming each bad field."""
        ...

    def person(self, parsed: Any) -> PersonFacts: ...

    def read_dates(self, parsed: Any, as_of: dt.date | None) -> ReadDates:
        """The dates the law is read on (``as_of`` overrides the document's own); refuses dates
        outside the pack's coverage with an error naming the field."""
        ...

    def extract_facts(self, parsed: Any, dates: ReadDates) -> dict[str, Any]: ...

    def deadlines(self, summary: Mapping[str, Any]) -> Sequence[PackDeadline]:
        """Dated clocks a decision sets (e.g. the time limit for a request to another State), kept as case deadlines
        beside the workflow's own step deadlines; empty for a pack without such clocks."""
        ...

    def receiving_country(self, summary: Mapping[str, Any]) -> str | None:
        """The country a removal in this summary would send the person to (``None`` if none)."""
        ...


#: Columns every :meth:`ColumnarPack.extract_fact_columns` frame carries besides the facts.
DOCUMENT_ID_COLUMN = "_document_id"
OCCURRED_ON_COLUMN = "_occurred_on"
READ_ON_COLUMN = "_read_on"
VOUCHED_COLUMN = "_vouched"
ANCHOR_COLUMN_PREFIX = "_anchor."


@runtime_checkable
class NullableFieldsPack(Protocol):
    """Optional: a pack whose documents hold fields that must be given but may be null (EU
    application v1: ``applicant.nationality``, null for a stateless applicant or an unknown
    nationality). In columns (a Parquet file) a null and an absent field look alike; a document
    rebuilt from columns keeps such a field, null, wherever the object holding it is given."""

    def required_nullable_fields(self) -> Collection[tuple[str, ...]]:
        """The path of each such field, by its keys from the document's root."""
        ...


@runtime_checkable
class PersonColumnsPack(Protocol):
    """Optional, beside :class:`ColumnarPack`: where its document columns hold the person's
    nationality and the day the document is counted under (:class:`PersonFacts`'
    ``nationalities`` and ``occurred_on``), for ``amparo impact``'s counts by nationality and month
    without reading each document."""

    def person_columns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The path (column, then struct fields) of the nationality (a text, or a list of them whose
        first is counted) and of the day (a date, or a text written ``YYYY-MM-DD``)."""
        ...


@runtime_checkable
class TypedFactsPack(Protocol):
    """Optional: a pack that declares the type of each fact it extracts, for the batch evaluator
    when it reads facts one document at a time (a fact missing from every row of a chunk then
    still has a column of its type, which date and list operations need)."""

    def fact_types(self) -> Mapping[str, Any]:
        """Fact name to its Python type: ``bool``, ``int``, ``float``, ``str``, ``dt.date``,
        ``dt.datetime`` (an instant), ``tuple[X, ...]`` (a list) or ``dict[K, V]`` (a mapping,
        read by :class:`~amparo.engine.expr.Get`); every value may also be missing."""
        ...


@runtime_checkable
class ColumnarPack(Protocol):
    """Optional: a pack that also reads documents column-wise, for the batch evaluator.

    A pack without these methods is still batch-screened (facts extracted one document at a time,
    the rules column-wise). Frames are Polars frames (the ``analytics`` extra).
    """

    def document_schema(self) -> Mapping[str, Any]:
        """The columnar form of one document: column name to Polars type (structs and lists nest)."""
        ...

    def documents_frame(self, parsed: Sequence[Any]) -> Any:
        """The columnar form (:meth:`document_schema`) of documents ``parse`` returned."""
        ...

    def extract_fact_columns(
        self, documents: Any, as_of: dt.date | None, facts: Collection[str] | None = None
    ) -> Any:
        """Facts of many documents at once: one row per document, in order, with every fact the
        single :meth:`LawPack.extract_facts` gives (same names and values; tuples as lists,
        instants in UTC) and the columns ``_document_id``, ``_occurred_on``, ``_read_on``,
        ``_anchor.<name>`` for every anchor :meth:`LawPack.read_dates` gives, and ``_vouched``:
        false for a row that ``parse`` or ``read_dates`` might refuse (it is then screened by the
        single evaluator, which gives its error or its decision). ``facts``: the facts the caller
        reads (its plan's); a pack may then leave the others out (``None``: every fact). They must
        not depend on :meth:`LawPack.law_book` (a rule change laid over the book shares them between
        the two readings of ``amparo impact``), unless the pack has a true attribute
        ``column_facts_read_book`` (the EU pack, whose time limits follow the ``framework`` rule): a
        changed book then has its own facts, read through it."""
        ...
