"""``amparo screen PATH|- [--as-of DATE] [--json]`` (contract: shared/spec/README.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from amparo.cli.options import checked_language, parse_date
from amparo.errors import FieldError, InputError, Phrase, system_reason


def read_source(path: str) -> tuple[str, str]:
    """The text at PATH (or standard input for '-'; a named pipe too) and a name for messages.
    JSON is UTF-8 (RFC 8259): bytes that are not, a NUL byte or a UTF-16 file are refused alike
    from a file and from standard input (which took them before)."""
    if path == "-":
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise InputError([FieldError("PATH", Phrase("this process has no standard input to read"))])
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream put in its place (an embedding program's): read as it is
            return sys.stdin.read(), "<stdin>"
        return _decoded(stream.read(), "<stdin>"), "<stdin>"
    if not path:
        raise InputError(
            [FieldError("PATH", Phrase("expected a file name (or - for standard input), got ''"))]
        )
    file = Path(path)
    if file.exists() and not (file.is_file() or file.is_dir() or file.is_fifo()):  # /dev/null, a socket
        raise InputError(
            [
                FieldError(
                    "PATH",
                    Phrase(
                        "{path} is not a regular file (a device or a socket); give a JSON file, or - for "
                        "standard input",
                        path=path,
                    ),
                )
            ]
        )
    if file.is_dir():
        raise InputError(
            [
                FieldError(
                    "PATH", Phrase("{path} is a folder; expected a JSON file (or - for stdin)", path=path)
                )
            ]
        )
    if not (file.is_file() or file.is_fifo()):
        raise InputError([FieldError("PATH", Phrase("no such file: {path}", path=path))])
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(
            [FieldError("PATH", Phrase("cannot read {path}: {reason}", path=path, reason=system_reason(exc)))]
        ) from None
    return _decoded(raw, path), path


def _decoded(raw: bytes, name: str) -> str:
    from amparo.user_text import decode_user_bytes

    try:  # JSON is UTF-8 (RFC 8259): no other encoding is guessed
        return decode_user_bytes(raw, name, "PATH", encoding="utf-8-sig", encoding_hint=False)
    except InputError as exc:
        raise InputError(
            [FieldError("PATH", Phrase("{path} {problem}", path=name, problem=e.message)) for e in exc.errors]
        ) from None


def screen_command(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",  # as the contract and the errors name it
            help="A JSON file of documents (object, array or JSON Lines), or - for stdin; each document's "
            "`schema` picks its law pack (encounter v1 by default).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Read the law on this date (YYYY-MM-DD); overrides adjudicated_on."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print decision objects instead of explanations.")
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the explanations and messages: en or es.")
    ] = "en",
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            help="Batch mode: screen every document of this .jsonl or .parquet file (.jsonl.gz, .bz2 or .xz: "
            "compressed; a folder of Parquet parts, as Spark writes one; - for JSON Lines on stdin).",
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Batch mode: write one row per input here (.jsonl or .parquet; .jsonl.gz etc. compressed; "
            "- for JSON Lines on stdout).",
        ),
    ] = None,
) -> None:
    """Screen encounters: which agreements and rules applied, why, under which clause."""
    lang = checked_language(lang)  # first: the errors that follow are said in it
    if batch is not None or out is not None:  # column-wise, file to file (amparo.cli.batch)
        from amparo.cli.batch import screen_batch

        screen_batch(batch, out, as_of, path, as_json=as_json, lang=lang)
        return
    if path is None:
        raise InputError(
            [FieldError("PATH", Phrase("give a file of documents, - for standard input, or --batch IN"))]
        )
    from amparo.cli.packs import pack_registry, refuse_as_of_before_every_pack
    from amparo.cli.progress import progress_on_terminal
    from amparo.i18n import gettext_for, say
    from amparo.screening import screen
    from amparo.screening.explain import explain
    from amparo.screening.inputs import error_object, read_before, read_items, wrapped_example
    from amparo.screening.screen import BEYOND_CURRENCY
    from amparo.terminal_text import escaped_controls

    _ = gettext_for(lang)
    on = parse_date(as_of, "--as-of")
    packs = pack_registry()
    refuse_as_of_before_every_pack(on, packs)
    text, source = read_source(path)
    shape, items = read_items(text, source=source)
    console, err = Console(), Console(stderr=True)
    writer = _JsonWriter(shape) if as_json else None
    invalid = late = 0
    with progress_on_terminal(_("screening"), err, done=_("screened")) as advance:
        for item in items:
            advance()
            try:
                error = item.error or wrapped_example(item.document) or read_before(item.document, packs, on)
                if error is not None:
                    raise error
                decision = screen(item.document, packs, as_of=on)
            except InputError as exc:
                invalid += 1
                problem = error_object(exc, item.document)
                if writer is not None:
                    writer.write(problem)
                else:
                    shown_id = problem["encounter_id"] and escaped_controls(problem["encounter_id"])
                    heading = " ".join(filter(None, (_("invalid document"), shown_id)))
                    err.print(heading, style="bold red", highlight=False, markup=False)
                    for e in exc.errors:
                        err.print(f"  {e.path or '/'}: {say(e.message, lang)}", highlight=False, markup=False)
                continue
            late += any(f["id"] == BEYOND_CURRENCY for f in decision.flags)
            if writer is not None:
                writer.write(decision.to_dict())
            else:
                console.print(explain(decision, packs.get(decision.pack_id), lang))
    if writer is not None:
        writer.close()
    if late:
        from amparo.cli.law_currency import warn_beyond_currency

        warn_beyond_currency(err, late, lang)
    if invalid:
        raise typer.Exit(2)


class _JsonWriter:
    """Writes decision objects as they are made, in the input's shape: one object, an indented array
    (the same text ``json.dumps(list, indent=2)`` gives) or JSON Lines."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.count = 0

    def write(self, obj: dict[str, Any]) -> None:
        out = sys.stdout
        if self.shape == "lines":
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        elif self.shape == "object":
            out.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
        else:
            body = json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            out.write(("[\n  " if self.count == 0 else ",\n  ") + body)
        self.count += 1
        if self.count % 256 == 0:
            out.flush()

    def close(self) -> None:
        if self.shape == "array":
            sys.stdout.write("\n]\n" if self.count else "[]\n")
        sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Add ``amparo screen``."""
    app.command("screen")(screen_command)
