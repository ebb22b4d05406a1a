"""Web pages with many cases in the store: the case queue (first page, a page deep in the list, a
filtered page, the overdue list) and the case page, p50 and p95, on SQLite and on PostgreSQL.

The store is filled through the intake service itself (the same path as the API) with the
benchmark's seeded encounters, then copied in SQL (persons, encounters, cases, decisions,
transitions, deadlines, each copy with new ids) up to the size measured: intake at the full size
would take longer than the page timings need, and the pages read rows, not how they came. The
pages are requested in process (Starlette's test client: no network or server threads in the
figures) by a signed-in supervisor, who may read every case and its audit trail.
Default: 100,000 cases from 2,000 intakes (``--quick``: 3,000 from 1,000).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import statistics
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

from amparo.access.actor import Actor
from amparo.access.users import create_user
from amparo.cases.intake import run_intake
from amparo.engine.registry import installed_registry
from amparo.installation import bind_installation
from amparo.settings import Settings
from amparo.store.db import make_engine, session_factory, transaction, upgrade
from benchmarks.encounter_factory import encounters
from benchmarks.report import Section

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ROUNDS = 60


@contextlib.contextmanager
def _databases(tmp: Path) -> Iterator[list[tuple[str, str]]]:
    found = [("SQLite", f"sqlite:///{tmp / 'web.db'}")]
    name = f"amparo_bench_web_{uuid.uuid4().hex[:8]}"
    admin = None
    try:
        from sqlalchemy import text

        admin = make_engine(PG_ADMIN).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f"CREATE DATABASE {name}"))
        found.append(("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"))
    except Exception:
        admin = None
    try:
        yield found
    finally:
        if admin is not None:
            from sqlalchemy import text

            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()


_COPIED = {
    "persons": ("id",),
    "encounters": ("id", "person_id"),
    "cases": ("id", "encounter_id", "person_id", "current_decision_id"),
    "decisions": ("id", "case_id", "encounter_id"),
    "transitions": ("id", "case_id"),
    "deadlines": ("id", "case_id"),
}


def _replicate(url: str, copies: int) -> None:
    """Add ``copies`` copies of every intake's rows, each with its ids suffixed ``-rK``."""
    from sqlalchemy import text

    from amparo.store.base import Base

    engine = make_engine(url)
    with engine.begin() as connection:
        for k in range(1, copies + 1):
            for name, ids in _COPIED.items():
                columns = [c.name for c in Base.metadata.tables[name].columns]
                chosen = ", ".join(f"{c} || '-r{k}'" if c in ids else c for c in columns)
                names = ", ".join(columns)
                original = " AND ".join(f"{c} NOT LIKE '%-r%'" for c in ids[:1])
                connection.execute(
                    text(f"INSERT INTO {name} ({names}) SELECT {chosen} FROM {name} WHERE {original}")
                )
    engine.dispose()


def _fill(url: str, n: int, keys: Path) -> tuple[str, float]:
    upgrade(url)
    engine = make_engine(url)
    made = bind_installation(session_factory(engine), keys)
    with transaction(made) as session:
        user, token = create_user(session, name="bench-sup", role="supervisor", agency="US-USCIS")
        session.expunge(user)
    packs = installed_registry()
    actor = Actor(user)
    started = time.perf_counter()
    for doc in encounters(n, seed=16):
        run_intake(made, packs, actor, doc["id"], doc)
    seconds = time.perf_counter() - started
    engine.dispose()
    return token, seconds


def _timed(get: object, path: str, rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = get(path)  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _pages(url: str, token: str, tmp: Path) -> list[tuple[str, float, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from amparo.api.app import create_app

    app = create_app(Settings(data_dir=tmp, database_url=url))
    rows = []
    with TestClient(app) as client:
        form = client.get("/signin").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/signin", data={"name": "bench-sup", "token": token, "csrf": csrf})
        queue = client.get("/cases").text
        first_case = re.search(r'href="/cases/(C-[0-9a-f]+)"', queue).group(1)  # type: ignore[union-attr]
        deep = client.get("/cases")
        for _ in range(20):  # twenty pages in: the cursor is a key, not an offset
            cursor = re.search(r'cursor=([^"&]+)', deep.text)
            if cursor is None:
                break
            deep = client.get(f"/cases?cursor={cursor.group(1)}")
        deep_path = str(deep.url).split("testserver", 1)[1]
        for label, path in (
            ("case queue, first page", "/cases"),
            ("case queue, 21st page", deep_path),
            ("case queue, nationality HN", "/cases?nationality=HN"),
            ("overdue list", "/cases?overdue=1"),
            ("case page", f"/cases/{first_case}"),
        ):
            p50, p95 = _timed(client.get, path, ROUNDS)
            rows.append((label, p50, p95))
    return rows


def run(quick: bool = False) -> Section:
    intakes, n = (1_000, 3_000) if quick else (2_000, 100_000)
    lines = [
        f"{n:,} cases: {intakes:,} intaken through the intake service, then copied in SQL with new ids; "
        f"pages requested {ROUNDS} times each in process by a signed-in supervisor (who may read every "
        "case and its audit trail).",
        "",
        "| store | page | p50 ms | p95 ms |",
        "|---|---|---|---|",
    ]
    fills = []
    with tempfile.TemporaryDirectory() as folder, _databases(Path(folder)) as databases:
        for store, url in databases:
            token, seconds = _fill(url, intakes, Path(folder) / store)
            _replicate(url, n // intakes - 1)
            fills.append(
                f"{store}: {intakes:,} intakes in {seconds:.0f} s ({intakes / seconds:,.0f}/s, one process, machine shared)"
            )
            for label, p50, p95 in _pages(url, token, Path(folder) / store):
                lines.append(f"| {store} | {label} | {p50:.1f} | {p95:.1f} |")
    lines += ["", *(f"- {f}" for f in fills)]
    lines.append(f"- measured {dt.date.today().isoformat()}; other work shared the 2 cores while it ran")
    return Section("web", "Web pages with many cases (issue 16)", "\n".join(lines))
