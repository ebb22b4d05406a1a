"""``amparo screen --batch IN --out OUT``, ``amparo impact`` and ``amparo synth encounters``
(contracts: shared/spec/contracts.md; the logic lives in :mod:`amparo.batch`)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from amparo.batch.repeated_ids import CHECKED_ROWS, Repeats
from amparo.cli.options import checked_language, parse_date
from amparo.errors import Count, FieldError, InputError, Phrase, Plural, Size

ENCOUNTER_SCHEMA = "amparo/encounter@1"


def screen_batch(
    batch: str | None,
    out: str | None,
    as_of: str | None,
    path: str | None,
    *,
    as_json: bool = False,
    lang: str = "en",
) -> None:
    """``amparo screen --batch IN --out OUT [--as-of DATE] [--json] [--lang]``: exit 0, or 2 when any
    row was invalid. The rows go to OUT; the run's report goes to standard error in ``lang`` (checked
    by ``amparo screen`` before it calls this), or to
    standard output as one JSON object with ``--json`` (then OUT cannot be standard output)."""
    from amparo.batch.pipeline import keep_freed_memory

    keep_freed_memory()
    from amparo.batch.files import screen_file
    from amparo.batch.standard_streams import input_path, is_standard_output, output_name, output_path
    from amparo.cli.law_currency import warn_beyond_currency
    from amparo.cli.packs import pack_registry, refuse_as_of_before_every_pack
    from amparo.i18n import say, translator
    from amparo.settings import load_settings

    if batch is None or out is None:
        raise InputError(
            [
                FieldError(
                    "--batch" if batch is None else "--out",
                    Phrase("batch mode needs --batch IN and --out OUT"),
                )
            ]
        )
    if path is not None:
        raise InputError([FieldError("PATH", Phrase("give either PATH or --batch IN, not both"))])
    on = parse_date(as_of, "--as-of")
    target = output_path(out)
    if as_json and is_standard_output(target):
        raise InputError(
            [
                FieldError(
                    "--json",
                    Phrase("the rows go to standard output (--out -); give a file to --out for --json"),
                )
            ]
        )
    registry = pack_registry()
    refuse_as_of_before_every_pack(on, registry)
    settings = load_settings()
    report = screen_file(
        input_path(batch, "--batch"),
        target,
        registry,
        as_of=on,
        workers=settings.batch_workers,
        chunk_rows=settings.batch_chunk_rows,
        parquet_reader=settings.batch_parquet_reader,
        refuse_read_before=True,  # as `amparo screen --as-of` refuses a document dated after it
        progress_label=say(Phrase("screening"), lang),
    )
    rate = report.rows / report.seconds if report.seconds else 0.0
    if as_json:
        summary = {
            "documents": report.rows,
            "invalid": report.invalid,
            "out": output_name(target),
            "as_of": on.isoformat() if on else None,
            "seconds": round(report.seconds, 3),
            "per_second": round(rate),
            "beyond_currency": report.beyond_currency,
            "repeated_ids": report.repeated_ids.rows,
            "repeated_id_examples": list(report.repeated_ids.examples),
            "warnings": list(report.warnings),
        }
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        out = translator(lang).gettext("standard output") if is_standard_output(target) else str(target)
        err = Console(stderr=True, soft_wrap=True)
        err.print(
            screened_line(report.rows, report.invalid, out, report.seconds, lang),
            highlight=False,
            markup=False,
        )
        if report.beyond_currency:
            warn_beyond_currency(err, report.beyond_currency, lang)
        warn_repeated_ids(err, report.repeated_ids, lang)
    if report.invalid:
        raise typer.Exit(2)


def warn_repeated_ids(err: Console, repeats: Repeats, lang: str) -> None:
    """Warn, in ``lang``, that rows repeat an earlier row's ``encounter_id`` (each is screened, and
    counted, all the same), naming a few where OUT was read back for them; and say how many rows
    past the first checked ones were not checked."""
    from amparo.i18n import say
    from amparo.terminal_text import escaped_controls

    if repeats.rows:
        warned: Phrase = Plural(
            "warning: {n} row repeats the encounter_id of an earlier row; each row is screened and counted",
            "warning: {n} rows repeat the encounter_id of an earlier row; each row is screened and counted",
            repeats.rows,
            n=Count(repeats.rows),
        )
        if repeats.examples:
            shown = ", ".join(map(escaped_controls, repeats.examples))
            warned = Phrase("{warning} (e.g. {ids})", warning=warned, ids=shown)
        err.print(say(warned, lang), highlight=False, markup=False, style="yellow")
    if repeats.unchecked:
        note = Plural(
            "note: the encounter_id of {n} row past the first {checked} was not checked for repeats",
            "note: the encounter_id of {n} rows past the first {checked} was not checked for repeats",
            repeats.unchecked,
            n=Count(repeats.unchecked),
            checked=Count(CHECKED_ROWS),
        )
        err.print(say(note, lang), highlight=False, markup=False)


def screened_line(rows: int, invalid: int, out: str, seconds: float, lang: str) -> str:
    """The one line a batch run ends with, in ``lang``: ``1,000 documents screened into o.parquet in
    2.1 s (476/s); 3 invalid`` (``screen --batch``'s and the Spark job's)."""
    from babel.numbers import format_decimal

    from amparo.i18n import translator

    language = translator(lang)
    screened = language.ngettext(
        "{rows} document screened into {out} in {seconds} s ({rate}/s)",
        "{rows} documents screened into {out} in {seconds} s ({rate}/s)",
        rows,
    )
    said = language.ngettext("{invalid} invalid", "{invalid} invalid", invalid)
    rate = rows / seconds if seconds else 0.0
    return f"{screened}; {said}".format(
        rows=format_decimal(rows, locale=lang),
        out=out,
        seconds=format_decimal(round(seconds, 1), format="0.0", locale=lang),
        rate=format_decimal(round(rate), locale=lang),
        invalid=format_decimal(invalid, locale=lang),
    )


def impact_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="IN",  # as the contract and the errors name it
            help="Encounters (.jsonl or .parquet; .jsonl.gz, .bz2 or .xz compressed; a folder of Parquet parts; "
            "- for JSON Lines on stdin).",
        ),
    ],
    before: Annotated[
        str | None, typer.Option("--before", help="Read the law on this date first (YYYY-MM-DD).")
    ] = None,
    after: Annotated[str | None, typer.Option("--after", help="Then on this date (YYYY-MM-DD).")] = None,
    change: Annotated[
        str | None,
        typer.Option(
            "--change", help="A rule change given as data (YAML/JSON), laid over the pack for 'after'."
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Write each encounter that changes, keys before and after (.jsonl/.parquet; .jsonl.gz etc. compressed).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the report and messages: en or es.")
    ] = "en",
) -> None:
    """Who changes outcome between the law read on two dates, or under a rule change."""
    from amparo.batch.pipeline import keep_freed_memory

    keep_freed_memory()
    from amparo.batch.change_file import load_change
    from amparo.batch.impact import Impact, run_impact
    from amparo.batch.output_file import refuse_overwriting
    from amparo.batch.overlay import overlay_registry
    from amparo.batch.standard_streams import input_path, is_standard_output, output_path
    from amparo.cli.impact_report import ImpactReport
    from amparo.cli.packs import pack_registry
    from amparo.settings import load_settings

    lang = checked_language(lang)  # first: the errors that follow are said in it
    if change == "":  # Path('') is the current folder
        raise InputError([FieldError("--change", Phrase("expected a file name, got ''"))])
    before_on, after_on = parse_date(before, "--before"), parse_date(after, "--after")
    if change is None and (before_on is None or after_on is None):
        raise InputError(
            [
                FieldError(
                    "--before" if before_on is None else "--after",
                    Phrase("give both dates, or --change FILE"),
                )
            ]
        )
    target = output_path(out) if out is not None else None
    if target is not None and is_standard_output(target):  # - or /dev/stdout
        raise InputError(
            [
                FieldError(
                    "--out",
                    Phrase("the counts are printed on standard output; give a file name for the rows"),
                )
            ]
        )
    if target is not None and change is not None:
        refuse_overwriting(target, [("--change", Path(change))])
    options = ("--before", "--after")
    if change is not None and (before_on is None) != (after_on is None):
        options = ("--before",) * 2 if before_on is not None else ("--after",) * 2
        # one date with a change: both sides read on it, so that only the change differs (with
        # --after alone, the document's own date was compared with that date and the change)
        before_on = after_on = before_on or after_on
        before = after = before or after
    registry = pack_registry()
    changed = registry
    if change is not None:
        rule_change = load_change(Path(change))
        try:
            changed = overlay_registry(registry, rule_change)
        except InputError as exc:  # what the file names that no pack holds: said naming the file
            if exc.source is not None:
                raise
            raise InputError(exc.errors, source=change) from None
    settings = load_settings()
    impact = Impact(
        registry,
        changed,
        before_on=before_on,
        after_on=after_on,
        workers=settings.batch_workers,
        options=options,
    )
    counts, seconds = run_impact(
        input_path(source),
        impact,
        out=target,
        chunk_rows=settings.batch_chunk_rows,
        parquet_reader=settings.batch_parquet_reader,
    )
    label_before = before or "each document's own date"
    label_after = (after or label_before) + (f" with {Path(change).name}" if change else "")
    result = counts.as_dict(label_before, label_after, seconds)
    compared_none = counts.compared_none  # exit 2; no --out written
    if as_json:  # the invalid rows are in it (invalid_rows)
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        if compared_none:
            raise typer.Exit(2)
        return
    report = ImpactReport(
        result,
        before,
        after,
        Path(change).name if change is not None else None,
        encounters_only=set(result["by_pack"]) <= {p.id for p in registry if p.schema_id == ENCOUNTER_SCHEMA},
        lang=lang,
    )
    if counts.invalid:  # not counted as changed or not: said, with the first, on standard error
        report.invalid_rows(Console(stderr=True, soft_wrap=True))
    console = Console(soft_wrap=True)  # a line per count, also in a file or a pipe
    if compared_none:
        report.nothing_compared(console)
        raise typer.Exit(2)
    report.counts(console)
    warn_repeated_ids(Console(stderr=True, soft_wrap=True), counts.repeated_ids, lang)


#: Bytes a synthetic encounter takes in each format, as measured (seeds 7 and 2019, 1,000 to
#: 1,000,000 documents): JSON Lines 501-507, gzip 39-40, bzip2 18.6, xz 24.6-29, Parquet 32.7-57 (a
#: small file's footer weighs more). Each is set a little below the least measured, so that ``--n``
#: is refused only where OUT surely does not fit; a file that does not fit after all is still said
#: by the writer (no space left, the partial file removed).
BYTES_PER_DOCUMENT = {"jsonl": 480, "gzip": 36, "bzip2": 17, "xz": 22, "parquet": 30}
_FORMAT_NAMES = {
    "jsonl": Phrase("JSON Lines"),
    "gzip": Phrase("JSON Lines compressed with gzip"),
    "bzip2": Phrase("JSON Lines compressed with bzip2"),
    "xz": Phrase("JSON Lines compressed with xz"),
    "parquet": Phrase("Parquet"),
}


def refuse_beyond_free_space(n: int, path: Path) -> None:
    """InputError naming ``--n`` when ``n`` documents would not fit in the free space of the file
    system that holds ``path`` (:data:`BYTES_PER_DOCUMENT`), before anything is written (they were
    written until the disk was full). Standard output and ``/dev/null`` are not checked, nor a
    folder the system cannot measure or whose file system has no size (``/sys``): the writer says
    what is wrong with it."""
    from amparo.batch.compression import codec_of, inner_suffix
    from amparo.batch.standard_streams import is_written_as_it_goes

    if is_written_as_it_goes(path):
        return
    kind = "parquet" if inner_suffix(path) in {".parquet", ".pq"} else codec_of(path) or "jsonl"
    try:  # the folder the file is written in (beside it, then renamed): through a link, its target's
        disk = os.statvfs(Path(os.path.realpath(path)).parent)
    except OSError:
        return
    # What this user may write: the blocks a file system keeps for root are root's too.
    root = getattr(os, "geteuid", lambda: -1)() == 0
    free = (disk.f_bfree if root else disk.f_bavail) * disk.f_frsize
    needed = n * BYTES_PER_DOCUMENT[kind]
    if disk.f_blocks and needed > free:  # no size at all: /sys, /proc (the writer refuses the place)
        exact = str(Size(needed)) == str(Size(free))  # '2.1 MB' against '2.1 MB': in bytes then
        size = Size(needed, exact=exact)
        raise InputError(
            [
                FieldError(
                    "--n",
                    Plural(
                        "{n} document would take {size} as {format}; the disk holding OUT has {free} free",
                        "{n} documents would take {size} as {format}; the disk holding OUT has {free} free",
                        n,
                        n=Count(n),
                        size=size if size.beyond else Phrase("about {size}", size=size),
                        format=_FORMAT_NAMES[kind],
                        free=Size(free, exact=exact),
                    ),
                )
            ]
        )


def synth_encounters(
    n: Annotated[int, typer.Option("--n", min=1, help="Number of encounter documents.")],
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            min=0,
            max=2**63 - 1,
            help="Random seed (0 to 2**63-1): the same seed gives identical files.",
        ),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help="Where to write them (.jsonl or .parquet; .jsonl.gz etc. compressed; - for JSON Lines on stdout).",
        ),
    ],
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the report and messages: en or es.")
    ] = "en",
) -> None:
    """Realistic encounter v1 documents calibrated to CBP's monthly counts, deterministic for a seed."""
    from babel.numbers import format_decimal

    from amparo.batch.file_paths import output_format
    from amparo.batch.standard_streams import is_standard_output, output_path
    from amparo.batch.synth import write_documents
    from amparo.cli.packs import pack_registry
    from amparo.i18n import translator

    lang = checked_language(lang)  # first: the errors that follow are said in it
    path = output_path(out)
    output_format(path)
    from amparo.engine.pack import ColumnarPack

    pack = pack_registry().for_schema(ENCOUNTER_SCHEMA)
    if not isinstance(pack, ColumnarPack):
        raise InputError(
            [
                FieldError(
                    "--out",
                    Phrase("no installed law pack reads {schema} column-wise", schema=ENCOUNTER_SCHEMA),
                )
            ]
        )
    refuse_beyond_free_space(n, path)
    started = time.perf_counter()
    written = write_documents(n, seed, path, pack)
    seconds = time.perf_counter() - started
    language = translator(lang)
    said = language.ngettext(
        "{count} encounter written to {out} in {seconds} s",
        "{count} encounters written to {out} in {seconds} s",
        written,
    )
    Console(stderr=True, soft_wrap=True).print(
        said.format(
            count=format_decimal(written, locale=lang),
            out=language.gettext("standard output") if is_standard_output(path) else str(path),
            seconds=format_decimal(round(seconds, 1), format="0.0", locale=lang),
        ),
        highlight=False,
        markup=False,  # a path is printed as it is ('[x]' in it was read as a style and dropped)
    )


def register(app: typer.Typer) -> None:
    """Add ``amparo impact`` (``screen --batch`` is an option of ``amparo screen``; ``synth
    encounters`` joins the ``synth`` group of the identity area)."""
    app.command("impact")(impact_command)
