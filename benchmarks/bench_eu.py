"""EU screening speed: one application in process (p50, p99, mean), beside the US pack's figure
measured in the same process on the same machine, with the same timer.

The EU documents are the pack's own legal tests (65 varied applications: both frameworks, every
kind of criterion, requests, acceptances, detention, absconding); the US ones come from the
seeded encounter factory of the screening benchmark.
"""

from __future__ import annotations

import gc
import itertools
import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

import yaml

from amparo.engine.pack import LawPack
from amparo.rules.eu import EU_PACK
from amparo.rules.us import US_PACK
from amparo.screening import screen
from benchmarks.encounter_factory import encounters
from benchmarks.report import Section


def eu_documents() -> list[dict[str, Any]]:
    """The EU pack's scenario documents (dates as the ISO text a JSON document carries)."""
    assert EU_PACK.scenarios_dir is not None
    out = []
    for path in sorted(EU_PACK.scenarios_dir.glob("*.yaml")):
        out.append(_typed(yaml.safe_load(path.read_text(encoding="utf-8"))["document"]))
    return out


def _typed(document: dict[str, Any]) -> dict[str, Any]:
    """YAML reads bare dates as dates; JSON documents carry text."""

    def plain(value: Any) -> Any:
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    result: dict[str, Any] = plain(document)
    return result


def _timings(pack: LawPack, documents: Sequence[dict[str, Any]], rounds: int) -> list[float]:
    cycle = itertools.cycle(documents)
    for _ in range(min(500, rounds)):
        screen(next(cycle), pack)  # build the law book and warm up before timing
    samples = []
    gc.disable()
    try:
        for _ in range(rounds):
            document = next(cycle)
            started = time.perf_counter_ns()
            screen(document, pack)
            samples.append((time.perf_counter_ns() - started) / 1000)
    finally:
        gc.enable()
    return sorted(samples)


def _row(name: str, samples: list[float]) -> str:
    p99 = samples[int(len(samples) * 0.99) - 1]
    return (
        f"| {name} | {statistics.median(samples):.0f} µs | {p99:.0f} µs | "
        f"{statistics.fmean(samples):.0f} µs | {len(samples):,} |"
    )


def run(quick: bool) -> Section:
    rounds = 2000 if quick else 20_000
    eu = _timings(EU_PACK, eu_documents(), rounds)
    us = _timings(US_PACK, encounters(2000, seed=7), rounds)
    rules = len(EU_PACK.program.rules)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    body = f"""
| one document in process | p50 | p99 | mean | rounds |
|---|---|---|---|---|
{_row("EU application (`amparo/eu-application@1`)", eu)}
{_row("US encounter (`amparo/encounter@1`), same process and timer", us)}

Each EU screening validates the document, reads its facts, evaluates {rules} rules (both frameworks'
criteria in order, the other framework's not in force on the date; the clocks and the late-request
shift) with their trace and flags, and builds the decision. Timed with `time.perf_counter_ns`
around `screen(document, pack)`, garbage collection off, after 500 warm-up screenings. Other work
shared the machine's cores while this ran (load average at the end: {load}), so compare the two
rows with each other rather than with figures measured on a quiet machine.
"""
    return Section("eu", "EU screening (issue 13: Dublin III and the AMMR)", body)
