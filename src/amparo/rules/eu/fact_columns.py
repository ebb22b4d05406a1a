"""The EU pack's facts column-wise: :func:`amparo.rules.eu.facts.extract_facts` for many
applications at once, as Polars expressions over the columnar form of ``amparo/eu-application@1``
(no Python per application; the framework is read once per distinct registration date, from the
pack's law book, as the single extraction reads it).

Every fact has the name, and for every row the value, that the single extraction gives (tuples as
lists, ``category2_hits`` as a list of ``{key, value}`` structs in the order of the mapping);
``tests/batch/test_eu_fact_columns.py`` checks it on the examples, the scenarios and generated
applications. ``_vouched`` is false for a row that :func:`~amparo.rules.eu.document.parse_application`
or the pack's ``read_dates`` might refuse: the batch evaluator screens such rows one by one, so their
errors are the single evaluator's own.

A null and an absent field look alike in columns: every field the parser defaults (``detained``,
``unaccompanied_minor``, an outcome) reads a null as its default, which is what an absent field
gives; ``applicant.nationality`` must be given and may be null (a stateless applicant), and a null
one in columns is read as given (as the batch runner rebuilds a Parquet row for the single
evaluator: ``NullableFieldsPack``; JSON Lines read in columns hold no null, and a line without the
field is read one by one, ``batch.json_lines``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from functools import cache
from typing import Any

from amparo.engine.columnar import all_hold, collected
from amparo.engine.columnar import polars_module as pl_module
from amparo.engine.pack import (
    ANCHOR_COLUMN_PREFIX,
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
)
from amparo.engine.per_distinct import per_distinct
from amparo.rules.eu import document as doc
from amparo.rules.eu.dates import COVERAGE_START
from amparo.rules.eu.document import SCHEMA_ID, Application
from amparo.rules.eu.fact_groups import (
    FRAMEWORKS,
    ROW,
    by_framework,
    document_facts,
    entry_facts,
    family_facts,
    hit_facts,
    previous_facts,
    stay_facts,
)
from amparo.rules.eu.facts import FACT_TYPES, WINDOWS, Windows

#: The first day Python writes; the last the parser takes (:data:`document.LAST_DAY`).
_FIRST_DAY = dt.date(1, 1, 1)


@cache
def document_schema() -> dict[str, Any]:
    """Application v1 as Polars columns (dates as dates; ``extensions``: the two fields the rules
    read, any other free data sends its row one by one)."""
    pl = pl_module()
    s, b, d = pl.String, pl.Boolean, pl.Date
    return {
        "schema": s,
        "id": s,
        "lodged_in": s,
        "lodged_on": d,
        "registered_on": d,
        "applicant": pl.Struct(
            {
                "nationality": s,
                "birth_date": d,
                "age": pl.Int64,
                "unaccompanied_minor": b,
                "visa_waived_in_lodging_state": b,
            }
        ),
        "family": pl.List(pl.Struct({"relation": s, "state": s, "status": s, "wishes_in_writing": b})),
        "documents": pl.List(pl.Struct({"kind": s, "issued_by": s, "valid_from": d, "valid_to": d})),
        "entries": pl.List(pl.Struct({"kind": s, "state": s, "on": d})),
        "stays": pl.List(pl.Struct({"state": s, "from": d, "to": d})),
        "eurodac_hits": pl.List(pl.Struct({"category": pl.Int64, "state": s, "on": d})),
        "previous_applications": pl.List(pl.Struct({"state": s, "lodged_on": d, "outcome": s})),
        "detained": b,
        "acceptance": pl.Struct({"state": s, "on": d, "urgent": b}),
        "absconded_on": d,
        "imprisoned": b,
        "extensions": pl.Struct({"request_sent_on": d, "request_urgent": b}),
    }


@cache
def _arrow_types() -> dict[str, Any]:
    """The Arrow type of each column of :func:`document_schema`."""
    pl = pl_module()
    schema = pl.DataFrame(schema=document_schema()).to_arrow().schema
    return {field.name: field.type for field in schema}


#: The list columns of the form: the application's attribute and, per item field, its attribute.
_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "family": ("family", ("relation", "state", "status", "wishes_in_writing")),
    "documents": ("documents", ("kind", "issued_by", "valid_from", "valid_to")),
    "entries": ("entries", ("kind", "state", "on")),
    "stays": ("stays", ("state", "start", "end")),
    "eurodac_hits": ("eurodac_hits", ("category", "state", "on")),
    "previous_applications": ("previous_applications", ("state", "lodged_on", "outcome")),
}

#: The struct columns of the form: the object holding each field (``None``: the application) and
#: its attribute there; a struct is null where its object is.
_STRUCTS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "applicant": (
        "applicant",
        ("nationality", "birth_date", "age", "unaccompanied_minor", "visa_waived_in_lodging_state"),
    ),
    "acceptance": ("acceptance", ("state", "on", "urgent")),
    "extensions": (None, ("request_sent_on", "request_urgent")),
}


def _struct(kind: Any, columns: Sequence[Sequence[Any]], mask: Any = None) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    arrays = [pa.array(values, type=field.type) for values, field in zip(columns, kind, strict=True)]
    return pa.StructArray.from_arrays(arrays, fields=list(kind), mask=mask)


def documents_frame(parsed: Sequence[Application]) -> Any:
    """The columnar form of parsed applications, built by Arrow column by column from their
    attributes (no document rebuilt as dictionaries: 5 µs an application against 20)."""
    import pyarrow as pa

    types = _arrow_types()
    columns: dict[str, Any] = {}
    for name in ("id", "lodged_in", "lodged_on", "registered_on", "detained", "absconded_on", "imprisoned"):
        columns[name] = pa.array([getattr(app, name) for app in parsed], type=types[name])
    columns["schema"] = pa.array([SCHEMA_ID] * len(parsed), type=types["schema"])
    for name, (holder, attributes) in _STRUCTS.items():
        objects = [app if holder is None else getattr(app, holder) for app in parsed]
        if holder is None:  # the extensions: null where the application has neither field
            absent = [app.request_sent_on is None and app.request_urgent is None for app in parsed]
        else:
            absent = [obj is None for obj in objects]
        values = [[None if obj is None else getattr(obj, a) for obj in objects] for a in attributes]
        columns[name] = _struct(types[name], values, pa.array(absent, type=pa.bool_()))
    for name, (attribute, fields) in _LISTS.items():
        lists = [getattr(app, attribute) for app in parsed]
        offsets = [0]
        for items in lists:
            offsets.append(offsets[-1] + len(items))
        kind = types[name]
        values = [[getattr(item, field) for items in lists for item in items] for field in fields]
        columns[name] = pa.LargeListArray.from_arrays(
            pa.array(offsets, type=pa.int64()), _struct(kind.value_type, values)
        ).cast(kind)
    table = pa.table({name: columns[name] for name in document_schema()})
    return pl_module().from_arrow(table)


# ------------------------------------------------------------------------------------------------
# What the parser and read_dates would refuse


def _field(column: str, name: str) -> Any:
    return pl_module().col(column).struct.field(name)


def _day_ok(day: Any) -> Any:
    """A date the parser takes (years 1 to :data:`document.LAST_DAY`)."""
    return day.is_between(_FIRST_DAY, doc.LAST_DAY)


def _state_ok(value: Any) -> Any:
    return value.is_in(sorted(doc.EU_PLUS_STATES))


def _optional(value: Any, ok: Any) -> Any:
    return value.is_null() | ok


def _items_ok(column: str, check: Callable[[Any], Sequence[Any]]) -> Any:
    """Every item of the list ``column`` is an object passing ``check`` (of its field getter); an
    absent list is none."""
    pl = pl_module()

    def field(name: str) -> Any:
        return pl.element().struct.field(name)

    ok = all_hold([pl.element().is_not_null(), *check(field)])
    return pl.col(column).list.eval(ok).list.all().fill_null(True)


def _vouched(read_on: Any, registered: Any, framework_known: Any) -> Any:
    """Rows every check of ``parse_application`` and ``read_dates`` would pass (columns in the form
    of :func:`document_schema`; a value another type could not be brought to, or an unknown field,
    is :func:`~amparo.batch.columns.conform`'s to find)."""
    pl = pl_module()
    applicant = pl.col("applicant")
    nationality, birth, age = (
        _field("applicant", "nationality"),
        _field("applicant", "birth_date"),
        _field("applicant", "age"),
    )
    waived_entry = (
        pl.col("entries").list.eval(pl.element().struct.field("kind") == "visa_waived_entry").list.any()
    ).fill_null(False)
    acceptance = pl.col("acceptance")
    return all_hold(
        [
            pl.col("schema") == SCHEMA_ID,  # required
            pl.col("id").str.len_chars().is_between(1, 128),
            _state_ok(pl.col("lodged_in")),
            _day_ok(pl.col("lodged_on")),
            _optional(pl.col("registered_on"), _day_ok(pl.col("registered_on"))),
            applicant.is_not_null(),
            # null: given null, a stateless applicant (see the module's note); "SY\n", which the
            # parser's pattern takes, is left to it
            nationality.is_null() | nationality.str.contains(r"^[A-Z]{2}$"),
            _optional(birth, _day_ok(birth)),
            _optional(age, age.is_between(0, 130)),
            birth.is_null() | age.is_null(),
            _field("applicant", "visa_waived_in_lodging_state").is_not_null() | ~waived_entry,
            _items_ok(
                "family",
                lambda f: [
                    f("relation").is_in(doc._RELATIONS),
                    _state_ok(f("state")),
                    f("status").is_in(doc._STATUSES),
                ],
            ),
            _items_ok(
                "documents",
                lambda f: [
                    f("kind").is_in(doc._DOCUMENT_KINDS),
                    _state_ok(f("issued_by")),
                    _day_ok(f("valid_from")),
                    _day_ok(f("valid_to")),
                ],
            ),
            _items_ok(
                "entries",
                lambda f: [f("kind").is_in(doc._ENTRY_KINDS), _state_ok(f("state")), _day_ok(f("on"))],
            ),
            _items_ok("stays", lambda f: [_state_ok(f("state")), _day_ok(f("from")), _day_ok(f("to"))]),
            _items_ok(
                "eurodac_hits",
                lambda f: [f("category").is_in((1, 2, 3)), _state_ok(f("state")), _day_ok(f("on"))],
            ),
            _items_ok(
                "previous_applications",
                lambda f: [
                    _state_ok(f("state")),
                    _day_ok(f("lodged_on")),
                    _optional(f("outcome"), f("outcome").is_in(doc._OUTCOMES)),
                ],
            ),
            acceptance.is_null()
            | (_state_ok(_field("acceptance", "state")) & _day_ok(_field("acceptance", "on"))),
            _optional(pl.col("absconded_on"), _day_ok(pl.col("absconded_on"))),
            _optional(
                _field("extensions", "request_sent_on"), _day_ok(_field("extensions", "request_sent_on"))
            ),
            # read_dates: the pack answers from its coverage's start
            pl.col("lodged_on") >= COVERAGE_START,
            registered >= COVERAGE_START,
            read_on.is_not_null(),
            framework_known,
        ]
    )


# ------------------------------------------------------------------------------------------------
# The facts


def _frameworks(frame: Any, law_book: Callable[[], Any]) -> Any:
    """The framework in force on each row's registration date, read from ``law_book`` as
    ``EULawPack.extract_facts`` reads it, once per distinct date (null where no version is)."""
    pl = pl_module()

    def compute(table: Any) -> Any:
        book = law_book()
        names: list[str | None] = []
        for (day,) in table.select("_reg").iter_rows():
            try:
                names.append(str(book.version_of("framework", day).value) if day is not None else None)
            except Exception:  # no version in force: the single evaluator gives what it gives
                names.append(None)
        return table.with_columns(pl.Series("_framework", names, dtype=pl.String))

    registered = pl.coalesce(pl.col("registered_on"), pl.col("lodged_on"))
    return per_distinct(frame, {"_reg": registered}, compute)["_framework"]


def _ymd(day: Any) -> Any:
    pl = pl_module()
    return (
        day.dt.year().cast(pl.Int64) * 10_000
        + day.dt.month().cast(pl.Int64) * 100
        + day.dt.day().cast(pl.Int64)
    )


def extract_fact_columns(
    documents: Any,
    as_of: dt.date | None,
    law_book: Callable[[], Any],
    wanted: Collection[str] | None = None,
) -> Any:
    """Facts of every application in ``documents`` (columns of :func:`document_schema`), as
    ``EULawPack.extract_facts`` gives them under the framework ``law_book`` puts in force on the
    registration date, with the anchor and check columns (``wanted``: only these facts are given;
    every one is computed, each cheap beside reading the lists)."""
    pl = pl_module()
    documents = (collected(documents.lazy()) if hasattr(documents, "lazy") else documents).rechunk()
    frame = documents.with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW),
        _frameworks(documents, law_book).alias("_framework"),
    )
    frame = frame.hstack(collected(previous_facts(frame.lazy())))
    registered = pl.coalesce(pl.col("registered_on"), pl.col("lodged_on"))
    ammr = pl.col("_framework") == "ammr"

    def clock(
        windows: Windows,
    ) -> Any:  # Dublin III Art. 21(1) from lodging, AMMR Art. 39(1) from registration
        return registered if windows.clock_from_registration else pl.col("lodged_on")

    clock_from = by_framework(ammr, clock(WINDOWS["dublin_iii"]), clock(WINDOWS["ammr"]))
    born, age = _field("applicant", "birth_date"), _field("applicant", "age")
    uam = _field("applicant", "unaccompanied_minor").fill_null(False)
    ref = pl.col("_ref")
    under_18 = (
        pl.when(born.is_not_null())
        .then((_ymd(ref) - _ymd(born)) // 10_000 < 18)
        .otherwise((age < 18).fill_null(False))
    )
    rows = (
        frame.lazy()
        .with_columns(
            _reg=registered,
            _ammr=ammr.fill_null(False),
            _clock=clock_from,
            _uam=uam,
            _last_entry=pl.col("entries").list.eval(pl.element().struct.field("on")).list.max(),
        )
        .with_columns(_ref=pl.min_horizontal(pl.col("_clock"), pl.col("_earliest_on")))
    )
    rows = collected(rows.with_columns(_minor=pl.col("_uam") | under_18))

    groups = pl.collect_all(
        [
            family_facts(rows.lazy()),
            document_facts(rows.lazy()),
            entry_facts(rows.lazy()),
            stay_facts(rows.lazy()),
            hit_facts(rows.lazy()),
        ]
    )
    read_on = pl.lit(as_of, dtype=pl.Date) if as_of is not None else pl.col("_reg")
    acceptance = pl.col("acceptance")
    sent_urgent = _field("extensions", "request_urgent")
    accepted_urgent = (
        pl.when(acceptance.is_not_null())
        .then(_field("acceptance", "urgent").fill_null(False))
        .otherwise(False)
    )
    own = rows.select(
        pl.col("id").alias(DOCUMENT_ID_COLUMN),
        pl.col("lodged_on").alias(OCCURRED_ON_COLUMN),
        read_on.alias(READ_ON_COLUMN),
        read_on.alias(ANCHOR_COLUMN_PREFIX + "as_of"),
        pl.col("_reg").alias(ANCHOR_COLUMN_PREFIX + "encountered_on"),
        _vouched(read_on, pl.col("_reg"), pl.col("_framework").is_in(FRAMEWORKS)).alias(VOUCHED_COLUMN),
        read_on.alias("reading_date"),
        pl.col("lodged_in"),
        pl.col("lodged_on"),
        pl.col("_reg").alias("registration_date"),
        pl.col("_clock").alias("request_clock_from"),
        ref.alias("reference_date"),
        pl.when(pl.col("_earliest_on") < pl.col("_clock"))
        .then(pl.col("_earliest_state"))
        .otherwise(pl.col("lodged_in"))
        .alias("first_state"),
        pl.col("_uam").alias("unaccompanied_minor"),
        pl.col("_minor").alias("minor"),
    )
    rest = rows.select(
        pl.col("previous_application_states"),
        pl.col("detained").fill_null(False),
        _field("extensions", "request_sent_on").alias("request_sent_on"),
        pl.when(sent_urgent.is_not_null())
        .then(sent_urgent)
        .otherwise(accepted_urgent)
        .alias("request_urgent"),
        _field("acceptance", "state").alias("acceptance_state"),
        _field("acceptance", "on").alias("acceptance_on"),
        pl.col("absconded_on"),
        pl.col("imprisoned").fill_null(False),
        _field("applicant", "visa_waived_in_lodging_state")
        .fill_null(False)
        .alias("visa_waived_in_lodging_state"),
    )
    out = pl.concat([own, *groups, rest], how="horizontal")
    facts = [name for name in FACT_TYPES if wanted is None or name in wanted]
    return out.select(*(name for name in own.columns if name.startswith("_")), *facts).rechunk()
