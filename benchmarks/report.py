"""What a benchmark module returns, and how docs/PERFORMANCE.md is written from it.

Each ``benchmarks/bench_*.py`` defines ``run(quick: bool) -> Section``. The runner stamps every
section with the machine, the date and the command, and replaces that section (by its key) in
docs/PERFORMANCE.md so one area can be re-measured without losing the others.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
HEADER = (
    "# Performance\n\n"
    "Measured, not asserted: every figure below was written by `make bench` (`python -m benchmarks`),\n"
    "with the machine, date and command it was measured with. Targets are the ones the issues name.\n"
)


@dataclass
class Section:
    """One area's results: a stable key, a title and a Markdown body (tables, notes)."""

    key: str
    title: str
    body: str


def machine() -> str:
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def render(section: Section, command: str) -> str:
    """The Markdown of one section, stamped with machine, date and command."""
    stamp = (
        f"- machine: {machine()}\n- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- command: `{command}`\n"
    )
    return f"<!-- bench:{section.key} -->\n## {section.title}\n\n{stamp}\n{section.body.strip()}\n<!-- /bench:{section.key} -->\n"


def write(sections: list[Section], command: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace (or append) each section in docs/PERFORMANCE.md."""
    text = path.read_text() if path.exists() else HEADER
    for section in sections:
        block = render(section, command)
        pattern = re.compile(
            rf"<!-- bench:{re.escape(section.key)} -->.*?<!-- /bench:{re.escape(section.key)} -->\n", re.S
        )
        text = (
            pattern.sub(lambda _m, b=block: b, text)
            if pattern.search(text)
            else text.rstrip() + "\n\n" + block
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
