"""Canonical JSON, the one way amparo writes JSON it hashes, signs or compares: sorted keys,
no spaces, UTF-8 (values JSON cannot hold are written as strings)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(value: Any) -> str:
    """The canonical text of ``value`` (for equality, hashing and signing)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_bytes(value: Any) -> bytes:
    """The canonical text of ``value``, UTF-8 encoded (what is hashed and signed)."""
    return canonical_json(value).encode()


def document_sha256(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical text: two documents are the same iff their digests are."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
