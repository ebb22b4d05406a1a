"""Authenticating audit rows with a key kept outside the database.

Whoever can write the database can append a row to the audit queue, or a correctly hashed entry
to the log, but cannot compute an HMAC-SHA256 under the installation's audit key: the key is
derived from the installation's Ed25519 signing key (``keys/`` under the data directory, never
in the database) and reaches the code only through the signer bound to the session factory
(:func:`amparo.audit.checkpoints.bind_signer`).

* A queued row carries ``mac`` = HMAC(key, canonical JSON of its fields); the chainer refuses a
  row without a valid one (it is not chained as genuine; an entry records the refusal).
* A chained entry carries ``mac`` = HMAC(key, its entry hash); ``amparo audit verify`` (run
  where the key is) reports an entry whose MAC is missing or wrong as forged.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from amparo.audit.signer import SIGNER_INFO, Signer
from amparo.store.canonical_json import canonical_bytes

_LABEL = b"amparo-audit-mac/1"
_QUEUED = ("at", "actor", "action", "record_kind", "record_id", "purpose", "outcome", "detail")


def mac_key(signer: Signer) -> bytes:
    """The audit MAC key of the installation whose key is ``signer``."""
    return hashlib.sha256(_LABEL + signer.signing.private_bytes_raw()).digest()


def session_mac_key(info: Mapping[str, Any]) -> bytes | None:
    """The MAC key of the signer bound to a session (its ``info``), or None without one."""
    signer = info.get(SIGNER_INFO)
    return mac_key(signer) if signer is not None else None


def queued_mac(key: bytes, row: Mapping[str, Any]) -> str:
    """The MAC of a queued row (its fields as stored: ``detail`` is canonical JSON text)."""
    return hmac.new(key, canonical_bytes({k: str(row[k]) for k in _QUEUED}), hashlib.sha256).hexdigest()


def entry_mac(key: bytes, entry_hash: str) -> str:
    """The MAC of a chained entry: over its hash, which covers its content and its place."""
    return hmac.new(key, _LABEL + entry_hash.encode(), hashlib.sha256).hexdigest()


def same(a: str | None, b: str) -> bool:
    """Constant-time comparison of a stored MAC with the expected one."""
    return a is not None and hmac.compare_digest(a, b)
