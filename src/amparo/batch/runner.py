"""Screen many documents at once: facts as columns, the pack's program as a column plan, and the
single evaluator for every row the columns cannot vouch for (so errors and edge cases are its own).

:class:`BatchScreener` takes a chunk of documents (decoded JSON objects, or a Polars frame in a
pack's columnar document form) and gives one output row per document, in order: ``encounter_id``,
``pack``, ``as_of``, every summary key, ``flags`` (ids, in the order the single evaluator raises
them), and ``error`` (null, or the error object of ``shared/spec/README.md``).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from amparo.batch.columns import conform, documents_of, instants_in_utc, schema_as_text
from amparo.batch.facts import fact_columns, facts_one_by_one
from amparo.batch.pipeline import DEFAULT_WORKERS, in_order
from amparo.batch.plan import FLAGS, NO_VERSION, Plan, compile_plan, summary_column
from amparo.batch.polars_backend import (
    Decoded,
    compile_stages,
    decode_lists,
    list_columns,
    polars_dtype,
    run_plan,
    word_columns,
)
from amparo.engine.columnar import collected, polars_module
from amparo.engine.pack import (
    DOCUMENT_ID_COLUMN,
    OCCURRED_ON_COLUMN,
    READ_ON_COLUMN,
    VOUCHED_COLUMN,
    ColumnarPack,
    LawPack,
)
from amparo.engine.registry import PackRegistry
from amparo.errors import AmparoError, EncounterInvalid, FieldError, InputError, RuleDefinitionError
from amparo.screening import screen, screen_parsed
from amparo.screening.decision import Decision
from amparo.screening.inputs import error_object, read_before, wrapped_example
from amparo.screening.screen import BEYOND_CURRENCY

ROW = "_row"
#: The documents of some rows of a frame as they were given (e.g. decoded JSON lines), by position.
Originals = Callable[[list[int]], list[Any]]
PIECE_ROWS = 100_000  # a frame of twice this many rows or more is screened in pieces at once
#: The most rows of one piece: a piece's columns stay in the processor's caches (ten million
#: documents in memory, pieces of 1,670,000 rows: 750,000-890,000/s; of 200,000: 1.22-1.27 M/s).
PIECE_MAX_ROWS = 200_000


def error_struct_type() -> Any:
    pl = polars_module()
    return pl.Struct(
        {
            "type": pl.String,
            "title": pl.String,
            "errors": pl.List(pl.Struct({"path": pl.String, "message": pl.String})),
        }
    )


def error_of(exc: AmparoError, document: Any = None) -> dict[str, Any]:
    """The error object of one refused document (any amparo error, e.g. no rule in force)."""
    if isinstance(exc, InputError):
        return error_object(exc, document)
    document_id = document.get("id") if isinstance(document, Mapping) else None
    return {
        "encounter_id": document_id if isinstance(document_id, str) else None,
        "error": {
            "type": "https://amparo.example/problems/" + type(exc).__name__,
            "title": (type(exc).__doc__ or type(exc).__name__).strip().splitlines()[0],
            "errors": [{"path": "", "message": str(exc)}],
        },
    }


class SharedFacts:
    """The fact columns of the last frame a screener read, for another screener of the same frame
    on the same date (``amparo impact`` with a rule change: the pack as it stands and the pack with
    the change read the same facts; only their plans differ). One frame is kept per thread (chunks
    screened at once each have their thread, and each thread reads its chunk with both screeners)."""

    def __init__(self) -> None:
        self._local = threading.local()

    @staticmethod
    def _key_of(pack: ColumnarPack, as_of: dt.date | None) -> tuple[Any, ...]:
        extract = pack.extract_fact_columns  # the same method of the same pack, through any overlay
        return (getattr(extract, "__self__", None), getattr(extract, "__func__", extract), as_of)

    def get(
        self, frame: Any, pack: ColumnarPack, as_of: dt.date | None, wanted: frozenset[str]
    ) -> tuple[Any, Any, Any] | None:
        kept = getattr(self._local, "kept", None)
        if kept is None or kept[1] is not frame or kept[0] != self._key_of(pack, as_of):
            return None
        value: tuple[Any, Any, Any] = kept[2]
        return value if wanted <= set(value[2].columns) else None

    def put(self, frame: Any, pack: ColumnarPack, as_of: dt.date | None, value: tuple[Any, Any, Any]) -> None:
        self._local.kept = (self._key_of(pack, as_of), frame, value)


@dataclass
class _PackRows:
    """The rows of one chunk that one pack reads."""

    rows: list[int] = field(default_factory=list)
    parsed: list[Any] = field(default_factory=list)


class BatchScreener:
    """Screens chunks of documents under the packs given; the output schema is fixed up front."""

    def __init__(
        self,
        packs: LawPack | PackRegistry,
        *,
        as_of: dt.date | None = None,
        verify_sample: int = 8,
        seed: int = 0,
        shared_facts: SharedFacts | None = None,
        workers: int = DEFAULT_WORKERS,
        refuse_read_before: bool = False,
    ) -> None:
        if workers < 1:
            raise InputError([FieldError("workers", f"expected at least 1, got {workers}")])
        self.workers = workers
        self.registry = packs if isinstance(packs, PackRegistry) else PackRegistry([packs])
        self.as_of = as_of
        # ``amparo screen --batch --as-of``: a document dated after ``as_of`` is refused at
        # --as-of, as ``amparo screen --as-of`` refuses it (``impact`` reads it on any date).
        self.refuse_read_before = refuse_read_before and as_of is not None
        self.shared_facts = shared_facts
        self.verify_sample = verify_sample
        self._random = random.Random(seed)
        self._plans: dict[str, Plan | None] = {}
        self._stages: dict[str, list[list[Any]]] = {}
        self.warnings: list[str] = []
        pl = polars_module()
        schema: dict[str, Any] = {"encounter_id": pl.String, "pack": pl.String, "as_of": pl.Date}
        for pack in self.registry:
            plan = self.plan(pack)
            for key in pack.program.summary_keys:
                kind: Any = plan.summary_types.get(key) if plan is not None else _kind_of(pack, key)
                dtype = pl.List(pl.String) if kind == "list" else polars_dtype(kind) if kind else pl.String
                schema.setdefault(key, pl.String if dtype == pl.Null else dtype)
        schema["flags"] = pl.List(pl.String)
        schema["error"] = error_struct_type()
        self.schema = schema

    # ----------------------------------------------------------------------------------------
    def plan(self, pack: LawPack) -> Plan | None:
        """The pack's column plan (``None`` when its rules have no column form: one by one then)."""
        if pack.id not in self._plans:
            try:
                plan = compile_plan(pack.law_book(), pack.program).levelled()
                self._stages[pack.id] = compile_stages(plan)
                self._plans[pack.id] = plan
            except RuleDefinitionError as exc:
                self.warnings.append(f"law pack {pack.id}: screened one document at a time ({exc})")
                self._plans[pack.id] = None
        return self._plans[pack.id]

    def _frame(self, rows: list[dict[str, Any]]) -> Any:
        pl = polars_module()
        return pl.DataFrame(rows, schema={ROW: pl.Int64, **self.schema})

    def _decision_row(self, row: int, decision: Decision) -> dict[str, Any]:
        out: dict[str, Any] = dict.fromkeys(self.schema)
        out.update(
            {
                ROW: row,
                "encounter_id": decision.encounter_id,
                "pack": decision.pack_id,
                "as_of": decision.as_of,
                **{k: self._cell(k, v) for k, v in decision.summary.items() if k in self.schema},
                "flags": [f["id"] for f in decision.flags],
            }
        )
        return out

    def _cell(self, key: str, value: Any) -> Any:
        """A summary value in its column (a value of another type than the column's, as text)."""
        pl = polars_module()
        value = _listed(value)
        if self.schema[key] == pl.String and value is not None and not isinstance(value, str):
            return str(value)
        return value

    def _error_row(self, row: int, exc: AmparoError, document: Any) -> dict[str, Any]:
        obj = error_of(exc, document)
        out: dict[str, Any] = dict.fromkeys(self.schema)
        out.update({ROW: row, "encounter_id": obj["encounter_id"], "error": obj["error"]})
        return out

    def single_row(self, row: int, document: Any, pack: LawPack, parsed: Any = None) -> dict[str, Any]:
        wrapped = wrapped_example(document) if parsed is None else None
        if wrapped is not None:  # as for a JSON line (screen_documents): a Parquet row too
            return self._error_row(row, wrapped, document)
        if self.refuse_read_before:
            refused = read_before(document, self.registry, self.as_of)
            if refused is not None:
                return self._error_row(row, refused, document)
        try:
            decision = (
                screen_parsed(parsed, pack, as_of=self.as_of)
                if parsed is not None
                else screen(document, pack, as_of=self.as_of)
            )
        except AmparoError as exc:
            return self._error_row(row, exc, document)
        return self._decision_row(row, decision)

    # ----------------------------------------------------------------------------------------
    def screen_documents(
        self, documents: Sequence[Any], errors: Mapping[int, AmparoError] | None = None
    ) -> Any:
        """One output row per decoded document (``errors``: positions already known to be bad,
        e.g. a line that is not JSON)."""
        pl = polars_module()
        singles: list[dict[str, Any]] = []
        groups: dict[str, _PackRows] = {}
        for row, document in enumerate(documents):
            if errors and row in errors:
                singles.append(self._error_row(row, errors[row], document))
                continue
            try:
                wrapped = wrapped_example(document)
                if wrapped is not None:
                    raise wrapped
                pack = (
                    self.registry.for_document(document)
                    if isinstance(document, Mapping)
                    else self.registry.default
                )
                parsed = pack.parse(document)
            except AmparoError as exc:
                singles.append(self._error_row(row, exc, document))
                continue
            group = groups.setdefault(pack.id, _PackRows())
            group.rows.append(row)
            group.parsed.append(parsed)
        frames = [self._frame(singles)] if singles else []
        for pack_id, group in groups.items():
            frames.append(self._screen_parsed(self.registry.get(pack_id), group, documents))
        if not frames:
            return self._frame([]).drop(ROW)
        return pl.concat(frames, how="vertical").sort(ROW).drop(ROW)

    def screen_frame(self, frame: Any, originals: Originals | None = None) -> Any:
        """One output row per row of ``frame``: documents in columns (e.g. read from Parquet), each
        row's ``schema`` column (or the default pack) choosing its pack. A large frame is cut into
        pieces screened ``workers`` at once (:func:`~amparo.batch.pipeline.in_order`).

        ``originals``: the documents as they were given, by row position (e.g. decoded JSON lines),
        for the rows the single evaluator reads; without it they are rebuilt from the columns."""
        pl = polars_module()
        frame = instants_in_utc(schema_as_text(frame))
        if self.workers > 1 and frame.height >= 2 * PIECE_ROWS:
            size = min(PIECE_MAX_ROWS, max(PIECE_ROWS, -(-frame.height // (2 * self.workers))))
            pieces = (
                (frame.slice(start, size), _shifted(originals, start))
                for start in range(0, frame.height, size)
            )
            return pl.concat(
                list(in_order(lambda piece: self._screen_piece(*piece), pieces, self.workers)),
                how="vertical",
            )
        return self._screen_piece(frame, originals)

    def _screen_piece(self, frame: Any, originals: Originals | None = None) -> Any:
        pl = polars_module()
        if frame.height == 0:
            return self._frame([]).drop(ROW)
        rows = pl.int_range(frame.height, dtype=pl.Int64, eager=True).alias(ROW)
        if "schema" in frame.columns and frame["schema"].dtype not in (pl.String, pl.Null):
            # A schema that is not text (a number, a list) names no pack: each row's document
            # says so, as to the single evaluator (rows where it is null go to the default pack).
            given = originals(rows.to_list()) if originals else documents_of(frame, list(self.registry))
            return self.screen_documents(given)
        if "schema" in frame.columns and frame["schema"].dtype == pl.String:
            schemas = frame["schema"].unique().to_list()
        else:
            schemas = [None]
        parts = []
        for schema in schemas:
            pack = self.registry.default if schema is None else self.registry.for_schema(schema)
            if len(schemas) == 1:  # every row: no copy of the frame
                subset, subset_rows = frame, rows
            else:
                mask = (
                    frame["schema"].is_null()
                    if schema is None
                    else (frame["schema"] == schema).fill_null(False)
                )
                subset, subset_rows = frame.filter(mask), rows.filter(mask)
            if pack is None or not isinstance(pack, ColumnarPack) or self.plan(pack) is None:
                given = originals(subset_rows.to_list()) if originals else documents_of(subset, [pack])
                part = self.screen_documents(given)
                parts.append(part.select(pl.Series(ROW, subset_rows, dtype=pl.Int64), *self.schema))
                continue
            parts.append(self._screen_columns(pack, subset, subset_rows, originals))
        out = pl.concat(parts, how="vertical") if len(parts) > 1 else parts[0]
        return out.sort(ROW).drop(ROW) if len(parts) > 1 else out.drop(ROW)

    def _screen_columns(self, pack: LawPack, frame: Any, rows: Any, originals: Originals | None) -> Any:
        """Rows already in columns (``rows``: their positions in the input, a Polars series):
        conform them to the pack's form, screen column-wise, and read the rows the columns cannot
        vouch for one by one (as given, when ``originals`` has them)."""
        pl = polars_module()

        def given(positions: list[int]) -> list[Any]:
            if originals is not None:
                return originals([rows[i] for i in positions])
            return documents_of(frame[positions], [pack]) if positions else []

        plan = self.plan(pack)
        if not isinstance(pack, ColumnarPack) or plan is None:  # pragma: no cover - screen_frame checks
            raise RuleDefinitionError(f"law pack {pack.id} has no column form")
        _, suspect, facts = self._fact_columns(pack, plan, frame)
        if self._missing(pack, plan, facts):
            out = self.screen_documents(given(list(range(frame.height))))
            return out.with_columns(pl.Series(ROW, rows, dtype=pl.Int64)).select([ROW, *self.schema])
        result, redo = self._evaluate(pack, plan, facts, rows)
        redo = sorted(set(redo) | set(pl.arg_where(suspect, eager=True).to_list()))
        if self.verify_sample and result.height:
            sample = self._sample(result.height, redo)
            for i, document in zip(sample, given(sample), strict=True):
                if not self._agrees(
                    pack, result.row(i, named=True), self.single_row(rows[i], document, pack)
                ):
                    redo = list(range(result.height))
                    break
        if not redo:
            return result
        fixed = self._frame(
            [self.single_row(rows[i], document, pack) for i, document in zip(redo, given(redo), strict=True)]
        )
        keep = ~pl.int_range(result.height, eager=True).is_in(redo)
        return pl.concat([result.filter(keep), fixed], how="vertical").sort(ROW)

    def _fact_columns(self, pack: ColumnarPack, plan: Plan, frame: Any) -> tuple[Any, Any, Any]:
        """The frame in the pack's form, its suspect rows and its facts (from ``shared_facts``
        when another screener just read the same frame on the same date)."""
        shared = self.shared_facts
        known = shared.get(frame, pack, self.as_of, plan.facts) if shared is not None else None
        if known is not None:
            return known
        documents, suspect = conform(frame, dict(pack.document_schema()), pack)
        facts = pack.extract_fact_columns(documents, self.as_of, plan.facts)
        if shared is not None:
            shared.put(frame, pack, self.as_of, (documents, suspect, facts))
        return documents, suspect, facts

    def _missing(self, pack: LawPack, plan: Plan, facts: Any) -> bool:
        """Whether the pack's column form lacks facts its rules read (e.g. a fact added to the single
        extraction since): the documents are then read one at a time, with a warning."""
        missing = sorted(plan.facts - set(facts.columns))
        if not missing:
            return False
        message = (
            f"law pack {pack.id}: its column form lacks the facts {missing}; read one document at a time"
        )
        if message not in self.warnings:
            self.warnings.append(message)
            sys.stderr.write(f"warning: {message}\n")
        return True

    def _agrees(self, pack: LawPack, batch: Mapping[str, Any], single: Mapping[str, Any]) -> bool:
        keys = (*pack.program.summary_keys, "flags", "as_of", "error")
        if all(_listed(batch[k]) == single[k] for k in keys):
            return True
        message = (
            f"law pack {pack.id}: the column form disagreed with the single evaluator on "
            f"{single['encounter_id']}; this chunk was screened one document at a time"
        )
        self.warnings.append(message)
        sys.stderr.write(f"warning: {message}\n")
        return False

    def _screen_parsed(self, pack: LawPack, group: _PackRows, documents: Sequence[Any]) -> Any:
        plan = self.plan(pack)
        if plan is None:
            return self._frame(
                [
                    self.single_row(r, documents[r], pack, p)
                    for r, p in zip(group.rows, group.parsed, strict=True)
                ]
            )
        pl = polars_module()
        facts = fact_columns(pack, group.parsed, self.as_of, plan.facts)
        if READ_ON_COLUMN not in facts.columns:  # no document's dates could be read: each gives its error
            return self._frame(
                [
                    self.single_row(r, documents[r], pack, p)
                    for r, p in zip(group.rows, group.parsed, strict=True)
                ]
            )
        if self._missing(pack, plan, facts):
            facts = facts_one_by_one(pack, group.parsed, self.as_of)
        result, redo = self._evaluate(pack, plan, facts, group.rows)
        redo += self._verify(pack, result, group, documents, set(redo))
        if not redo:
            return result
        positions = sorted(set(redo))
        fixed = self._frame(
            [
                self.single_row(group.rows[i], documents[group.rows[i]], pack, group.parsed[i])
                for i in positions
            ]
        )
        keep = ~pl.int_range(result.height, eager=True).is_in(positions)
        return pl.concat([result.filter(keep), fixed], how="vertical")

    def _evaluate(self, pack: LawPack, plan: Plan, facts: Any, rows: Sequence[int]) -> tuple[Any, list[int]]:
        """The plan's output rows in the fixed schema, and the positions to screen one by one."""
        pl = polars_module()
        lists = list_columns(plan)
        outputs = [k for k in plan.summary_keys if summary_column(k) not in lists]
        words = {name: word_columns(plan, name) for name in lists}
        out = run_plan(plan, facts, self._stages.get(pack.id)).select(
            pl.Series(ROW, rows, dtype=pl.Int64),
            pl.col(DOCUMENT_ID_COLUMN).alias("encounter_id"),
            pl.lit(pack.id).alias("pack"),
            pl.col(READ_ON_COLUMN).alias("as_of"),
            *(pl.col(summary_column(k)).alias(k) for k in outputs),
            *(pl.col(w) for ws in words.values() for w in ws),
            *([] if FLAGS in lists else [pl.col(FLAGS)]),
            (pl.max_horizontal(pl.col(READ_ON_COLUMN), pl.col(OCCURRED_ON_COLUMN)) > pack.current_to)
            .fill_null(False)
            .alias("_beyond"),
            (~pl.col(VOUCHED_COLUMN) | pl.col(NO_VERSION).fill_null(True) | self._read_before()).alias(
                "_redo"
            ),
        )
        frame = collected(out)
        redo = frame.select(pl.arg_where(pl.col("_redo"))).to_series().to_list()
        keys = {summary_column(k): k for k in plan.summary_keys if summary_column(k) in lists}
        frame = decode_lists(frame, plan, keys, {"flags": self._flags(plan, words.get(FLAGS))})
        columns = [
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in {ROW: pl.Int64, **self.schema}.items()
        ]
        return frame.select(columns), redo

    def _read_before(self) -> Any:
        """Rows dated after ``as_of`` when they are refused (read one by one, which says so)."""
        pl = polars_module()
        if not self.refuse_read_before:
            return pl.lit(False)
        return (pl.col(OCCURRED_ON_COLUMN) > self.as_of).fill_null(False)

    def _flags(self, plan: Plan, words: list[str] | None) -> Decoded:
        """How the flag ids of a row are decoded, as the single evaluator lists them (its currency
        flag last), from its flag words (or its list of flags) and ``_beyond``."""
        collect = list_columns(plan).get(FLAGS)

        def decode(row: tuple[Any, ...]) -> list[str]:
            given, beyond = row[:-1], row[-1]
            ids = list(collect.decode(given)) if collect is not None and words else list(given[0] or [])
            return [*ids, BEYOND_CURRENCY] if beyond else ids

        return [*(words or [FLAGS]), "_beyond"], decode

    def _sample(self, height: int, redone: Collection[int]) -> list[int]:
        """Up to ``verify_sample`` of the rows ``0 .. height - 1`` that the columns decided, drawn
        among those only (drawn among all rows, a chunk whose rows were mostly read one by one
        anyway left the few decided in columns unchecked: testers' Parquet file without a field)."""
        pl = polars_module()
        decided = pl.arg_where(~pl.int_range(height, eager=True).is_in(list(redone)), eager=True)
        picks = self._random.sample(range(decided.len()), min(self.verify_sample, decided.len()))
        return [int(decided[k]) for k in picks]

    def _verify(
        self, pack: LawPack, result: Any, group: _PackRows, documents: Sequence[Any], skip: set[int]
    ) -> list[int]:
        """Screen a few rows one by one and compare: a difference (a column form that no longer
        agrees with the pack's single extraction) sends the whole chunk through the single evaluator."""
        if not self.verify_sample or result.height == 0:
            return []
        for i in self._sample(result.height, skip):
            single = self.single_row(group.rows[i], documents[group.rows[i]], pack, group.parsed[i])
            if not self._agrees(pack, result.row(i, named=True), single):
                return list(range(result.height))
        return []


def _shifted(originals: Originals | None, start: int) -> Originals | None:
    """``originals`` for a piece of a frame that starts at row ``start``."""
    if originals is None:
        return None
    return lambda positions: originals([start + i for i in positions])


def _kind_of(pack: LawPack, key: str) -> str | None:
    """The column type of a summary key of a pack without a column plan: booleans and lists by
    their kind, anything else as text."""
    kind = next(k.kind for k in pack.program.summary if k.key == key)
    return {"applies": "bool", "values": "list"}.get(kind)


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def columnar_documents(pack: LawPack) -> bool:
    """Whether the pack reads documents column-wise (Parquet input skips per-row parsing)."""
    return isinstance(pack, ColumnarPack)


def invalid_json(message: str, source: str) -> EncounterInvalid:
    return EncounterInvalid([FieldError("", message)], source=source)
