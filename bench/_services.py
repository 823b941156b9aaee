"""Real processes for benchmarks: a slow SMTP server, gunicorn, a worker."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_services(name: str) -> dict[str, str]:
    """Create database ``name`` afresh and empty the bench Redis db."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS).flushdb()
    return {"DATABASE_URL": f"{POSTGRES}/{name}", "REDIS_URL": REDIS}


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


def start(command: list[str], env: dict[str, str], log: str) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env={**os.environ, **env},
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )


def gunicorn(
    env: dict[str, str], workers: int, log: str, threads: int = 1
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = start(
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}",
         f"--workers={workers}", f"--threads={threads}", "--log-level=warning"],
        env,
        log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {log}") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def cpu_seconds(names: tuple[str, ...] = (), parent: int = 0) -> float:
    """CPU time used so far by the processes whose command is in ``names``,
    or whose parent is ``parent`` (gunicorn's workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        if head.split("(", 1)[1] in names or int(fields[1]) == parent:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
