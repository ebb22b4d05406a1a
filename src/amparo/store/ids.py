"""Identifiers of stored records."""

from __future__ import annotations

import os


def new_id(prefix: str) -> str:
    """A new random identifier such as ``C-3f2a…`` (prefix names the kind)."""
    return f"{prefix}-{os.urandom(16).hex()}"
