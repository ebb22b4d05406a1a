"""The ``amparo`` command line. Each area registers its commands from its own module.

Domain errors are turned into a one-line message on standard error and an exit code here
(see :mod:`amparo.cli.exit_codes`); a user never sees a traceback.
"""

from __future__ import annotations

import errno
import importlib
import os
import signal
import sys
from collections.abc import Sequence

import typer
from rich.console import Console
from rich.text import Text

from amparo.batch.output_file import STOPPING, remove_partial_files, writing_output
from amparo.cli.closed_streams import stand_in_for_closed_streams
from amparo.cli.exit_codes import INTERNAL, INTERRUPTED, INVALID_INPUT, TERMINATED, exit_code_for
from amparo.cli.options import errors_in_english, errors_language
from amparo.cli.usage_errors import language_asked, usage_errors_in
from amparo.errors import AmparoError, Phrase, system_reason

# Modules that each define ``register(app)``; heavy libraries are imported inside commands.
COMMAND_MODULES: tuple[str, ...] = (
    "amparo.cli.screen",
    "amparo.cli.rules",
    "amparo.cli.demo",
    "amparo.cli.store",
    "amparo.cli.identity",
    "amparo.cli.flows",
    "amparo.cli.audit",
    "amparo.cli.transfers",
    "amparo.cli.batch",
)


def build_app() -> typer.Typer:
    """The Typer application with every area's commands registered."""
    app = typer.Typer(
        name="amparo",
        help="amparo: law as code, intake, cases, transfers, confidential exchange and flows.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    def show_version(value: bool) -> None:
        if value:
            from amparo import __version__
            from amparo.cli.packs import pack_registry

            packs = ", ".join(f"{p.id} {p.law_book().version}" for p in pack_registry())
            typer.echo(f"amparo {__version__} (law packs: {packs})")
            raise typer.Exit()

    @app.callback()
    def root(
        version: bool = typer.Option(
            False,
            "--version",
            help="Print amparo's version and its law packs' versions.",
            callback=show_version,
            is_eager=True,
        ),
    ) -> None:
        """amparo: law as code, intake, cases, transfers, confidential exchange and flows."""

    @app.command("version")
    def version() -> None:
        """Print amparo's version and the law pack's version."""
        show_version(True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def interrupt(_signum: int, _frame: object) -> None:
    """Ctrl-C: while a batch output is being written, ended as SIGTERM ends it (its files removed,
    exit 130), since the KeyboardInterrupt raised in the main thread may land inside a Polars
    callback that drops it or turns it into another error (``synth encounters`` finished its file,
    or stopped with an internal error); otherwise the usual KeyboardInterrupt."""
    if not writing_output():
        raise KeyboardInterrupt
    remove_partial_files()
    os.write(2, f"{_said('interrupted')}\n".encode())
    os._exit(INTERRUPTED)


def end_when_stopped(signum: int, _frame: object) -> None:
    """SIGTERM or SIGHUP (``STOPPING``): the files being written removed, then the process ends
    (exit 143, or 129). Not an exception raised into the main thread: it may be inside a library's
    callback that wraps or drops it (or Py4J's, waiting on Spark)."""
    remove_partial_files()
    os.write(2, f"{_said('terminated')}\n".encode())
    os._exit(TERMINATED if signum == signal.SIGTERM else 128 + signum)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``amparo`` and ``python -m amparo``.

    Typer handles usage errors itself (exit 2 with a message); domain errors become a one-line
    message and their exit code; a file that cannot be read or written is said with its path
    (exit 2); Ctrl-C ends quietly (exit 130), SIGTERM and SIGHUP too (exit 143, 129); anything else is reported as
    an internal error (exit 1).
    """
    stand_in_for_closed_streams()  # `>&-`: refused where written, not an internal error
    if argv is None and hasattr(signal, "SIGPIPE"):
        # `amparo screen ... | head`: a reader that stops early ends us quietly, as for any Unix tool.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if argv is None:
        # `kill`, `timeout`, a scheduler stopping the job, the terminal closed: ended as Ctrl-C
        # ends it, so the files a command was writing are removed (batch.output_file).
        for number in STOPPING:
            signal.signal(number, end_when_stopped)
        signal.signal(signal.SIGINT, interrupt)
    err = Console(stderr=True, soft_wrap=True)  # one line per message in a log file too
    errors_in_english()  # until a command's --lang says otherwise
    arguments = list(argv) if argv is not None else sys.argv[1:]
    try:
        app = build_app()
        with usage_errors_in(language_asked(arguments)):  # said before a command reads its --lang
            app(args=arguments, prog_name="amparo")
    except AmparoError as exc:
        err.print(Text.assemble(("error:", "bold red"), " ", _said(exc)))
        sys.exit(exit_code_for(exc))
    except OSError as exc:  # a path the user gave: missing, a folder, not writable, full disk
        err.print(Text.assemble(("error:", "bold red"), " ", _said(file_problem(exc))))
        sys.exit(INVALID_INPUT)
    except UnicodeDecodeError as exc:  # a file read as UTF-8 that is not text (its reader did not say)
        byte = "0x" + format(exc.object[exc.start], "02x")
        problem = Phrase(
            "a file given is not UTF-8 text (byte {byte} at offset {offset}); give a UTF-8 text file",
            byte=byte,
            offset=exc.start,
        )
        err.print(Text.assemble(("error:", "bold red"), " ", _said(problem)))
        sys.exit(INVALID_INPUT)
    except KeyboardInterrupt:
        err.print(_said("interrupted"))
        sys.exit(INTERRUPTED)
    except Exception as exc:  # the edge: anything unexpected is an internal error, not a traceback
        err.print(
            Text.assemble(
                ("internal error:", "bold red"),
                f" {type(exc).__name__}: {exc}\n"
                "This is a bug in amparo; please report it with the command you ran.",
            )
        )
        sys.exit(INTERNAL)


def _said(problem: AmparoError | str) -> str:
    """An error's message in the language the command line's errors are said in (English unless a
    command's --lang chose another)."""
    lang = errors_language()
    if lang == "en":
        return str(problem)
    from amparo.i18n import error_text, say

    return error_text(problem, lang) if isinstance(problem, AmparoError) else say(problem, lang)


#: What to do about an OSError, by its number (the reason itself is the system's, in its words).
_FILE_HINTS = {
    errno.EEXIST: Phrase("choose another name, or remove it first"),
    errno.ENOENT: Phrase("check the path (folders are not created for a file)"),
    errno.EACCES: Phrase("check its permissions"),
    errno.EISDIR: Phrase("expected a file, not a folder"),
    errno.ENOTDIR: Phrase("a part of the path is a file, not a folder"),
    errno.ENOSPC: Phrase("free some space and run the command again"),
    errno.ENAMETOOLONG: Phrase("give a shorter name"),
}


def file_problem(exc: OSError) -> str:
    """An OSError in words: the path, what went wrong, what to do."""
    path = exc.filename if exc.filename is not None else ""
    reason = system_reason(exc)
    hint = _FILE_HINTS.get(exc.errno or 0)
    if not path:
        return reason
    if hint is None:
        return Phrase("{path}: {reason}", path=path, reason=reason)
    return Phrase("{path}: {reason} ({hint})", path=path, reason=reason, hint=hint)
