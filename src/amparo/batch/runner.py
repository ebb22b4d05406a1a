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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from amparo.batch.facts import fact_columns
from amparo.batch.plan import FLAGS, NO_VERSION, Plan, compile_plan
from amparo.batch.polars_backend import polars_dtype, polars_module, run_plan
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
from amparo.screening.inputs import error_object
from amparo.screening.screen import BEYOND_CURRENCY

ROW = "_row"


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
            "title": type(exc).__doc__.strip().splitlines()[0] if type(exc).__doc__ else type(exc).__name__,
            "errors": [{"path": "", "message": str(exc)}],
        },
    }


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
    ) -> None:
        self.registry = packs if isinstance(packs, PackRegistry) else PackRegistry([packs])
        self.as_of = as_of
        self.verify_sample = verify_sample
        self._random = random.Random(seed)
        self._plans: dict[str, Plan | None] = {}
        self.warnings: list[str] = []
        pl = polars_module()
        schema: dict[str, Any] = {"encounter_id": pl.String, "pack": pl.String, "as_of": pl.Date}
        for pack in self.registry:
            plan = self.plan(pack)
            for key in pack.program.summary_keys:
                kind = plan.summary_types.get(key) if plan is not None else None
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
                self._plans[pack.id] = compile_plan(pack.law_book(), pack.program)
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
                **{k: _listed(v) for k, v in decision.summary.items() if k in self.schema},
                "flags": [f["id"] for f in decision.flags],
            }
        )
        return out

    def _error_row(self, row: int, exc: AmparoError, document: Any) -> dict[str, Any]:
        obj = error_of(exc, document)
        out: dict[str, Any] = dict.fromkeys(self.schema)
        out.update({ROW: row, "encounter_id": obj["encounter_id"], "error": obj["error"]})
        return out

    def _single(self, row: int, document: Any, pack: LawPack, parsed: Any = None) -> dict[str, Any]:
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
    def screen_documents(self, documents: Sequence[Any], errors: Mapping[int, AmparoError] | None = None) -> Any:
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
                pack = self.registry.for_document(document) if isinstance(document, Mapping) else self.registry.default
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
            return self._frame([])
        return pl.concat(frames, how="vertical").sort(ROW).drop(ROW)

    def _screen_parsed(self, pack: LawPack, group: _PackRows, documents: Sequence[Any]) -> Any:
        plan = self.plan(pack)
        if plan is None:
            return self._frame(
                [self._single(r, documents[r], pack, p) for r, p in zip(group.rows, group.parsed, strict=True)]
            )
        pl = polars_module()
        facts = fact_columns(pack, group.parsed, self.as_of)
        result, redo = self._evaluate(pack, plan, facts, group.rows)
        redo += self._verify(pack, result, group, documents, set(redo))
        if not redo:
            return result
        positions = sorted(set(redo))
        fixed = self._frame(
            [self._single(group.rows[i], documents[group.rows[i]], pack, group.parsed[i]) for i in positions]
        )
        keep = ~pl.Series(range(result.height)).is_in(positions)
        return pl.concat([result.filter(keep), fixed], how="vertical")

    def _evaluate(self, pack: LawPack, plan: Plan, facts: Any, rows: Sequence[int]) -> tuple[Any, list[int]]:
        """The plan's output rows in the fixed schema, and the positions to screen one by one."""
        pl = polars_module()
        out = run_plan(plan, facts).select(
            pl.Series(ROW, rows, dtype=pl.Int64),
            pl.col(DOCUMENT_ID_COLUMN).alias("encounter_id"),
            pl.lit(pack.id).alias("pack"),
            pl.col(READ_ON_COLUMN).alias("as_of"),
            *(pl.col(k) for k in plan.summary_keys),
            pl.when(pl.max_horizontal(pl.col(READ_ON_COLUMN), pl.col(OCCURRED_ON_COLUMN)) > pack.current_to)
            .then(pl.col(FLAGS).list.concat(pl.lit([BEYOND_CURRENCY])))
            .otherwise(pl.col(FLAGS))
            .alias("flags"),
            (~pl.col(VOUCHED_COLUMN) | pl.col(NO_VERSION).fill_null(True)).alias("_redo"),
        )
        frame = out.collect()
        redo = frame.select(pl.arg_where(pl.col("_redo"))).to_series().to_list()
        columns = [
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in {ROW: pl.Int64, **self.schema}.items()
        ]
        return frame.select(columns), redo

    def _verify(
        self, pack: LawPack, result: Any, group: _PackRows, documents: Sequence[Any], skip: set[int]
    ) -> list[int]:
        """Screen a few rows one by one and compare: a difference (a column form that no longer
        agrees with the pack's single extraction) sends the whole chunk through the single evaluator."""
        if not self.verify_sample or result.height == 0:
            return []
        candidates = [i for i in self._random.sample(range(result.height), min(self.verify_sample, result.height)) if i not in skip]
        keys = pack.program.summary_keys
        for i in candidates:
            single = self._single(group.rows[i], documents[group.rows[i]], pack, group.parsed[i])
            batch = result.row(i, named=True)
            if any(_listed(batch[k]) != single[k] for k in (*keys, "flags", "as_of")):
                message = (
                    f"law pack {pack.id}: the column form disagreed with the single evaluator on "
                    f"{single['encounter_id']}; this chunk was screened one document at a time"
                )
                self.warnings.append(message)
                print(f"warning: {message}", file=sys.stderr)
                return list(range(result.height))
        return []


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def columnar_documents(pack: LawPack) -> bool:
    """Whether the pack reads documents column-wise (Parquet input skips per-row parsing)."""
    return isinstance(pack, ColumnarPack)


def invalid_json(message: str, source: str) -> EncounterInvalid:
    return EncounterInvalid([FieldError("", message)], source=source)
