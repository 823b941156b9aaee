"""The real parts of a bench run: databases, a private Redis, a slow SMTP
server, gunicorn and a Celery worker, each a process on loopback."""

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
# One gunicorn setup for Haima and its peer alike (not ./gunicorn.conf.py).
GUNICORN_CONFIG = BENCH_DIR / "gunicorn_bench.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                message = f"{process.args[:4]} did not start; see {log}"
                raise RuntimeError(message) from None
            time.sleep(0.1)


def fresh_database(name: str) -> str:
    """Create database ``name`` afresh on the machine's PostgreSQL; its URL."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Process:
    """A child process logging to a file in ``directory``, ended by stop()."""

    def __init__(self, command, *, env, cwd=BASE_DIR, directory: Path, name: str):
        self.log = directory / f"{name}.log"
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.pid = self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class RedisServer(Process):
    """A Redis of the bench's own, on a free port, keeping nothing on disk:
    no other run's db is read, counted or flushed."""

    def __init__(self, directory: Path):
        self.port = free_port()
        command = [
            shutil.which("redis-server") or "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--dir", str(directory)),
        ]
        super().__init__(command, env={}, directory=directory, name="redis")
        wait_for_port(self.port, self.process, self.log)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class Gunicorn(Process):
    """``app`` served by gunicorn under GUNICORN_CONFIG on a free port."""

    def __init__(self, python: str, app: str, *, env, cwd, directory, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [python, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG),
                   f"--bind=127.0.0.1:{self.port}", app]  # fmt: skip
        super().__init__(command, env=env, cwd=cwd, directory=directory, name=name)
        wait_for_port(self.port, self.process, self.log)

    def worker_rss_mb(self) -> list[float]:
        """The resident memory of each worker (the master's children), MB."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines()
                )
            except OSError:
                continue
            if int(fields["PPid"]) == self.pid and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)


class SlowSmtp:
    """An SMTP server that takes ``delay`` seconds to accept each message."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received = 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def scratch_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="haima-bench-"))
