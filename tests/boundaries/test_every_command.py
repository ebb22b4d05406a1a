"""Every command, found by walking the application (so a new one is covered the day it is added),
is driven with --help, with empty input and with garbage: none may print a traceback or "This is
a bug", and each ends with a documented exit code (README "Exit codes").

Empty and garbage input fill every argument and every required option: a file an empty file or
binary garbage, an output path a fresh path, any other value an empty or a garbage word. A command
with neither (``demo``, ``serve``, ``flows series`` ...) is driven with --help only: it would run
its whole job.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from amparo.cli import build_app

from .conftest import FORBIDDEN, INPUTS, Run

#: Exit codes a command may end with on bad input (1 only where it has its own meaning).
DOCUMENTED = {0, 2, 3, 4, 5, 6, 7}
OWN_MEANING_OF_1 = {("audit", "verify"), ("rules", "test")}
GARBAGE_WORD = "%%\u00a7garbage\u00a7%%"


# Typer ships its own copy of Click: its classes are recognised by what they have, not imported.
def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    ctx = group.context_class(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = (*prefix, name)
        if hasattr(command, "list_commands"):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = dict(_commands(typer.main.get_command(build_app())))


def _annotation(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    return getattr(descriptor, "annotation", None)


def _is_output(param: Any) -> bool:
    names = [n.lstrip("-") for n in getattr(param, "opts", [])] + [param.name or ""]
    return any(n == "out" or n.endswith(("out", "_out", "-out")) or n in ("chart", "output") for n in names)


def _value(param: Any, kind: str, folder: Path) -> str:
    if _is_output(param):
        return str(folder / f"fresh-{param.name}")
    is_file = "Path" in str(_annotation(param)) or (param.name or "").lower() in ("file", "path")
    if is_file:
        return str(folder / ("empty.txt" if kind == "empty" else "garbage.bin"))
    return "" if kind == "empty" else GARBAGE_WORD


def _argv(path: tuple[str, ...], command: Any, kind: str, folder: Path) -> list[str] | None:
    """The command line that fills every argument and required option, or None if it has none."""
    argv = list(path)
    filled = False
    for param in command.params:
        if param.param_type_name == "argument":
            argv.append(_value(param, kind, folder))
        elif param.param_type_name == "option" and param.required and _annotation(param) is not bool:
            argv += [param.opts[0], _value(param, kind, folder)]
        else:
            continue
        filled = filled or not _is_output(param)  # an output folder alone is not input: it runs the job
    return argv if filled else None


def _check(result_text: str, code: int, path: tuple[str, ...]) -> None:
    for forbidden in FORBIDDEN:
        assert forbidden not in result_text, result_text
    allowed = DOCUMENTED | ({1} if path in OWN_MEANING_OF_1 else set())
    assert code in allowed, f"exit {code}: {result_text}"


def test_the_walk_finds_the_commands() -> None:
    assert {("screen",), ("link",), ("db", "upgrade"), ("claims", "check"), ("exchange", "export")} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=[" ".join(p) for p in sorted(COMMANDS)])
def test_help(path: tuple[str, ...], amparo: Run) -> None:
    result = amparo(*path, "--help")
    assert result.code == 0, result.text
    _check(result.text, result.code, path)
    assert "Usage" in result.text


@pytest.mark.parametrize("kind", ["empty", "garbage"])
@pytest.mark.parametrize("path", sorted(COMMANDS), ids=[" ".join(p) for p in sorted(COMMANDS)])
def test_empty_and_garbage_input(path: tuple[str, ...], kind: str, amparo: Run, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    shutil.copytree(INPUTS, folder)  # a command writing where it should not cannot spoil the inputs
    argv = _argv(path, COMMANDS[path], kind, folder)
    if argv is None:
        pytest.skip("no argument or required option to fill: driven with --help only")
    stdin = "" if kind == "empty" else "\x00\x01garbage{[\n"
    result = amparo(*argv, stdin=stdin)
    _check(result.text, result.code, path)


#: Commands whose only input is the installation itself, run on a fresh one (no database yet).
ON_A_FRESH_INSTALLATION = [
    ("audit", "verify"),
    ("audit", "export", "--out", "{tmp}/audit.jsonl"),
    ("exchange", "keys"),
    ("identity", "index"),
    ("rules", "list"),
    ("version",),
    ("db", "upgrade"),
]


@pytest.mark.parametrize(
    "argv", ON_A_FRESH_INSTALLATION, ids=[" ".join(a[:2]) for a in ON_A_FRESH_INSTALLATION]
)
def test_commands_on_a_fresh_installation(argv: tuple[str, ...], amparo: Run, tmp_path: Path) -> None:
    result = amparo(*(a.format(tmp=tmp_path) for a in argv))
    _check(result.text, result.code, argv[:2])
    if result.code == 3:
        assert "amparo db upgrade" in result.text, result.text
