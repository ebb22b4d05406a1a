"""Signed and encrypted envelopes between installations, and their signed receipts.

An envelope (``amparo-envelope/1``) is one JSON object::

    {"format", "envelope_id", "sender", "sender_key", "recipient", "recipient_key", "purpose",
     "created_at", "ephemeral_public", "nonce", "ciphertext", "signature"}

The payload is encrypted for the recipient installation's X25519 key: an ephemeral X25519
exchange, HKDF-SHA256 (info: the format and the canonical header) and AES-256-GCM with the
canonical header as associated data. The sender's Ed25519 key signs the canonical JSON of every
field but ``signature`` (encrypt-then-sign). Everything comes from the ``cryptography`` package.

:func:`parse_envelope` is strict: size, UTF-8, JSON without duplicate keys, the exact set of
fields, their types, patterns and decoded lengths; anything else is an :class:`EnvelopeError`
naming what is wrong. Nothing in this module raises another exception on hostile input.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from amparo.errors import ExchangeError
from amparo.exchange.keys import InstallationKeys, b64, key_id
from amparo.store.canonical_json import canonical_bytes

FORMAT = "amparo-envelope/1"
RECEIPT_FORMAT = "amparo-receipt/1"
MAX_BYTES = 8 * 1024 * 1024
HEADER_FIELDS = (
    "format",
    "envelope_id",
    "sender",
    "sender_key",
    "recipient",
    "recipient_key",
    "purpose",
    "created_at",
    "ephemeral_public",
    "nonce",
)
ENVELOPE_FIELDS = frozenset((*HEADER_FIELDS, "ciphertext", "signature"))
RECEIPT_FIELDS = frozenset(
    (
        "format",
        "envelope_id",
        "receiver",
        "receiver_key",
        "sender",
        "digest",
        "status",
        "received_at",
        "signature",
    )
)
_PATTERNS = {
    "envelope_id": re.compile(r"[0-9a-f]{32}"),
    "sender": re.compile(r"[A-Z]{2}"),
    "recipient": re.compile(r"[A-Z]{2}"),
    "receiver": re.compile(r"[A-Z]{2}"),
    "sender_key": re.compile(r"[0-9a-f]{16}"),
    "recipient_key": re.compile(r"[0-9a-f]{16}"),
    "receiver_key": re.compile(r"[0-9a-f]{16}"),
    "purpose": re.compile(r"[a-z][a-z_]{0,63}"),
    "digest": re.compile(r"[0-9a-f]{64}"),
    "status": re.compile(r"accepted"),
}
_B64_LENGTHS = {
    "ephemeral_public": (32, 32),
    "nonce": (12, 12),
    "signature": (64, 64),
    "ciphertext": (16, MAX_BYTES),
}


class EnvelopeError(ExchangeError):
    """An envelope or receipt is refused; ``problem`` says what is wrong, ``field`` where."""

    def __init__(self, problem: str, field: str | None = None) -> None:
        self.problem = problem
        self.field = field
        where = f" ({field})" if field else ""
        super().__init__(f"Envelope refused{where}: {problem}")


@dataclass(frozen=True)
class Peer:
    """Another installation: its country and raw public keys."""

    installation: str
    signing_key: bytes
    agreement_key: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.signing_key)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise EnvelopeError(f"the key '{key}' appears twice")
        result[key] = value
    return result


def _json_object(data: bytes | str, what: str) -> dict[str, Any]:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray):
        raise EnvelopeError(f"the {what} must be bytes")
    if len(data) > MAX_BYTES:
        raise EnvelopeError(f"the {what} is larger than {MAX_BYTES} bytes")
    try:
        text = bytes(data).decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates)
    except EnvelopeError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EnvelopeError(f"the {what} is not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise EnvelopeError(f"the {what} is not a JSON object")
    return value


def _check_fields(
    value: dict[str, Any],
    expected: frozenset[str],
    fmt: str,
    what: str,
    optional: frozenset[str] = frozenset(),
) -> None:
    missing, extra = sorted(expected - set(value)), sorted(set(value) - expected - optional)
    if missing:
        raise EnvelopeError(f"the {what} lacks {', '.join(missing)}", missing[0])
    if extra:
        raise EnvelopeError(f"the {what} has unknown fields {', '.join(extra[:5])}", extra[0])
    for name, field_value in value.items():
        if not isinstance(field_value, str):
            raise EnvelopeError("expected a string", name)
        pattern = _PATTERNS.get(name)
        if pattern is not None and not pattern.fullmatch(field_value):
            raise EnvelopeError(f"'{field_value[:40]}' does not match {pattern.pattern}", name)
    if value["format"] != fmt:
        raise EnvelopeError(f"expected '{fmt}'", "format")
    for name in ("created_at", "received_at"):
        if name in value:
            _timestamp(value[name], name)


def _timestamp(text: str, name: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise EnvelopeError("not an ISO 8601 timestamp", name) from None
    if when.tzinfo is None:
        raise EnvelopeError("the timestamp has no time zone", name)
    return when


def _unb64(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise EnvelopeError("not base64", name) from None
    low, high = _B64_LENGTHS.get(name, (0, MAX_BYTES))
    if not low <= len(raw) <= high:
        raise EnvelopeError(f"decodes to {len(raw)} bytes; expected {low}..{high}", name)
    return raw


@dataclass(frozen=True)
class Envelope:
    """A parsed envelope: its fields (strings) and its digest (SHA-256 of the canonical JSON)."""

    fields: dict[str, str]

    @property
    def envelope_id(self) -> str:
        return self.fields["envelope_id"]

    @property
    def digest(self) -> str:
        return hashlib.sha256(canonical_bytes(self.fields)).hexdigest()

    def to_bytes(self) -> bytes:
        return canonical_bytes(self.fields)


def parse_envelope(data: bytes | str) -> Envelope:
    """Check an envelope's structure strictly (no key needed); EnvelopeError otherwise."""
    value = _json_object(data, "envelope")
    _check_fields(value, ENVELOPE_FIELDS, FORMAT, "envelope")
    for name in _B64_LENGTHS:
        _unb64(value[name], name)
    return Envelope(dict(value))


def _header(fields: dict[str, str]) -> dict[str, str]:
    return {k: fields[k] for k in HEADER_FIELDS}


def _content_key(shared: bytes, header: dict[str, str]) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=FORMAT.encode() + b"|" + canonical_bytes(header)
    )
    return hkdf.derive(shared)


def seal(
    payload: dict[str, Any],
    *,
    sender: str,
    keys: InstallationKeys,
    recipient: Peer,
    purpose: str,
    now: dt.datetime | None = None,
) -> Envelope:
    """Encrypt ``payload`` for ``recipient`` and sign it as ``sender``."""
    ephemeral = X25519PrivateKey.generate()
    header = {
        "format": FORMAT,
        "envelope_id": uuid.uuid4().hex,
        "sender": sender,
        "sender_key": keys.key_id,
        "recipient": recipient.installation,
        "recipient_key": recipient.key_id,
        "purpose": purpose,
        "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "ephemeral_public": b64(ephemeral.public_key().public_bytes_raw()),
        "nonce": b64(os.urandom(12)),
    }
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.agreement_key))
    ciphertext = AESGCM(_content_key(shared, header)).encrypt(
        base64.b64decode(header["nonce"]), canonical_bytes(payload), canonical_bytes(header)
    )
    body = {**header, "ciphertext": b64(ciphertext)}
    return Envelope({**body, "signature": b64(keys.signing.sign(canonical_bytes(body)))})


def open_envelope(envelope: Envelope, *, me: str, keys: InstallationKeys, sender: Peer) -> dict[str, Any]:
    """Check address and signature, then decrypt; the payload (a JSON object) or EnvelopeError."""
    f = envelope.fields
    if f["recipient"] != me:
        raise EnvelopeError(f"addressed to installation {f['recipient']}, not to {me}", "recipient")
    if f["recipient_key"] != keys.key_id:
        raise EnvelopeError("addressed to another key of this installation", "recipient_key")
    if f["sender"] != sender.installation or f["sender_key"] != sender.key_id:
        raise EnvelopeError(
            f"the sender {f['sender']} with key {f['sender_key']} is not a known peer", "sender"
        )
    body = {k: v for k, v in f.items() if k != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(sender.signing_key).verify(
            _unb64(f["signature"], "signature"), canonical_bytes(body)
        )
    except (InvalidSignature, ValueError):
        raise EnvelopeError("the sender's signature does not verify", "signature") from None
    header = _header(f)
    try:
        peer_public = X25519PublicKey.from_public_bytes(_unb64(f["ephemeral_public"], "ephemeral_public"))
        shared = keys.agreement.exchange(peer_public)
        plain = AESGCM(_content_key(shared, header)).decrypt(
            _unb64(f["nonce"], "nonce"), _unb64(f["ciphertext"], "ciphertext"), canonical_bytes(header)
        )
    except (InvalidTag, ValueError):
        raise EnvelopeError(
            "the payload cannot be decrypted with this installation's key", "ciphertext"
        ) from None
    return _json_object(plain, "payload")


#: An optional receipt field: the receiver's signed audit checkpoint (canonical JSON text), kept
#: by the sender as a witness of the receiver's trail (issue 11).
RECEIPT_CHECKPOINT = "checkpoint"
MAX_CHECKPOINT_TEXT = 4096


def make_receipt(
    envelope: Envelope,
    *,
    me: str,
    keys: InstallationKeys,
    now: dt.datetime | None = None,
    checkpoint: dict[str, Any] | None = None,
) -> bytes:
    """The signed acknowledgement that ``me`` received ``envelope`` (with ``checkpoint``, the
    receiver's latest signed audit checkpoint, when given; the signature covers it)."""
    body = {
        "format": RECEIPT_FORMAT,
        "envelope_id": envelope.envelope_id,
        "receiver": me,
        "receiver_key": keys.key_id,
        "sender": envelope.fields["sender"],
        "digest": envelope.digest,
        "status": "accepted",
        "received_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
    }
    if checkpoint is not None:
        body[RECEIPT_CHECKPOINT] = canonical_bytes(checkpoint).decode()
    return canonical_bytes({**body, "signature": b64(keys.signing.sign(canonical_bytes(body)))})


def parse_receipt(data: bytes | str) -> dict[str, str]:
    """Check a receipt's structure strictly; EnvelopeError otherwise."""
    value = _json_object(data, "receipt")
    _check_fields(value, RECEIPT_FIELDS, RECEIPT_FORMAT, "receipt", frozenset({RECEIPT_CHECKPOINT}))
    if len(value.get(RECEIPT_CHECKPOINT, "")) > MAX_CHECKPOINT_TEXT:
        raise EnvelopeError(f"longer than {MAX_CHECKPOINT_TEXT} characters", RECEIPT_CHECKPOINT)
    _unb64(value["signature"], "signature")
    return value


def verify_receipt(receipt: dict[str, str], *, receiver: Peer) -> None:
    """EnvelopeError unless ``receiver`` signed ``receipt``."""
    if receipt["receiver"] != receiver.installation or receipt["receiver_key"] != receiver.key_id:
        raise EnvelopeError("the receipt is not from the installation the envelope was sent to", "receiver")
    body = {k: v for k, v in receipt.items() if k != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(receiver.signing_key).verify(
            _unb64(receipt["signature"], "signature"), canonical_bytes(body)
        )
    except (InvalidSignature, ValueError):
        raise EnvelopeError("the receipt's signature does not verify", "signature") from None
