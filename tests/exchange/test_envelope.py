"""Envelopes: round trip, strict parsing, and fuzzing (hostile bytes never raise anything but ExchangeError)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amparo.errors import ExchangeError
from amparo.exchange.envelope import (
    Envelope,
    EnvelopeError,
    Peer,
    make_receipt,
    open_envelope,
    parse_envelope,
    parse_receipt,
    seal,
    verify_receipt,
)
from amparo.exchange.keys import InstallationKeys, installation_keys


def peer_of(country: str, keys: InstallationKeys) -> Peer:
    return Peer(country, keys.signing_public, keys.agreement_public)


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> dict[str, InstallationKeys]:
    base = tmp_path_factory.mktemp("installations")
    return {c: installation_keys(Path(base / c)) for c in ("US", "GT", "SV")}


@pytest.fixture(scope="module")
def sealed(three: dict[str, InstallationKeys]) -> Envelope:
    return seal(
        {"purpose": "aca_transfer", "package": {"record_id": "C-1", "sex": "M"}},
        sender="US",
        keys=three["US"],
        recipient=peer_of("GT", three["GT"]),
        purpose="aca_transfer",
    )


def test_round_trip_and_receipt(three: dict[str, InstallationKeys], sealed: Envelope) -> None:
    parsed = parse_envelope(sealed.to_bytes())
    payload = open_envelope(parsed, me="GT", keys=three["GT"], sender=peer_of("US", three["US"]))
    assert payload["package"] == {"record_id": "C-1", "sex": "M"}
    receipt = parse_receipt(make_receipt(parsed, me="GT", keys=three["GT"]))
    verify_receipt(receipt, receiver=peer_of("GT", three["GT"]))
    with pytest.raises(EnvelopeError):
        verify_receipt(receipt, receiver=peer_of("GT", three["SV"]))
    assert b"C-1" not in sealed.to_bytes()


def test_wrong_recipient_wrong_key_and_forged_sender(
    three: dict[str, InstallationKeys], sealed: Envelope
) -> None:
    with pytest.raises(EnvelopeError, match="addressed to installation GT, not to SV"):
        open_envelope(sealed, me="SV", keys=three["SV"], sender=peer_of("US", three["US"]))
    with pytest.raises(EnvelopeError, match="another key"):
        open_envelope(sealed, me="GT", keys=three["SV"], sender=peer_of("US", three["US"]))
    with pytest.raises(EnvelopeError, match="not a known peer"):
        open_envelope(sealed, me="GT", keys=three["GT"], sender=peer_of("US", three["SV"]))
    # SV rewriting the address to itself breaks the signature, and still cannot decrypt
    forged = Envelope({**sealed.fields, "recipient": "SV", "recipient_key": three["SV"].key_id})
    with pytest.raises(EnvelopeError):
        open_envelope(forged, me="SV", keys=three["SV"], sender=peer_of("US", three["US"]))


@pytest.mark.parametrize(
    "name", ["ciphertext", "nonce", "ephemeral_public", "purpose", "created_at", "signature"]
)
def test_any_changed_field_is_refused(
    three: dict[str, InstallationKeys], sealed: Envelope, name: str
) -> None:
    value = sealed.fields[name]
    if name in {"ciphertext", "nonce", "ephemeral_public", "signature"}:
        raw = bytearray(base64.b64decode(value))
        raw[0] ^= 1
        changed = base64.b64encode(bytes(raw)).decode()
    elif name == "purpose":
        changed = "statistics"
    else:
        changed = "2030-01-01T00:00:00+00:00"
    envelope = Envelope({**sealed.fields, name: changed})
    with pytest.raises(EnvelopeError):
        open_envelope(
            parse_envelope(envelope.to_bytes()), me="GT", keys=three["GT"], sender=peer_of("US", three["US"])
        )


@pytest.mark.parametrize(
    "data",
    [b"", b"null", b"[]", b"{}", b"\xff\xfe", b'{"a":1,"a":2}', b"[" * 100_000, b'"' + b"x" * 100],
)
def test_hostile_bytes_are_refused_with_a_clear_error(data: bytes) -> None:
    with pytest.raises(EnvelopeError) as refused:
        parse_envelope(data)
    assert "Envelope refused" in str(refused.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600) | st.text(max_size=200).map(str.encode))
def test_fuzz_random_bytes(three: dict[str, InstallationKeys], data: bytes) -> None:
    """Bytes no installation sealed are refused with an EnvelopeError (never another exception,
    never opened), and the refusal says what is wrong."""
    with pytest.raises(EnvelopeError) as refused:
        envelope = parse_envelope(data)
        open_envelope(envelope, me="GT", keys=three["GT"], sender=peer_of("US", three["US"]))
    assert str(refused.value).startswith("Envelope refused")
    assert refused.value.problem


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(0, 10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=3),
)
def test_fuzz_truncated_and_flipped(
    three: dict[str, InstallationKeys], sealed: Envelope, cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(sealed.to_bytes())
    for position, mask in flips:
        data[position % len(data)] ^= mask
    data = data[: len(data) - (cut % len(data))] if cut else data
    if bytes(data) == sealed.to_bytes():
        return
    with pytest.raises(ExchangeError):
        parse_envelope(bytes(data))
        open_envelope(
            parse_envelope(bytes(data)), me="GT", keys=three["GT"], sender=peer_of("US", three["US"])
        )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(
        sorted(
            [
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
                "ciphertext",
                "signature",
                "extra",
            ]
        )
    ),
    value=JSON_VALUES,
    drop=st.booleans(),
)
def test_fuzz_structured_fields(
    three: dict[str, InstallationKeys], sealed: Envelope, name: str, value: object, drop: bool
) -> None:
    fields: dict[str, object] = dict(sealed.fields)
    if drop:
        fields.pop(name, None)
    else:
        fields[name] = value
    if fields == sealed.fields:
        return
    with pytest.raises(ExchangeError):
        envelope = parse_envelope(json.dumps(fields).encode())
        open_envelope(envelope, me="GT", keys=three["GT"], sender=peer_of("US", three["US"]))
