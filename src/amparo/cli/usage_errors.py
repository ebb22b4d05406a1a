"""Usage errors (an unknown option, a missing one, a value of the wrong kind) in the language the
command line asks with ``--lang``.

Typer finds these before any command runs, so before a command's ``--lang`` is read, and writes
them in English (its own Click, without a catalogue). Where the arguments ask another language,
:func:`usage_errors_in` has Typer print them through :func:`show_usage_error`: the same usage
line, hint and panel, each part said from the exception's own fields in the user's language
(:mod:`amparo.i18n`); a reason Typer or pydantic words that the catalogue lacks stays as written.
In English nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from amparo.errors import Phrase, Plural, fixed_phrase

_REQUIRES_VALUE = re.compile(r"Option '(?P<name>.+)' requires an argument\.")
_TAKES_NO_VALUE = re.compile(r"Option '(?P<name>.+)' does not take a value\.")
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<arguments>.*)\)", re.DOTALL)
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.+)'\.")
_USAGE = "Usage: "
_BOUND = re.compile(r"Input should be (?P<side>greater|less) than(?P<equal> or equal to)? (?P<bound>\S+)")


def language_asked(argv: Sequence[str]) -> str | None:
    """The language the arguments ask with ``--lang X`` or ``--lang=X`` (the last one given, before
    a ``--``), if the catalogue knows it."""
    from amparo.i18n import LANGUAGES

    asked = None
    for i, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and i + 1 < len(argv):
            asked = argv[i + 1]
        elif argument.startswith("--lang="):
            asked = argument.removeprefix("--lang=")
    return asked if asked in LANGUAGES else None


def _quoted(name: str) -> str:
    return f"'{name}'"


def _hint(error: Any) -> str:
    """The option or argument an error is about, as Typer names it (``'--out'``, ``'IN'``)."""
    hint = getattr(error, "param_hint", None)
    if hint is not None:
        return " / ".join(map(_quoted, hint)) if isinstance(hint, list | tuple) else str(hint)
    param = getattr(error, "param", None)
    return "" if param is None else str(param.get_error_hint())


def _usage_error_classes() -> Any:
    """Typer's usage errors: those of the Click it carries (as Typer 0.29 does), else Click's."""
    import importlib

    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # an older Typer, on Click itself
        return importlib.import_module("click.exceptions")


def problem(error: Any) -> Phrase:
    """What a usage error says, as a phrase made from its fields (its own text where none fits)."""
    typer_errors = _usage_error_classes()
    if isinstance(error, typer_errors.NoSuchOption):
        said = Phrase("no such option: {name}", name=error.option_name)
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            return Phrase("{problem} (possible options: {options})", problem=said, options=options)
        return said
    if isinstance(error, typer_errors.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        hint = _hint(error)
        if kind == "option":
            return Phrase("missing option {name}", name=hint)
        if kind == "argument":
            return Phrase("missing argument {name}", name=hint)
        return Phrase("missing parameter {name}", name=hint)
    if isinstance(error, typer_errors.BadParameter):
        reason = _conversion_reason(str(error.message))
        hint = _hint(error)
        if not hint:
            return Phrase("invalid value: {reason}", reason=reason)
        return Phrase("invalid value for {name}: {reason}", name=hint, reason=reason)
    return _said_by_text(str(error.message))


def _conversion_reason(message: str) -> Phrase:
    """Why pydantic refused a value Typer converts: a bound, said from its parts (``Input should be
    greater than or equal to 1``), or its words, in Spanish where the catalogue has them
    (``extract.CONVERSION_REASONS``)."""
    found = _BOUND.fullmatch(message)
    if found is None:
        return fixed_phrase(message)
    bound = found["bound"]
    if found["side"] == "greater":
        if found["equal"]:
            return Phrase("expected a number of at least {bound}", bound=bound)
        return Phrase("expected a number greater than {bound}", bound=bound)
    if found["equal"]:
        return Phrase("expected a number of at most {bound}", bound=bound)
    return Phrase("expected a number less than {bound}", bound=bound)


def _said_by_text(message: str) -> Phrase:
    """A usage error Typer gives only as text, said from its parts where it is one of those known."""
    if found := _REQUIRES_VALUE.fullmatch(message):
        return Phrase("option {name} requires a value", name=_quoted(found["name"]))
    if found := _TAKES_NO_VALUE.fullmatch(message):
        return Phrase("option {name} does not take a value", name=_quoted(found["name"]))
    if found := _NO_SUCH_COMMAND.fullmatch(message):
        return Phrase("no such command: {name}", name=_quoted(found["name"]))
    if found := _EXTRA_ARGUMENTS.fullmatch(message):
        return _extra_arguments(found)
    if message == "Missing command.":
        return Phrase("missing command")
    return fixed_phrase(message)


def _extra_arguments(found: re.Match[str]) -> Phrase:
    arguments = found["arguments"]
    count = len(arguments.split())
    return Plural(
        "unexpected extra argument ({arguments})",
        "unexpected extra arguments ({arguments})",
        count,
        arguments=arguments,
    )


def show_usage_error(lang: str) -> Callable[[Any], None]:
    """What prints a Typer usage error in ``lang``: the command's usage, the hint to ``--help`` and
    the error in a panel, as Typer lays them out."""
    from amparo.i18n import say

    def show(error: Any) -> None:
        if type(error).__name__ == "NoArgsIsHelpError":  # Typer printed the help already
            return
        console = Console(stderr=True)
        ctx = getattr(error, "ctx", None)
        if ctx is not None:
            usage = ctx.get_usage()
            if usage.startswith(_USAGE):
                heading = say(Phrase("Usage:"), lang)
                usage = f"{heading} {usage.removeprefix(_USAGE)}"
            console.print(Text(usage, style="yellow"))
            if ctx.command.get_help_option(ctx) is not None:
                hint = Phrase(
                    "Try '{command} {option}' for help.",
                    command=ctx.command_path,
                    option=ctx.help_option_names[0],
                )
                console.print(Text(say(hint, lang), style="dim"))
        console.print(
            Panel(
                Text(say(problem(error), lang)),
                border_style="red",
                title=say(Phrase("Error"), lang),
                title_align="left",
            )
        )

    return show


@contextmanager
def argparse_in(lang: str | None) -> Iterator[None]:
    """argparse's usage errors said in ``lang`` while the block runs: argparse words them with the
    module's own ``gettext``, looked up when it says them, so the catalogue's is put in its place
    (its words: ``i18n.extract.ARGPARSE_WORDS``; in English, argparse's own)."""
    if lang is None or lang == "en":
        yield
        return
    import argparse

    from amparo.i18n import translator

    words = translator(lang)
    own = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = words.gettext, words.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = own  # type: ignore[attr-defined]


@contextmanager
def usage_errors_in(lang: str | None) -> Iterator[None]:
    """Typer's usage errors said in ``lang`` while the block runs (in English, Typer's own)."""
    if lang is None or lang == "en":
        yield
        return
    from typer import rich_utils

    typers_own = rich_utils.rich_format_error
    rich_utils.rich_format_error = show_usage_error(lang)  # type: ignore[assignment]
    try:
        yield
    finally:
        rich_utils.rich_format_error = typers_own
