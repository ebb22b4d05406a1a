"""The audit trail: appends, export, verification, 1,000 random tampers, concurrency, the CLI."""

from __future__ import annotations

import json
import os
import random
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.audit import checkpoints
from amparo.audit.models import AuditEntry
from amparo.audit.verify import verify_lines, verify_rows
from amparo.cli import main
from amparo.exchange.keys import InstallationKeys, b64
from amparo.store.db import transaction


def fill(factory: sessionmaker[Session], n: int) -> None:
    with transaction(factory) as session:
        for i in range(n):
            audit.record(
                session,
                actor=f"user-{i % 3}",
                action=("read", "write", "disclosure")[i % 3],
                record_kind="case",
                record_id=f"C-{i}",
                purpose="case_management",
                outcome="ok" if i % 4 else "denied",
                detail={"i": i, "fields": ["age", "sex"]},
            )


def export_lines(factory: sessionmaker[Session], keys: InstallationKeys, tmp_path: Path) -> list[str]:
    with transaction(factory) as session:
        audit.export(session, keys, tmp_path / "audit.jsonl", actor="test")
    return (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()


def test_chain_exports_and_verifies(
    factory: sessionmaker[Session], keys: InstallationKeys, tmp_path: Path
) -> None:
    fill(factory, 40)
    lines = export_lines(factory, keys, tmp_path)
    trusted = frozenset({b64(keys.signing_public)})
    verdict = verify_lines(lines, trusted=trusted)
    assert verdict.ok and verdict.entries == 41
    first = json.loads(lines[0])
    assert first["prev_hash"] == audit.GENESIS and json.loads(lines[1])["prev_hash"] == first["hash"]
    with factory() as session:
        assert verify_rows(audit.iter_log(session), audit.head_of(session), trusted=trusted).ok
    assert not verify_lines(lines, trusted=frozenset({b64(b"\x01" * 32)})).ok  # another installation's key


def _mutate_value(value: object, rng: random.Random) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([-2, -1, 1, 2, 1000])
    if isinstance(value, str):
        return value + "x" if value else "x"
    if isinstance(value, dict):
        return {**value, "tampered": True}
    return "x"


def tamper(lines: list[str], rng: random.Random) -> tuple[str, list[str]]:
    out = list(lines)
    op = rng.choice(["change", "remove", "insert", "reorder", "swap"])
    i = rng.randrange(len(out))
    if op == "change":
        item = json.loads(out[i])
        key = rng.choice(sorted(item))
        item[key] = _mutate_value(item[key], rng)
        out[i] = json.dumps(item)
    elif op == "remove":
        del out[i]
    elif op == "insert":
        source = json.loads(out[rng.randrange(len(out))])
        if rng.random() < 0.5:
            key = rng.choice(sorted(source))
            source[key] = _mutate_value(source[key], rng)
        out.insert(rng.randrange(len(out) + 1), json.dumps(source))
    elif op == "reorder":
        line = out.pop(i)
        j = rng.randrange(len(out) + 1)
        while j == i:
            j = rng.randrange(len(out) + 1)
        out.insert(j, line)
    else:
        j = rng.randrange(len(out))
        while j == i:
            j = rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return op, out


def test_a_thousand_random_single_changes_are_each_detected(
    factory: sessionmaker[Session], keys: InstallationKeys, tmp_path: Path
) -> None:
    fill(factory, 30)
    lines = export_lines(factory, keys, tmp_path)
    trusted = frozenset({b64(keys.signing_public)})
    rng = random.Random(20190726)
    kinds: dict[str, int] = {}
    for _ in range(1000):
        op, changed = tamper(lines, rng)
        if changed == lines:
            continue
        verdict = verify_lines(changed, trusted=trusted)
        assert not verdict.ok, f"{op} not detected"
        assert verdict.kind in {"changed", "removed", "inserted", "reordered"}
        kinds[verdict.kind] = kinds.get(verdict.kind, 0) + 1
    assert set(kinds) == {"changed", "removed", "inserted", "reordered"}


def test_messages_name_the_entry(
    factory: sessionmaker[Session], keys: InstallationKeys, tmp_path: Path
) -> None:
    fill(factory, 10)
    lines = export_lines(factory, keys, tmp_path)
    entry_lines = [n for n, line in enumerate(lines) if json.loads(line)["type"] == "entry"]
    removed = [line for n, line in enumerate(lines) if n != entry_lines[4]]
    assert verify_lines(removed).kind == "removed" and verify_lines(removed).seq == 5
    swapped = list(lines)
    swapped[entry_lines[2]], swapped[entry_lines[3]] = swapped[entry_lines[3]], swapped[entry_lines[2]]
    assert (verify_lines(swapped).kind, verify_lines(swapped).seq) == ("reordered", 3)
    duplicated = [*lines[:5], lines[entry_lines[1]], *lines[5:]]
    assert (verify_lines(duplicated).kind, verify_lines(duplicated).seq) == ("inserted", 2)
    item = json.loads(lines[entry_lines[6]])
    item["outcome"] = "ok" if item["outcome"] != "ok" else "denied"
    changed = list(lines)
    changed[entry_lines[6]] = json.dumps(item)
    assert (verify_lines(changed).kind, verify_lines(changed).seq) == ("changed", 7)


def test_database_tampering_is_detected(factory: sessionmaker[Session], keys: InstallationKeys) -> None:
    fill(factory, 12)
    with transaction(factory) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(actor="someone-else"))
    with factory() as session:
        verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
    assert (verdict.kind, verdict.seq) == ("changed", 5)
    with transaction(factory) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq >= 5))
    with factory() as session:
        verdict = verify_rows(audit.iter_log(session), audit.head_of(session))
    assert (verdict.kind, verdict.seq) == ("removed", 5)


def test_concurrent_appends_get_unique_gapless_sequence_numbers(factory: sessionmaker[Session]) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(15):
                fill(factory, 1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    audit.settle(factory)  # a commit that found another pass running is chained by the next one
    with factory() as session:
        seqs = [row["seq"] for row in audit.iter_log(session) if row["type"] == "entry"]
        assert seqs == list(range(1, 61))
        assert verify_rows(audit.iter_log(session), audit.head_of(session)).ok


def test_checkpoints_are_signed_every_interval(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "CHECKPOINT_INTERVAL", 5)
    fill(factory, 12)
    with factory() as session:
        rows = list(audit.iter_log(session))
    assert [r["seq"] for r in rows if r["type"] == "checkpoint"] == [5, 10]
    data_dir = Path(os.environ["AMPARO_DATA_DIR"])
    mode = stat.S_IMODE((data_dir / "keys" / "installation-ed25519.pem").stat().st_mode)
    assert mode == 0o600


def test_cli_export_and_verify_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMPARO_DATABASE_URL", f"sqlite:///{(tmp_path / 'cli.db').as_posix()}")
    with pytest.raises(SystemExit) as done:
        main(["db", "upgrade"])
    assert done.value.code == 0
    out = tmp_path / "trail.jsonl"
    for argv in (
        ["audit", "export", "--out", str(out)],
        ["audit", "verify", "--file", str(out)],
        ["audit", "verify"],
    ):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0, argv
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[1:]) + "\n")
    with pytest.raises(SystemExit) as done:
        main(["audit", "verify", "--file", str(out)])
    assert done.value.code == 1
