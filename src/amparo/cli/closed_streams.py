"""A command started with standard output or standard error closed (``>&-``, ``2>&-``, a service
manager's job with no streams): Python gives ``None`` in their place, and the first write stopped
the command with an internal error, or left it to report success for output that went nowhere.

:func:`stand_in_for_closed_streams` puts stand-ins in their place before a command runs: with no
standard error, its messages are dropped (the work is done, and its exit code still says how it
went); with no standard output, the first write to it is refused with an error naming it, so a
command whose output is lost ends with exit 2, not 0. A closed standard input is said where it is
read (``this process has no standard input to read``)."""

from __future__ import annotations

import io
import os
import sys
from typing import Any, NoReturn

from amparo.errors import FieldError, InputError, Phrase


def _refused() -> NoReturn:
    raise InputError([FieldError("stdout", Phrase("this process has no standard output to write to"))])


class _NoBytesOut(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, _data: Any) -> int:
        _refused()


class ClosedOutput(io.TextIOBase):
    """Standard output where the process has none: any write is refused (:func:`_refused`)."""

    buffer = _NoBytesOut()

    def writable(self) -> bool:
        return True

    def write(self, _text: str) -> int:
        _refused()

    def isatty(self) -> bool:
        return False


def stand_in_for_closed_streams() -> None:
    """Stand-ins for a closed standard output (refusing writes) and error (dropping them)."""
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
