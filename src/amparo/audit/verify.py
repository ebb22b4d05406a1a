"""Verification of the audit trail, from an export file or from the database.

The first problem found is named with its kind: ``changed`` (an entry's content no longer
matches its hash, a re-hashed entry no longer matches what the next entry or a signed
checkpoint committed to, or a signature fails), ``removed`` (a sequence number is missing,
or the export's trailer), ``inserted`` (a repeated or extra entry, checkpoint or trailer) and
``reordered`` (an entry or checkpoint out of its place).

A signed checkpoint is REQUIRED for every multiple of
:data:`~amparo.audit.checkpoints.CHECKPOINT_INTERVAL` (1000) the trail reaches: a trail that
lacks one is ``removed``, so deleting the checkpoints (all, or only the last) is caught. What a
database writer can still do without the key (drop the newest entries, with their checkpoints,
and move the head back; wipe everything) is caught by outside anchors
(:mod:`amparo.audit.anchors`) and, for a forged or re-hashed entry, by the MACs
(:mod:`amparo.audit.mac`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from amparo.audit import checkpoints as checkpoint_module
from amparo.audit.checkpoints import checkpoint_body, checkpoint_hash
from amparo.audit.entries import ENTRY_FIELDS, GENESIS, entry_hash
from amparo.store.canonical_json import canonical_bytes


@dataclass(frozen=True)
class Verdict:
    """The outcome of a verification: ``ok``, or the first problem (kind, line, seq, message)."""

    ok: bool
    message: str
    kind: str | None = None
    line: int | None = None
    seq: int | None = None
    entries: int = 0
    checkpoints: int = 0


class _Problem(Exception):
    def __init__(self, kind: str, message: str, line: int | None, seq: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.line, self.seq = kind, message, line, seq


_STR_FIELDS = ("at", "actor", "action", "record_kind", "record_id", "purpose", "outcome", "prev_hash", "hash")


def _parse(text: str, line: int) -> dict[str, Any]:
    try:
        item = json.loads(text)
    except ValueError:
        raise _Problem("changed", f"line {line} is not JSON", line) from None
    if not isinstance(item, dict) or item.get("type") not in {"entry", "checkpoint", "export"}:
        raise _Problem("changed", f"line {line} is not an entry, checkpoint or trailer", line)
    kind = item["type"]
    ints = ("seq",) if kind != "export" else ("entries", "checkpoints", "head_seq")
    for key in ints:
        if not isinstance(item.get(key), int) or isinstance(item.get(key), bool):
            raise _Problem("changed", f"line {line}: '{key}' is missing or not an integer", line)
    if kind == "entry":
        expected = set(ENTRY_FIELDS) | {"type", "prev_hash", "hash"}
        if set(item) != expected or not all(isinstance(item[k], str) for k in _STR_FIELDS):
            raise _Problem(
                "changed",
                f"line {line}: entry {item['seq']} has missing, extra or mistyped fields",
                line,
                item["seq"],
            )
    return item


def _signature_ok(item: dict[str, Any], body: dict[str, Any], trusted: frozenset[str] | None) -> str | None:
    """None when the signature is good (and by a trusted key); else what is wrong."""
    try:
        public = base64.b64decode(str(item.get("public_key")), validate=True)
        signature = base64.b64decode(str(item.get("signature")), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(signature, canonical_bytes(body))
    except (ValueError, binascii.Error, InvalidSignature):
        return "its signature does not verify"
    if trusted is not None and item.get("public_key") not in trusted:
        return "it is signed by a key that is not this installation's"
    return None


def _verify(
    items: Sequence[tuple[int, dict[str, Any]]],
    trusted: frozenset[str] | None,
    require_trailer: bool,
    head: tuple[int, str] | None,
) -> Verdict:
    seq_positions: dict[int, int] = {}
    for pos, (_, item) in enumerate(items):
        if item["type"] == "entry":
            seq_positions.setdefault(item["seq"], pos)
    accepted: dict[int, str] = {}
    expected, prev, prev_cp = 1, GENESIS, GENESIS
    entries = checkpoints = 0
    sealed: set[int] = set()
    for pos, (line, item) in enumerate(items):
        if item["type"] == "export":
            if pos != len(items) - 1:
                raise _Problem(
                    "inserted" if any(i["type"] == "export" for _, i in items[pos + 1 :]) else "reordered",
                    f"line {line}: the export trailer is not the last line",
                    line,
                )
            break
        if item["type"] == "checkpoint":
            bad = _signature_ok(item, checkpoint_body(item), trusted)
            if bad:
                raise _Problem(
                    "changed",
                    f"checkpoint at line {line} (entry {item['seq']}) was changed: {bad}",
                    line,
                    item["seq"],
                )
            if item["seq"] > expected - 1:
                missing = expected
                where = (
                    "reordered" if missing in seq_positions and seq_positions[missing] > pos else "removed"
                )
                raise _Problem(
                    where,
                    f"entry {missing} is {'out of place' if where == 'reordered' else 'missing'}"
                    f": the checkpoint at line {line} seals entry {item['seq']}",
                    line,
                    missing,
                )
            if item["seq"] < expected - 1:
                raise _Problem(
                    "reordered",
                    f"checkpoint at line {line} seals entry {item['seq']} but follows entry {expected - 1}",
                    line,
                    item["seq"],
                )
            if item["entry_hash"] != accepted.get(item["seq"]):
                raise _Problem(
                    "changed",
                    f"entry {item['seq']} was changed: it differs from the entry the signed "
                    f"checkpoint at line {line} sealed",
                    line,
                    item["seq"],
                )
            if item["prev_checkpoint"] != prev_cp:
                raise _Problem(
                    "removed",
                    f"a checkpoint before line {line} was removed or changed (the checkpoint "
                    f"for entry {item['seq']} commits to another one)",
                    line,
                    item["seq"],
                )
            prev_cp = checkpoint_hash(item)
            checkpoints += 1
            sealed.add(item["seq"])
            continue
        seq = item["seq"]
        if entry_hash(item) != item["hash"]:
            raise _Problem(
                "changed",
                f"entry {seq} (line {line}) was changed: its content does not match its hash",
                line,
                seq,
            )
        if seq > expected:
            if expected in seq_positions and seq_positions[expected] > pos:
                raise _Problem(
                    "reordered",
                    f"entry {expected} is out of place: entry {seq} comes before it (line {line})",
                    line,
                    expected,
                )
            raise _Problem(
                "removed", f"entry {expected} was removed (line {line} holds entry {seq})", line, expected
            )
        if seq < expected:
            same = accepted.get(seq) == item["hash"]
            raise _Problem(
                "inserted",
                f"line {line} is an inserted {'copy of ' if same else 'second '}entry {seq}",
                line,
                seq,
            )
        if item["prev_hash"] != prev:
            if seq == 1:
                raise _Problem("changed", "entry 1 was changed: it does not start the chain", line, 1)
            raise _Problem(
                "changed",
                f"entry {seq - 1} was changed (and re-hashed): entry {seq} at line {line} "
                "commits to another hash",
                line,
                seq - 1,
            )
        accepted[seq] = item["hash"]
        prev, expected = item["hash"], expected + 1
        entries += 1
    last_seq = expected - 1
    interval = checkpoint_module.CHECKPOINT_INTERVAL
    for required in range(interval, last_seq + 1, interval):
        if required not in sealed:
            raise _Problem(
                "removed",
                f"the signed checkpoint of entry {required} (one is required every {interval} "
                "entries) was removed",
                None,
                required,
            )
    if head is not None and head[0] != last_seq:
        if head[0] > last_seq:
            raise _Problem(
                "removed",
                f"entries {last_seq + 1} to {head[0]} were removed (the chain head is at {head[0]})",
                None,
                last_seq + 1,
            )
        raise _Problem(
            "inserted", f"entries after {head[0]} were inserted past the chain head", None, head[0] + 1
        )
    if head is not None and head[1] != prev:
        raise _Problem(
            "changed", f"entry {last_seq} was changed: the chain head holds another hash", None, last_seq
        )
    if require_trailer:
        if not items or items[-1][1]["type"] != "export":
            raise _Problem(
                "removed",
                "the export's signed trailer (last line) was removed",
                items[-1][0] if items else None,
            )
        line, trailer = items[-1]
        body = {k: v for k, v in trailer.items() if k != "signature"}
        bad = _signature_ok(trailer, body, trusted)
        if bad:
            raise _Problem("changed", f"the export trailer (line {line}) was changed: {bad}", line)
        if trailer["head_seq"] != last_seq or trailer["entries"] != entries:
            kind = "removed" if trailer["head_seq"] > last_seq else "inserted"
            raise _Problem(
                kind,
                f"the export trailer names {trailer['head_seq']} entries; the file holds "
                f"{entries} valid ones ending at {last_seq}",
                line,
                min(trailer["head_seq"], last_seq) + 1,
            )
        if trailer["head_hash"] != prev:
            raise _Problem(
                "changed", f"entry {last_seq} was changed: the trailer holds another hash", line, last_seq
            )
        if trailer["checkpoints"] != checkpoints or trailer["last_checkpoint"] != prev_cp:
            raise _Problem(
                "removed" if trailer["checkpoints"] > checkpoints else "changed",
                "a checkpoint was removed or changed: the trailer names "
                f"{trailer['checkpoints']} checkpoints, the file holds {checkpoints}",
                line,
            )
    return Verdict(
        True,
        f"intact: {entries} entries, {checkpoints} signed checkpoints",
        entries=entries,
        checkpoints=checkpoints,
    )


def verify_lines(lines: Iterable[str], *, trusted: frozenset[str] | None = None) -> Verdict:
    """Verify an export (JSON Lines with a trailer); ``trusted``: base64 public keys allowed to sign."""
    try:
        items = [(n, _parse(text, n)) for n, text in enumerate(lines, start=1) if text.strip()]
        return _verify(items, trusted, require_trailer=True, head=None)
    except _Problem as p:
        return Verdict(False, f"{p.kind}: {p.message}", p.kind, p.line, p.seq)


def verify_rows(
    rows: Iterable[dict[str, Any]], head: tuple[int, str], *, trusted: frozenset[str] | None = None
) -> Verdict:
    """Verify the log as read from the database (no trailer; the chain head must match)."""
    try:
        items = [(n, _parse(json.dumps(row, default=str), n)) for n, row in enumerate(rows, start=1)]
        return _verify(items, trusted, require_trailer=False, head=head)
    except _Problem as p:
        return Verdict(False, f"{p.kind}: {p.message}".replace("line ", "position "), p.kind, p.line, p.seq)
