"""Run every benchmark module (or the ones named) and write docs/PERFORMANCE.md.

Usage: python -m benchmarks [--quick] [NAME ...]   (NAME: screening, api, linkage, flows, ...)
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

from benchmarks.report import Section, write


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("names", nargs="*", help="bench_NAME modules to run (default: all)")
    args = parser.parse_args()
    import benchmarks

    names = args.names or sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
    )
    sections: list[Section] = []
    for name in names:
        started = time.perf_counter()
        print(f"== bench_{name}", flush=True)
        module = importlib.import_module(f"benchmarks.bench_{name}")
        section: Section = module.run(quick=args.quick)
        sections.append(section)
        print(section.body, flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    command = (
        "python -m benchmarks" + (" --quick" if args.quick else "") + "".join(f" {n}" for n in args.names)
    )
    write(sections, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
