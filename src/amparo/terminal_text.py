"""A document's own text (its id) shown on a terminal: its control characters (C0, DEL, C1) written
as escapes (``\\x1b``), so that an id holding an escape sequence cannot colour, move or clear what
the terminal shows, or ring its bell. The data written to files keeps the text as it is."""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escaped_controls(text: str) -> str:
    """``text`` with each control character written as its Python escape (``\\x1b``, ``\\n``)."""
    return _CONTROLS.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)
