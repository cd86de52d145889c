"""Real processes for the crash tests: Celery workers (with beat) and a private redis-server.

A worker is ``celery -A registrar worker`` in its own process group, logging to a file
the test reads; it talks to the test database through DATABASE_URL, so what it writes
is what the test sees. The private redis-server listens on a free 127.0.0.1 port so a
test can stop and start "the broker" without touching the machine's shared Redis.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, *, timeout: float, interval: float = 0.5, what: str = "condition"):
    """Poll until ``predicate()`` is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def database_url_for_workers() -> str:
    """The URL of the database pytest-django created, for the worker processes."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "")
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of our own; ``stop`` and ``start`` keep the same port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=20, what="redis-server to answer")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class Worker:
    """``celery worker`` (optionally with embedded beat) in its own process group."""

    def __init__(self, workdir: Path, *, broker: str, beat: bool, media: Path, **settings_env: str):
        self.workdir, self.media = workdir, media
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.broker, self.beat, self.settings_env = broker, beat, settings_env
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / f"worker-{time.monotonic_ns()}.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url_for_workers(),
            CELERY_BROKER_URL=self.broker,
            CELERY_RESULT_BACKEND=self.broker,
            DEBUG="1",
            SELFCHECK_VAR_DIR=str(self.workdir),
            MEDIA_ROOT=str(self.media),
            PYTHONPATH=str(ROOT),
            **self.settings_env,
        )
        return env

    def start(self) -> Worker:
        command = [
            sys.executable, "-m", "celery", "-A", "registrar", "worker", "--pool", "prefork", "--concurrency", "1",
            "--loglevel", "INFO", "--hostname", f"crash-{os.getpid()}-{time.monotonic_ns()}@localhost",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.workdir / f"beat-{time.monotonic_ns()}")]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: " ready." in self.text() or self.process.poll() is not None, timeout=90, what="worker ready")
        assert self.process.poll() is None, self.text()[-3000:]
        return self

    def text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def count(self, needle: str) -> int:
        return self.text().count(needle)

    def kill(self) -> None:
        """SIGKILL the whole worker: main process, pool children and beat alike."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.log.close()
