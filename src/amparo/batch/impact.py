"""Impact of a rule change: who changes outcome between two readings of the law.

The same documents are screened twice, column-wise: the law as read on ``--before`` and on
``--after`` (``as_of`` for every document), or the pack as it stands and the pack with a rule change
laid over it (:mod:`amparo.batch.overlay`). A document changes when any summary key differs. Per
changed document: its pack and its keys before and after; over all: counts by key (and by
transition), by nationality, by month of the encounter (of the application, for the EU pack: the
month of the pack's own date of the document) and by pack.

Every installed pack is read: each document by the pack its ``schema`` names, as ``amparo screen
--batch`` reads it. Nationality and month come from the columns of a pack's columnar form, or
from the pack's own reading of the person (:meth:`~amparo.engine.pack.LawPack.person`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amparo.batch.columns import column_at, documents_of, is_dictionary_text, schema_as_text
from amparo.batch.compression import codec_of, open_text_output
from amparo.batch.file_paths import file_format, output_format, refuse_missing
from amparo.batch.files import json_input
from amparo.batch.json_lines import LineChunk, ParsedLines, columnar_pack, parse_lines, screen_lines
from amparo.batch.output_file import refuse_overwriting, staged
from amparo.batch.parquet_input import (
    PARQUET_CHUNK,
    ParquetChunk,
    ParquetReader,
    parquet_chunks,
    parquet_rows,
)
from amparo.batch.pipeline import DEFAULT_WORKERS, in_order, read_ahead
from amparo.batch.repeated_ids import RepeatedIds, Repeats
from amparo.batch.runner import ROW, BatchScreener, SharedFacts
from amparo.engine.columnar import polars_module
from amparo.engine.pack import LawPack, PersonColumnsPack
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, FieldError, InputError


@dataclass
class ImpactCounts:
    """What changed, counted as the chunks go by."""

    screened: int = 0
    invalid: int = 0
    changed: int = 0
    by_key: Counter[str] = field(default_factory=Counter)
    transitions: dict[str, Counter[str]] = field(default_factory=dict)
    by_nationality: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    #: Per pack id: its documents screened (valid before and after) and those that changed.
    by_pack: dict[str, Counter[str]] = field(default_factory=dict)
    #: The first invalid rows (:data:`INVALID_EXAMPLES`): row (from 1), id and first error.
    invalid_rows: list[dict[str, Any]] = field(default_factory=list)
    #: Rows whose id an earlier row has (each counted all the same; :mod:`amparo.batch.repeated_ids`).
    repeated_ids: Repeats = field(default_factory=Repeats)

    @property
    def compared_none(self) -> bool:
        """Rows were read and none could be compared: every one is invalid (a date before the
        pack's coverage, say); the command fails and writes no ``--out``."""
        return self.screened > 0 and self.invalid == self.screened

    def as_dict(self, before: str, after: str, seconds: float) -> dict[str, Any]:
        return {
            "before": before,
            "after": after,
            "screened": self.screened,
            "invalid": self.invalid,
            "changed": self.changed,
            "by_key": {
                key: {"changed": n, "transitions": ranked(self.transitions.get(key, Counter()))}
                for key, n in ranked(self.by_key).items()
            },
            "by_nationality": ranked(self.by_nationality),
            "by_month": dict(sorted(self.by_month.items())),
            "by_pack": {
                pack: {"screened": counts["screened"], "changed": counts["changed"]}
                for pack, counts in sorted(self.by_pack.items())
            },
            "invalid_rows": self.invalid_rows,
            "repeated_ids": self.repeated_ids.rows,
            "seconds": round(seconds, 3),
        }


def ranked(counts: Mapping[str, int]) -> dict[str, int]:
    """``counts`` from the most to the fewest, equal counts by name: the same report on every run
    (chunks are counted as they come, in an order the threads choose)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ",".join(map(str, value)) + "]"
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


#: Where encounter v1's columns hold the nationality and the day, for a pack that does not say.
_ENCOUNTER_PERSON = (("person", "nationalities"), ("encountered_on",))


#: The first and last days of the years 0001-9999, as days from 1970-01-01 (Arrow's date32).
_FIRST_DAY, _LAST_DAY = -719_162, 2_932_896


def _document_columns(frame: Any, pack: LawPack | None = None) -> Any:
    """Nationality (the first) and month of each row of a document frame, read where ``pack``'s
    columns hold them (:class:`~amparo.engine.pack.PersonColumnsPack`; encounter v1's otherwise).
    A column of another type than the pack's, as a Parquet file may hold, is read as a JSON
    document's would be: a date written as text by its first seven characters, text or codes
    dictionary-encoded or in a fixed-size list as text, else unknown."""
    pl = polars_module()
    where, day_at = pack.person_columns() if isinstance(pack, PersonColumnsPack) else _ENCOUNTER_PERSON
    unknown = pl.repeat(None, pl.len(), dtype=pl.String)
    codes_column, codes = column_at(frame, where)
    if isinstance(codes, pl.Array):  # a fixed-size list (Arrow's fixed_size_list)
        codes_column, codes = codes_column.arr.to_list(), pl.List(codes.inner)
    if isinstance(codes, pl.List) and (codes.inner == pl.String or is_dictionary_text(codes.inner)):
        nationality = codes_column.list.first().cast(pl.String)
    elif codes == pl.String or is_dictionary_text(codes):
        nationality = codes_column.cast(pl.String)
    else:
        nationality = unknown
    day, kind = column_at(frame, day_at)
    if kind == pl.Date:
        # A day outside the years 0001-9999 (its row is invalid) has no month: Polars' strftime
        # panics on days past its calendar's range (a Parquet file may hold any 32-bit day).
        in_calendar = day.to_physical().is_between(_FIRST_DAY, _LAST_DAY)
        month = pl.when(in_calendar).then(day).dt.strftime("%Y-%m")
    elif kind == pl.String or is_dictionary_text(kind):
        month = day.cast(pl.String).str.slice(0, 7)
    else:
        month = unknown
    return frame.select(nationality.alias("nationality"), month.alias("month"))


#: How many invalid rows the report names (``screen --batch`` gives every one its error row).
INVALID_EXAMPLES = 5


def _invalid_rows(
    before: Any, after: Any, valid: Any, first_row: int, most: int, options: tuple[str, str]
) -> list[dict[str, Any]]:
    """The first ``most`` invalid rows of a chunk whose first row is ``first_row`` in the input:
    its row, id and first error (the reading before's, else after's: a document dated after
    ``--before`` is refused on that date only; ``options``: the command's names of the two dates)."""
    pl = polars_module()
    rows = (
        pl.DataFrame({"id": before["encounter_id"], "before": before["error"], "after": after["error"]})
        .select(
            "id",
            pl.coalesce("before", "after").alias("error"),
            pl.when(pl.col("before").is_not_null()).then(pl.lit(options[0])).otherwise(pl.lit(options[1])),
        )
        .with_row_index("row", offset=first_row)
        .filter(~valid)
        .head(most)
    )
    found = []
    for row, encounter_id, error, option in rows.iter_rows():
        first = (error.get("errors") or [{}])[0] if error else {}
        path = first.get("path")
        found.append(
            {
                "row": row,
                "encounter_id": encounter_id,
                # The date the law was read on is this command's option (the pack names --as-of).
                "path": option if path == "--as-of" else path,
                "message": first.get("message") or (error or {}).get("title"),
            }
        )
    return found


def _json_document_columns(documents: Sequence[Any], registry: PackRegistry) -> Any:
    """Nationality (the first) and month of each decoded document, as its pack reads the person
    (unknown for a document its pack refuses: such a row is invalid, never counted as changed)."""
    pl = polars_module()
    nationality: list[str | None] = []
    month: list[str | None] = []
    for document in documents:
        try:
            pack = registry.for_document(document) if isinstance(document, Mapping) else registry.default
            person = pack.person(pack.parse(document))
        except AmparoError:
            nationality.append(None)
            month.append(None)
            continue
        nationality.append(person.nationalities[0] if person.nationalities else None)
        month.append(person.occurred_on.isoformat()[:7])
    return pl.DataFrame(
        {"nationality": nationality, "month": month}, schema={"nationality": pl.String, "month": pl.String}
    )


def _frame_document_columns(frame: Any, registry: PackRegistry) -> Any:
    """Nationality and month of each row of a document frame (e.g. a Parquet chunk): from the
    columns for rows of the columnar pack and of every pack that says where its columns hold them
    (:class:`~amparo.engine.pack.PersonColumnsPack`; one by one, 1,000,000 EU applications under
    the default ``us`` took 81 s and 4.25 GB), from each document's own reading for the others."""
    pl = polars_module()
    pack = columnar_pack(registry)
    frame = schema_as_text(frame)
    if "schema" not in frame.columns or frame.schema["schema"] != pl.String or pack is None:
        return _document_columns(frame, pack)
    other = (frame["schema"] != pack.schema_id).fill_null(registry.default_id != pack.id)
    if not other.any():
        return _document_columns(frame, pack)
    rows = pl.int_range(frame.height, dtype=pl.Int64, eager=True).alias(ROW)
    parts = [_document_columns(frame.filter(~other), pack).with_columns(rows.filter(~other))]
    others = [p for p in registry if p.id != pack.id]
    for own in others:
        if not isinstance(own, PersonColumnsPack):
            continue
        mine = other & (frame["schema"] == own.schema_id).fill_null(False)
        parts.append(_document_columns(frame.filter(mine), own).with_columns(rows.filter(mine)))
        other = other & ~mine
    if other.any():
        parts.append(
            _json_document_columns(documents_of(frame.filter(other), others), registry).with_columns(
                rows.filter(other)
            )
        )
    return pl.concat(parts, how="vertical").sort(ROW).drop(ROW)


def _lines_document_columns(parsed: ParsedLines, registry: PackRegistry) -> Any:
    """Nationality and month of each line of a chunk read partly in columns, in line order."""
    pl = polars_module()
    fast = _document_columns(parsed.frame, columnar_pack(registry)).with_columns(
        pl.Series(ROW, parsed.fast, dtype=pl.Int64)
    )
    slow = _json_document_columns(parsed.slow_documents[0], registry).with_columns(
        pl.Series(ROW, parsed.slow, dtype=pl.Int64)
    )
    return pl.concat([fast, slow], how="vertical").sort(ROW).drop(ROW)


class Impact:
    """Screens chunks before and after, compares, counts, and gives the changed rows."""

    def __init__(
        self,
        before: LawPack | PackRegistry,
        after: LawPack | PackRegistry,
        *,
        before_on: dt.date | None,
        after_on: dt.date | None,
        verify_sample: int = 0,
        workers: int = DEFAULT_WORKERS,
        options: tuple[str, str] = ("--before", "--after"),
    ) -> None:
        #: The options that gave the two dates, named where a row is refused on one of them.
        self.options = options
        # Read on the same date, the two packs read the same facts: extracted once per chunk.
        shared = SharedFacts() if before_on == after_on else None
        # ``workers`` chunks at once (run_impact), each read whole by both screeners in one thread,
        # so that they share its facts.
        self.workers = workers
        self.before = BatchScreener(
            before, as_of=before_on, verify_sample=verify_sample, shared_facts=shared, workers=1
        )
        self.after = BatchScreener(
            after, as_of=after_on, verify_sample=verify_sample, shared_facts=shared, workers=1
        )
        packs = self.before.registry.ids
        if self.after.registry.ids != packs:
            raise InputError([FieldError("after", f"expected the law packs {list(packs)}, as before")])
        #: Each pack's summary keys, the default pack's first; ``keys``: all of them, once each.
        registry = self.before.registry
        ordered = sorted(registry, key=lambda pack: pack.id != registry.default_id)
        self.keys_by_pack = {pack.id: pack.program.summary_keys for pack in ordered}
        self.keys = tuple(dict.fromkeys(k for keys in self.keys_by_pack.values() for k in keys))
        self.counts = ImpactCounts()
        self.ids = RepeatedIds()

    @property
    def registry(self) -> PackRegistry:
        return self.before.registry

    def changed_schema(self) -> dict[str, Any]:
        """The columns of the changed rows (``--out``): id, pack, nationality and month, then each
        summary key before and after, of the screeners' types."""
        pl = polars_module()
        kinds = self.before.schema
        return {
            "encounter_id": pl.String,
            "pack": pl.String,
            "nationality": pl.String,
            "month": pl.String,
            **{f"{k}_before": kinds[k] for k in self.keys},
            **{f"{k}_after": kinds[k] for k in self.keys},
        }

    def screen_json(self, chunk: Any) -> tuple[Any, Any, Any]:
        """Both readings of a chunk of JSON input (lines read in columns once, for both), and the
        nationality and month of each row."""
        pack = columnar_pack(self.registry)
        if isinstance(chunk, LineChunk) and pack is not None:
            parsed = parse_lines(chunk, pack)
            where = _lines_document_columns(parsed, self.registry)
            return screen_lines(self.before, parsed), screen_lines(self.after, parsed), where
        return (
            self.before.screen_documents(chunk.documents, chunk.errors),
            self.after.screen_documents(chunk.documents, chunk.errors),
            _json_document_columns(chunk.documents, self.registry),
        )

    def screen_parquet(self, chunk: ParquetChunk) -> tuple[Any, Any, Any]:
        """Both readings of a chunk of Parquet rows, and the nationality and month of each row
        (unknown for a row refused as it was read)."""
        pl = polars_module()
        unknown = pl.DataFrame(
            {"nationality": [None] * len(chunk.refused), "month": [None] * len(chunk.refused)},
            schema={"nationality": pl.String, "month": pl.String},
        )
        return (
            chunk.screened_by(self.before),
            chunk.screened_by(self.after),
            chunk.placed(_frame_document_columns(chunk.frame, self.registry), unknown),
        )

    def chunk(self, before: Any, after: Any, where: Any) -> Any:
        """The changed rows of one chunk (``before``/``after``: screener outputs; ``where``:
        nationality and month of each row); the counts are updated."""
        pl = polars_module()
        valid = before["error"].is_null() & after["error"].is_null()
        self.ids.add(before["encounter_id"])
        first_row = self.counts.screened + 1
        self.counts.screened += before.height
        self.counts.invalid += int((~valid).sum())
        if len(self.counts.invalid_rows) < INVALID_EXAMPLES and not valid.all():
            self.counts.invalid_rows += _invalid_rows(
                before,
                after,
                valid,
                first_row,
                INVALID_EXAMPLES - len(self.counts.invalid_rows),
                self.options,
            )
        differs = [
            (before[k] != after[k]).fill_null(before[k].is_null() != after[k].is_null()) & valid
            for k in self.keys
        ]
        any_change = pl.select(pl.any_horizontal(differs)).to_series() if differs else valid & False
        rows = pl.concat(
            [
                before.select("encounter_id", "pack"),
                where,
                before.select([pl.col(k).alias(f"{k}_before") for k in self.keys]),
                after.select([pl.col(k).alias(f"{k}_after") for k in self.keys]),
            ],
            how="horizontal",
        ).filter(any_change)
        self.counts.changed += rows.height
        for pack, screened in before.filter(valid).group_by("pack").len().iter_rows():
            self.counts.by_pack.setdefault(pack, Counter())["screened"] += screened
        for pack, changed in rows.group_by("pack").len().iter_rows():
            self.counts.by_pack.setdefault(pack, Counter())["changed"] += changed
        for key, mask in zip(self.keys, differs, strict=True):
            n = int(mask.sum())
            if not n:
                continue
            self.counts.by_key[key] += n
            pairs = pl.DataFrame({"b": before[key], "a": after[key]}).filter(mask)
            transitions = self.counts.transitions.setdefault(key, Counter())
            for b, a, count in pairs.group_by("b", "a").len().iter_rows():
                transitions[f"{_text(b)} -> {_text(a)}"] += count
        for name, counter in (("nationality", self.counts.by_nationality), ("month", self.counts.by_month)):
            for value, count in rows.group_by(name).len().iter_rows():
                counter[value or "unknown"] += count
        return rows


def _json_lines(rows: Any, keys_by_pack: Mapping[str, Sequence[str]]) -> str:
    """Changed rows as JSON Lines, each with its own pack's keys (before, then after) only."""
    pl = polars_module()
    head = ["encounter_id", "pack", "nationality", "month"]
    chosen: Any = pl
    for pack_id, keys in keys_by_pack.items():
        fields = [*head, *(f"{k}_before" for k in keys), *(f"{k}_after" for k in keys)]
        chosen = chosen.when(pl.col("pack") == pack_id).then(pl.struct(fields).struct.json_encode())
    lines = rows.select(chosen.otherwise(pl.struct(head).struct.json_encode()).alias("line"))["line"]
    return "\n".join(lines.to_list()) + "\n"


def run_impact(
    source: Path,
    impact: Impact,
    *,
    out: Path | None = None,
    chunk_rows: int | None = None,
    parquet_reader: ParquetReader = "arrow",
) -> tuple[ImpactCounts, float]:
    """Run ``impact`` over every document of ``source``; changed rows go to ``out`` if given
    (``parquet_reader``: :func:`~amparo.batch.parquet_input.parquet_chunks`)."""
    refuse_missing(source)
    fmt = file_format(source, "IN")
    out_format = output_format(out) if out is not None else None
    if out is not None:
        refuse_overwriting(out, [("IN", source)])
    if fmt == "parquet":
        parquet_rows(source)  # its errors (every part's) before anything is written
    codec = codec_of(out) if out is not None else None
    started = time.perf_counter()
    try:
        _write_impact(source, fmt, impact, out, out_format, codec, chunk_rows, parquet_reader)
    except _NothingCompared:  # an earlier --out is left as it was
        pass
    impact.counts.repeated_ids = impact.ids.found()
    return impact.counts, time.perf_counter() - started


class _NothingCompared(Exception):
    """No row could be compared: the ``--out`` being written is dropped."""


def _write_impact(
    source: Path,
    fmt: str,
    impact: Impact,
    out: Path | None,
    out_format: str | None,
    codec: Any,
    chunk_rows: int | None,
    parquet_reader: ParquetReader,
) -> None:
    with staged(out) if out is not None else nullcontext() as part:  # renamed to ``out`` once whole
        writer: Any = None
        text: Any = None
        try:
            chunks: Any
            if fmt == "parquet":
                chunks = in_order(
                    impact.screen_parquet,
                    read_ahead(parquet_chunks(source, chunk_rows or PARQUET_CHUNK, parquet_reader)),
                    impact.workers,
                )
            else:
                chunks = in_order(
                    impact.screen_json, json_input(source, impact.registry, chunk_rows), impact.workers
                )
            for before, after, where in chunks:  # counted and written here, in input order
                rows = impact.chunk(before, after, where)
                if part is None:
                    continue
                if out_format == "parquet":
                    import pyarrow.parquet as pq  # type: ignore[import-untyped]

                    table = rows.to_arrow()
                    writer = writer or pq.ParquetWriter(part, table.schema)
                    writer.write_table(table.cast(writer.schema))
                else:
                    text = text or open_text_output(part, codec)
                    if rows.height:
                        text.write(_json_lines(rows, impact.keys_by_pack))
        finally:
            if writer is not None:
                writer.close()
            elif part is not None and out_format == "parquet":  # no chunk read: a file of no rows
                polars_module().DataFrame(schema=impact.changed_schema()).write_parquet(part)
            if text is not None:
                text.close()
            elif part is not None and out_format == "jsonl":
                open_text_output(part, codec).close()  # no row changed: an empty file
        if impact.counts.compared_none and part is not None:
            raise _NothingCompared
