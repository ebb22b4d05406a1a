"""The installation's keys: Ed25519 for signatures (audit checkpoints, envelopes, receipts) and
X25519 for envelope encryption. Created on first use under ``<data_dir>/keys`` with 0600
permissions (the folder 0700); never regenerated over an existing key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from amparo.errors import ConfigError

SIGNING_FILE = "installation-ed25519.pem"
AGREEMENT_FILE = "installation-x25519.pem"


def b64(data: bytes) -> str:
    """Standard base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    """A short stable name of a signing key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


@dataclass(frozen=True)
class InstallationKeys:
    """The private keys of one installation and the names of their public halves."""

    signing: Ed25519PrivateKey
    agreement: X25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        return raw_public(self.signing.public_key())

    @property
    def agreement_public(self) -> bytes:
        return raw_public(self.agreement.public_key())

    @property
    def key_id(self) -> str:
        return key_id(self.signing_public)


def _write_new(path: Path, pem: bytes) -> bool:
    """Write ``pem`` to a new 0600 file; False when the file already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return True


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load(path: Path) -> Ed25519PrivateKey | X25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"The installation key {path} cannot be read: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey | X25519PrivateKey):
        raise ConfigError(f"The installation key {path} is not an Ed25519 or X25519 key.")
    return key


_cache: dict[Path, InstallationKeys] = {}


def installation_keys(data_dir: Path, *, create: bool = True) -> InstallationKeys:
    """The installation's keys under ``data_dir/keys``, created (0600) on first use."""
    folder = data_dir / "keys"
    cached = _cache.get(folder)
    if cached is not None and (folder / SIGNING_FILE).exists():
        return cached
    signing_path, agreement_path = folder / SIGNING_FILE, folder / AGREEMENT_FILE
    if create:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_new(signing_path, _pem(Ed25519PrivateKey.generate()))
        _write_new(agreement_path, _pem(X25519PrivateKey.generate()))
    elif not signing_path.exists():
        raise ConfigError(f"This installation has no keys yet under {folder}.")
    signing, agreement = _load(signing_path), _load(agreement_path)
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(agreement, X25519PrivateKey):
        raise ConfigError(f"The installation keys under {folder} are of the wrong type.")
    keys = InstallationKeys(signing, agreement)
    _cache[folder] = keys
    return keys


def has_keys(data_dir: Path) -> bool:
    """Whether the installation under ``data_dir`` has created its keys."""
    return (data_dir / "keys" / SIGNING_FILE).exists()


class KeysOnDemand:
    """The keys of the installation under ``data_dir``, read (or created) when first used: what
    the edge binds to its session factory for signing audit checkpoints
    (:func:`amparo.audit.bind_signer`), so a command that never signs creates no keys."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def keys(self) -> InstallationKeys:
        return installation_keys(self.data_dir)

    @property
    def key_id(self) -> str:
        return self.keys().key_id

    @property
    def signing_public(self) -> bytes:
        return self.keys().signing_public

    @property
    def signing(self) -> Ed25519PrivateKey:
        return self.keys().signing
