"""Issue 11: the Merkle tree over the audit entries (RFC 9162 §2): every inclusion and
consistency proof for trees of 1 to 24 leaves verifies, any changed hash or size refuses, and
the CLI's proof from an anchor to a later head is checked without the trail (and fails when an
anchored entry was changed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from amparo.audit import merkle
from amparo.audit.models import AuditEntry
from amparo.cli import main
from amparo.store.db import make_engine

from .test_tamper import _fill


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]


def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not() -> None:
    for n in range(1, 25):
        leaves = _leaves(n)
        top = merkle.root(leaves)
        for i in range(n):
            proof = merkle.inclusion_proof(i, leaves)
            assert merkle.verify_inclusion(i, n, leaves[i], proof, top), (i, n)
            assert not merkle.verify_inclusion(i, n, b"\x00" * 32, proof, top)
            if n > 1:
                assert not merkle.verify_inclusion((i + 1) % n, n, leaves[i], proof, top)


def test_every_consistency_proof_verifies_and_a_rewritten_prefix_does_not() -> None:
    for n in range(1, 25):
        leaves = _leaves(n)
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, leaves)
            old, new = merkle.root(leaves[:m]), merkle.root(leaves)
            assert merkle.verify_consistency(m, n, old, new, proof), (m, n)
            rewritten = [b"\xff" * 32, *leaves[1:]]
            assert not merkle.verify_consistency(m, n, merkle.root(rewritten[:m]), new, proof), (m, n)


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


def test_a_witness_checks_a_later_head_extends_its_anchor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{(tmp_path / 'm.db').as_posix()}"
    monkeypatch.setenv("AMPARO_DATABASE_URL", url)
    assert _run(["db", "upgrade"]) == 0
    _fill(url, 13)
    anchor, proof = tmp_path / "anchor.json", tmp_path / "proof.json"
    assert _run(["audit", "checkpoint", "--out", str(anchor)]) == 0
    assert json.loads(anchor.read_text())["tree_head"]["tree_size"] == 13
    _fill(url, 20, start=13)
    assert _run(["audit", "prove", "--anchor", str(anchor), "--out", str(proof)]) == 0
    assert _run(["audit", "check-proof", str(proof)]) == 0

    engine = make_engine(url)  # a database writer changes an anchored entry (the chain re-hashed or not)
    try:
        with engine.begin() as c:
            c.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(entry_hash="ab" * 32))
    finally:
        engine.dispose()
    assert _run(["audit", "prove", "--anchor", str(anchor), "--out", str(proof)]) == 0
    assert _run(["audit", "check-proof", str(proof)]) == 1
