"""HTTP intake load on loopback: intakes/s and p50/p99 latency, SQLite and PostgreSQL.

Starts ``amparo serve`` (one uvicorn process) on a free port, adds an officer, then a load
generator in this process keeps CONCURRENCY intakes in flight for a fixed time. Each intake is
a new encounter, so every request validates, screens, and writes encounter, person, case,
decision, transition and deadline in one transaction. PostgreSQL runs when 127.0.0.1:5432
accepts user postgres (a scratch database is created and dropped). The generator and the server
share the machine's cores, so figures are lower bounds for a server with cores of its own.
"""

from __future__ import annotations

import asyncio
import copy
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.report import Section

CONCURRENCY = 16
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DOC: dict[str, Any] = {
    "schema": "amparo/encounter@1",
    "id": "",
    "encountered_on": "2020-02-03",
    "place": {"border": "southwest_land", "manner": "between_ports", "arrived_from": "MX"},
    "person": {"nationalities": ["HN"], "birth_date": "1991-04-02"},
    "route": [{"country": "GT"}, {"country": "MX"}],
    "fear_claims": [{"country": "HN", "basis": ["particular_social_group"]}],
}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _amparo(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "amparo", *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


async def _load(base: str, token: str, seconds: float, prefix: str) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=30
    ) as client:

        async def worker() -> None:
            nonlocal counter, errors
            while time.perf_counter() < stop:
                counter += 1
                doc = copy.deepcopy(DOC)
                doc["id"] = f"{prefix}-{counter}"
                started = time.perf_counter()
                response = await client.put(f"/api/v1/encounters/{doc['id']}", json=doc)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 201:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - began
    return int(len(latencies) / elapsed), latencies, errors


def _measure(env: dict[str, str], seconds: float, label: str) -> str:
    token = _amparo(
        env, "users", "add", f"bench-{label}", "--role", "officer", "--agency", "US-CBP", "--print-token"
    )
    token = token.strip().splitlines()[-1]
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-m", "amparo", "serve", "--port", str(port)],
        env={**env, "AMPARO_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        asyncio.run(_load(base, token, 1.0, f"warm-{label}"))
        rate, latencies, errors = asyncio.run(_load(base, token, seconds, f"run-{label}"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    q = statistics.quantiles(latencies, n=100)
    return f"| {label} | {rate} | {q[49] * 1000:.1f} | {q[98] * 1000:.1f} | {len(latencies)} | {errors} |"


def _postgres_env(env: dict[str, str]) -> tuple[dict[str, str], Any] | None:
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"amparo_bench_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception:  # PostgreSQL not reachable: SQLite only
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    pg_env = {**env, "AMPARO_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"}
    _amparo(pg_env, "db", "upgrade")
    return pg_env, drop


def run(quick: bool) -> Section:
    seconds = 3.0 if quick else 15.0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AMPARO_")}
        env["AMPARO_DATA_DIR"] = str(Path(tmp) / "data")
        _amparo(env, "db", "upgrade")
        rows.append(_measure(env, seconds, "SQLite (embedded, WAL)"))
        pg = _postgres_env(env)
        if pg is not None:
            pg_env, drop = pg
            try:
                rows.append(_measure(pg_env, seconds, "PostgreSQL 127.0.0.1"))
            finally:
                drop()
        else:
            rows.append("| PostgreSQL | not reachable at 127.0.0.1:5432 | | | | |")
    body = (
        f"`PUT /api/v1/encounters/{{id}}`, a new encounter each time (screening included), {CONCURRENCY} in flight,"
        f" {seconds:.0f} s per database after a 1 s warm-up; one `amparo serve` process; the load generator runs on"
        " the same machine.\nTarget (issue 3): 1,000 intakes/s with p99 under 50 ms on PostgreSQL.\n\n"
        "| database | intakes/s | p50 ms | p99 ms | requests | non-201 |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
    )
    return Section("api", "HTTP API intake", body)
