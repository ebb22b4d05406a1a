"""A Merkle tree over the audit entries, with inclusion and consistency proofs (RFC 9162 §2).

The leaves are the entries in sequence order, each leaf the SHA-256 of ``0x00`` and the entry's
hash; an inner node is the SHA-256 of ``0x01`` and its two children (RFC 9162 §2.1.1). A signed
*tree head* (:func:`tree_head`: ``tree_size``, ``root_hash``, signed by the installation's key)
travels with every anchor (:mod:`amparo.audit.anchors`). Given two tree heads, a witness checks
with a consistency proof (:func:`consistency_proof`, :func:`verify_consistency`) that the newer
tree EXTENDS the older one (no entry of the older was changed, removed or reordered) by reading
O(log n) hashes instead of the whole trail; an inclusion proof (:func:`inclusion_proof`,
:func:`verify_inclusion`) shows one entry is in a tree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.audit.checkpoints import Signer, b64
from amparo.audit.models import AuditEntry
from amparo.store.canonical_json import canonical_bytes

TREE_HEAD_FORMAT = "amparo-tree-head/1"
PROOF_FORMAT = "amparo-consistency-proof/1"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry_hash: str) -> bytes:
    """The leaf of an entry (RFC 9162 §2.1.1: ``SHA-256(0x00 || data)``, data its hash)."""
    return hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf ``index``."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1: that the first ``old_size`` leaves are a prefix."""
    if not 0 < old_size <= len(leaves):
        raise ValueError(f"no consistency proof from {old_size} to {len(leaves)}")
    return _subproof(old_size, leaves, True)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: whether ``proof`` shows ``leaf`` at ``index`` in the tree of ``size``."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = _node(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether ``proof`` shows the tree of ``new_size`` extends the one of
    ``old_size`` (roots as given)."""
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0 or old_size > new_size or not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn % 2 == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr = _node(c, fr)
            sr = _node(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def leaves_of(session: Session, size: int | None = None) -> list[bytes]:
    """The leaves of the trail's first ``size`` entries (default: all), in sequence order."""
    query = select(AuditEntry.entry_hash).order_by(AuditEntry.seq)
    if size is not None:
        query = query.where(AuditEntry.seq <= size)
    return [leaf_hash(h) for h in session.scalars(query)]


def tree_head(leaves: Sequence[bytes], keys: Signer) -> dict[str, Any]:
    """The signed tree head of ``leaves``."""
    body: dict[str, Any] = {
        "format": TREE_HEAD_FORMAT,
        "tree_size": len(leaves),
        "root_hash": root(leaves).hex(),
        "public_key": b64(keys.signing_public),
        "key_id": keys.key_id,
    }
    return {**body, "signature": b64(keys.signing.sign(canonical_bytes(body)))}


def tree_head_problem(head: Mapping[str, Any], trusted: frozenset[str] | None = None) -> str | None:
    """None when ``head`` is a tree head whose signature verifies (by a trusted key); else why."""
    try:
        body = {k: head[k] for k in ("format", "tree_size", "root_hash", "public_key", "key_id")}
        if body["format"] != TREE_HEAD_FORMAT or not isinstance(body["tree_size"], int):
            return "it is not an amparo tree head"
        bytes.fromhex(str(body["root_hash"]))
        public = base64.b64decode(str(head["public_key"]), validate=True)
        signature = base64.b64decode(str(head["signature"]), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(signature, canonical_bytes(body))
    except (KeyError, ValueError, binascii.Error, InvalidSignature):
        return "its signature does not verify"
    if trusted is not None and head["public_key"] not in trusted:
        return "it is signed by a key that is not the one trusted"
    return None


def prove_consistency(session: Session, old: Mapping[str, Any], keys: Signer) -> dict[str, Any]:
    """A consistency proof from the tree head ``old`` to a new signed tree head of the trail."""
    leaves = leaves_of(session)
    old_size = int(old["tree_size"])
    proof = consistency_proof(old_size, leaves) if 0 < old_size <= len(leaves) else []
    return {
        "format": PROOF_FORMAT,
        "old": dict(old),
        "new": tree_head(leaves, keys),
        "consistency": [p.hex() for p in proof],
    }


def check_consistency(document: Mapping[str, Any], trusted: frozenset[str] | None = None) -> str | None:
    """None when a proof document shows its new tree head extends its old one (both signed by a
    trusted key); else what is wrong. Reads no trail: only the two heads and the proof."""
    try:
        old, new = document["old"], document["new"]
        proof = [bytes.fromhex(str(p)) for p in document["consistency"]]
    except (KeyError, TypeError, ValueError):
        return "it is not a consistency proof"
    for name, head in (("old", old), ("new", new)):
        bad = tree_head_problem(head, trusted)
        if bad:
            return f"the {name} tree head is not valid: {bad}"
    ok = verify_consistency(
        int(old["tree_size"]),
        int(new["tree_size"]),
        bytes.fromhex(old["root_hash"]),
        bytes.fromhex(new["root_hash"]),
        proof,
    )
    return None if ok else "the new tree does not extend the old one"
