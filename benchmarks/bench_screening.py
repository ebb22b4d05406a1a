"""Screening speed: one encounter in process (p50, p99; pytest-benchmark) and `amparo screen` over
10,000 JSON Lines encounters end to end. Target (issue 2): p50 under 100 µs in process.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from benchmarks.encounter_factory import encounters
from benchmarks.report import Section

HERE = Path(__file__).resolve().parent


def _in_process() -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        code = pytest.main(
            [
                str(HERE / "test_screening_speed.py"),
                "-q",
                "-p",
                "no:cacheprovider",
                f"--benchmark-json={out}",
                "--benchmark-save-data",
                "--benchmark-disable-gc",
                "-W",
                "ignore::DeprecationWarning",
            ]
        )
        if code != 0:
            raise RuntimeError(f"pytest-benchmark run failed with exit code {code}")
        stats = json.loads(out.read_text())["benchmarks"][0]["stats"]
    data = sorted(stats["data"])
    p99 = data[int(len(data) * 0.99) - 1]
    return stats["median"] * 1e6, p99 * 1e6, stats["mean"] * 1e6, len(data)


def _end_to_end(n: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "encounters.jsonl"
        path.write_text("\n".join(json.dumps(d) for d in encounters(n, seed=11)) + "\n")
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "amparo", "screen", str(path), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if result.returncode != 0 or len(result.stdout.splitlines()) != n:
            raise RuntimeError(f"amparo screen failed: {result.returncode} {result.stderr[-500:]}")
    return elapsed, n / elapsed


def run(quick: bool) -> Section:
    p50, p99, mean, rounds = _in_process()
    n = 1000 if quick else 10_000
    seconds, per_second = _end_to_end(n)
    startup = statistics.median([_timed([sys.executable, "-m", "amparo", "version"]) for _ in range(3)])
    body = f"""
| measure | result | target |
|---|---|---|
| one encounter in process, p50 (pytest-benchmark, {rounds} rounds, varied encounters) | {p50:.0f} µs | < 100 µs |
| one encounter in process, p99 | {p99:.0f} µs | — |
| one encounter in process, mean | {mean:.0f} µs | — |
| `amparo screen FILE.jsonl --json`, {n:,} encounters end to end | {seconds:.2f} s ({per_second:,.0f} encounters/s) | — |
| of which process start-up (`amparo version`) | {startup:.2f} s | — |

Each screening validates the document (pydantic), extracts the named facts, evaluates 16 rules
with their trace and flags, and builds the decision. The end-to-end figure includes JSON parsing
and writing the full decision objects with their traces.
"""
    return Section("screening", "Screening (issue 2: law engine)", body)


def _timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - started
