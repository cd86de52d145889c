"""Helpers for benchmarks: throwaway databases filled by seed_demo, and timing.

A benchmark runs Django in a child process per database, because settings (and so
``DATABASE_URL``) are fixed once Django starts. The parent creates the databases,
loads them with ``manage.py migrate`` and ``manage.py seed_demo``, asks each child for
its measurements as JSON, and drops the databases afterwards.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Scratch space for the children (static root, media): one per run, removed at exit.
_SCRATCH = tempfile.mkdtemp(prefix="selfcheck-bench-")
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)


def base_url() -> str:
    """The server to create databases on: DATABASE_URL if it names PostgreSQL, else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def database_name(suffix: str) -> str:
    """A throwaway database named after the one DATABASE_URL names, so runs from
    different checkouts on one server do not drop each other's databases."""
    base = urlsplit(base_url()).path.lstrip("/") or "selfcheck"
    return f"{base}_{suffix}"[:63]


def child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",  # measure what production runs; query capture works without DEBUG
        SELFCHECK_ALLOW_DEV_SECRET="1",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="registrar.settings",
    )
    env["SELFCHECK_VAR_DIR"] = _SCRATCH
    env["MEDIA_ROOT"] = os.path.join(_SCRATCH, "media")
    return env


class Database:
    """A database that exists for one benchmark run."""

    def __init__(self, name: str, server: str = ""):
        self.name = name
        self.server = server
        if server:
            parts = urlsplit(server)
            self.url = urlunsplit(parts._replace(path=f"/{name}"))
        else:
            self.url = f"sqlite:///{_SCRATCH}/{name}.sqlite3"

    def _admin(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.server)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create(self) -> Database:
        if self.server:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        if self.server:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        else:
            path = Path(urlsplit(self.url).path)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=child_env(self.url), cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def seed(self, students: int, seed: int = 2026) -> float:
        """Migrate and load the demo school; returns the seconds it took."""
        started = time.perf_counter()
        self.manage("migrate", "--verbosity", "0")
        self.manage("seed_demo", "--students", str(students), "--seed", str(seed))
        if self.server:
            # VACUUM sets the visibility map, as autovacuum would on a live server.
            self._vacuum()
        return time.perf_counter() - started

    def _vacuum(self) -> None:
        import psycopg2

        connection = psycopg2.connect(self.url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        finally:
            connection.close()

    def run_module(self, module: str, *args: str) -> dict:
        """Run ``python -m module --measure ...`` against this database; it prints JSON last."""
        result = subprocess.run(
            [sys.executable, "-m", module, "--measure", *args],
            env=child_env(self.url), cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"{module} failed:\n{result.stdout}\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def median_ms(action: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
