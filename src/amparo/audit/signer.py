"""What signs the audit trail's checkpoints (and keys its MACs): the installation's keys, bound to
the session factory at the edge (:func:`amparo.audit.checkpoints.bind_signer`)."""

from __future__ import annotations

from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

#: ``session.info`` key of the signer bound to a session factory (:func:`bind_signer`).
SIGNER_INFO = "amparo.audit.signer"


class Signer(Protocol):
    """What signs checkpoints: the installation's keys (:class:`amparo.exchange.keys.InstallationKeys`)."""

    @property
    def key_id(self) -> str: ...

    @property
    def signing_public(self) -> bytes: ...

    @property
    def signing(self) -> Ed25519PrivateKey: ...
