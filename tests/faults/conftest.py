"""Fault fixtures: processes on a queue of their own, an SMTP server that
comes up late or stalls, a private RabbitMQ vhost, a private PostgreSQL."""

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from config.celery import app
from tests.conftest import Mailbox
from tests.helpers import wait_for
from tests.processes import (
    PostgresCluster,
    WebServer,
    service_environment,
    start_celery_worker,
)
from tests.sms.conftest import aliyun, dysmsapi  # noqa: F401 (the SMS stand-in)

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672"


class SmtpServer(Mailbox):
    """A real SMTP server (aiosmtpd) on a port chosen now, started when the
    test says: until then the port refuses connections.

    While ``stalling``, a message is read and never answered, as a server
    that hangs in DATA; it counts in ``stalled``, not in ``messages``.
    """

    def __init__(self):
        super().__init__()
        self.stalling = False
        self.stalled = 0
        self.controller = Controller(self, hostname=self.host, port=self.port)

    async def handle_DATA(self, server, session, envelope):
        if self.stalling:
            self.stalled += 1
            await asyncio.Event().wait()  # cancelled when the client goes
        return await super().handle_DATA(server, session, envelope)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        if self.controller._thread is not None:
            self.controller.stop()

    def received(self) -> Counter:
        """How many messages each recipient got."""
        with self.lock:
            return Counter(message["To"] for message in self.messages)


@pytest.fixture
def smtp():
    """An SMTP server not started yet (``smtp.start()``); stopped after."""
    server = SmtpServer()
    yield server
    server.stop()


class Stack:
    """gunicorn and Celery workers of one test, on this run's database, with
    a Celery queue of their own: the session's worker never takes their
    tasks, nor they its. ``overrides`` are environment variables."""

    def __init__(self):
        self.tag = uuid.uuid4().hex[:8]
        self.queue = f"haima-faults-{self.tag}"
        self.processes = []

    def environment(self, **overrides) -> dict[str, str]:
        return service_environment(CELERY_QUEUE=self.queue, **overrides)

    def web(self, name: str = "web", **overrides) -> WebServer:
        server = WebServer(f"faults-{name}-{self.tag}", self.environment(**overrides))
        self.processes.append(server)
        return server

    def worker(self, name: str = "worker", pool: str = "solo", **overrides):
        worker = start_celery_worker(
            f"faults-{name}-{self.tag}", self.environment(**overrides), pool
        )
        self.processes.append(worker)
        return worker

    def beat(self, task, *, broker: str) -> None:
        """Publish ``task`` to this stack's queue on ``broker``, as beat does."""
        with app.connection_for_write(broker) as connection:
            task.apply_async(connection=connection, queue=self.queue)

    def stop(self) -> None:
        running = [process for process in self.processes if not process.log.closed]
        # Neither waits for what it was doing: gunicorn's quick shutdown, and
        # a worker killed (on RabbitMQ it takes 10 s and more to stop warm);
        # what a worker leaves unacknowledged is on this stack's own queue.
        for process in running:
            if isinstance(process, WebServer):
                process.popen.send_signal(signal.SIGQUIT)
            else:
                for child in process.children():
                    os.kill(child, signal.SIGKILL)
                process.kill()
        for process in running:
            if not process.log.closed:
                process.stop()


@pytest.fixture
def stack(transactional_db):
    """Start processes with ``.web()`` and ``.worker()``; they stop after the
    test. They see only what is committed: hence ``transactional_db``."""
    processes = Stack()
    yield processes
    processes.stop()


@pytest.fixture
def register(registration):
    """POST /api/v1/register to a live server; the captcha solved in the
    database it shares with this process. Returns the response."""

    def post(server: WebServer, name: str, *, timeout: float = 15):
        body = registration(username=name, email=f"{name}@example.cn")
        return server.session().post(
            f"{server.url}/api/v1/register", json=body, timeout=timeout
        )

    return post


def rabbitmqctl(*arguments: str) -> None:
    subprocess.run(
        ["rabbitmqctl", *arguments], check=True, capture_output=True, timeout=30
    )


@pytest.fixture
def rabbitmq():
    """The broker URL of a private vhost on this machine's RabbitMQ, removed
    after the test: what the test's workers declare disturbs nobody."""
    vhost = f"haima-faults-{uuid.uuid4().hex[:8]}"
    try:
        rabbitmqctl("add_vhost", vhost)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"no private RabbitMQ vhost: {error}")
    try:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield f"{RABBITMQ}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """A private PostgreSQL cluster with the schema migrated into ``haima``,
    for the session: tests may restart it, and must leave it running."""
    if not shutil.which("initdb") or os.geteuid() != 0:
        pytest.skip("a private PostgreSQL needs initdb, and root to run it as postgres")
    cluster = PostgresCluster("faults-postgres")
    try:
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE haima")
        env = service_environment(DATABASE_URL=cluster.url("haima"))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            env=env,
            check=True,
            timeout=120,
        )
        yield cluster
    finally:
        cluster.remove()


def wait_until(condition, what: str, timeout: float = 20, *, process=None) -> None:
    """wait_for, showing ``process``'s last output when it gives up."""
    try:
        wait_for(condition, timeout, what)
    except TimeoutError as error:
        tail = process.output()[-3000:] if process is not None else ""
        raise TimeoutError(f"{error}\n{tail}") from None


def task_results(worker, task: str) -> list[str]:
    """What each run of ``task`` (its short name) in ``worker`` returned, in
    order, as the worker logged it."""
    pattern = rf"Task haima\.\w+\.tasks\.{task}\[[-0-9a-f]+\] succeeded in \S+: (.*)"
    return re.findall(pattern, worker.output())
