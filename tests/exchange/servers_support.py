"""Real amparo installations for tests: each its own data directory and embedded SQLite
database, configured only through the ``AMPARO_*`` environment of the settings model, run with
the real CLI (``python -m amparo ...``) and served by ``python -m amparo serve`` on a free
loopback port.

:func:`running` starts servers and stops every one of them on the way out, also when the test
fails (terminate, then kill after a grace period)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

START_SECONDS = 60.0
STOP_SECONDS = 15.0
CLI_SECONDS = 120.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the OS picks it: no fixed ports)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Installation:
    """One installation: its folder, environment, users' tokens and (once started) its server."""

    country: str
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def database(self) -> Path:
        return self.root / "db" / "amparo.db"

    @property
    def log(self) -> Path:
        return self.root / "serve.log"

    @property
    def env(self) -> dict[str, str]:
        """The process environment: nothing of the caller's ``AMPARO_*``, only this installation's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AMPARO_")}
        env.update(
            {
                "AMPARO_DATA_DIR": str(self.data_dir),
                "AMPARO_DATABASE_URL": f"sqlite:///{self.database.as_posix()}",
                "AMPARO_INSTALLATION": self.country,
                "AMPARO_LOG_LEVEL": "WARNING",
            }
        )
        return env

    @property
    def base_url(self) -> str:
        assert self.port is not None, f"the {self.country} server is not started"
        return f"http://127.0.0.1:{self.port}"

    # --- the CLI ----------------------------------------------------------------------------

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``python -m amparo ARGS`` with this installation's environment."""
        done = subprocess.run(
            [sys.executable, "-m", "amparo", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=CLI_SECONDS,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{self.country}: amparo {' '.join(args)} exited {done.returncode}\n"
                f"stdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-2000:]}"
            )
        return done

    def create(self) -> None:
        """The folders and the database schema (``amparo db upgrade``)."""
        self.data_dir.mkdir(parents=True)
        self.database.parent.mkdir(parents=True)
        self.cli("db", "upgrade")

    def add_user(self, name: str, role: str, agency: str) -> str:
        """``amparo users add NAME --role ROLE --agency CODE --print-token``: the token (last line)."""
        done = self.cli("users", "add", name, "--role", role, "--agency", agency, "--print-token")
        token = done.stdout.strip().splitlines()[-1]
        self.tokens[name] = token
        return token

    # --- the server -------------------------------------------------------------------------

    def launch(self) -> None:
        """Start ``amparo serve`` on a free port (without waiting for it)."""
        self.port = free_port()
        with self.log.open("ab") as out:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "amparo", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, attempts: int = 3) -> None:
        """Wait until the server answers; start it again on another port if it exited first
        (the free port was taken in between)."""
        for _ in range(attempts):
            assert self.process is not None
            deadline = time.monotonic() + START_SECONDS
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if httpx.get(f"{self.base_url}/openapi.json", timeout=2).status_code == 200:
                        return
                except httpx.TransportError:
                    time.sleep(0.1)
            if self.process.poll() is None:  # still running but not answering: give up
                break
            self.process.wait()
            self.launch()
        self.stop()
        raise AssertionError(f"the {self.country} server did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """Terminate the server (kill it when it does not stop in time) and reap it."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.terminate()
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()

    def client(self, user: str) -> httpx.Client:
        """An HTTP client of the running server, authenticated as ``user``."""
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
            timeout=30,
        )

    # --- reading the database (read-only) ---------------------------------------------------

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` on this installation's SQLite file, opened read-only."""
        uri = f"file:{self.database.as_posix()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as connection:
            return list(connection.execute(sql, params).fetchall())

    def audit_export(self, out: Path) -> list[dict[str, Any]]:
        """``amparo audit export --out OUT`` and the lines it wrote."""
        self.cli("audit", "export", "--out", str(out))
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]


@contextmanager
def running(installations: list[Installation]) -> Iterator[list[Installation]]:
    """Serve every installation (started together); every server is stopped on the way out,
    whatever happens (each stop is its own exit callback)."""
    with ExitStack() as stack:
        for installation in installations:
            stack.callback(installation.stop)
            installation.launch()
        for installation in installations:
            installation.wait_ready()
        yield installations
