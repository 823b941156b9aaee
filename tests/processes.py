"""Child processes that share the run's services: workers, web servers, and
private stores (Redis, PostgreSQL) that a test may stop and start again."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from django.db import connection

from tests.harness import log_file
from tests.helpers import free_port, wait_for

BASE_DIR = Path(__file__).resolve().parent.parent
# gunicorn.conf.py's access_log_format: address, method, route, then status.
ACCESS_STATUS = re.compile(r"gunicorn\.access: \S+ \S+ \S+ (\d{3}) ")


def service_environment(**overrides) -> dict[str, str]:
    """The environment of a process that must share this run's services."""
    env = dict(os.environ)
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    env.update(overrides)
    return env


class Process:
    """A child process whose output goes to a log file under the run's output."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.log_path = log_file(name)
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.popen.poll() is not None:
                raise RuntimeError(f"process ended early:\n{self.output()}")
            return text in self.output()

        wait_for(ready, timeout, repr(text))

    def children(self) -> list[int]:
        """The process ids of this process's children, while it runs."""
        if self.popen.poll() is not None:
            return []
        tasks = Path(f"/proc/{self.popen.pid}/task")
        return [
            int(pid)
            for task in tasks.iterdir()
            for pid in (task / "children").read_text().split()
        ]

    def kill(self) -> None:
        """SIGKILL, as the OOM killer does: no shutdown, nothing handed back."""
        self.popen.kill()
        self.popen.wait()
        self.log.close()

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.log.close()


def start_celery_worker(name: str, env: dict[str, str], pool="solo") -> Process:
    """Start ``celery -A config worker`` (with the test-only tasks), ready.

    One task at a time: in the worker's own process (``solo``), or in one
    child process (``prefork``, production's default).
    """
    worker = Process(
        name,
        [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}",
         "--concurrency=1", "--loglevel=INFO", "--include=tests.worker_tasks",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        env,
    )  # fmt: skip
    worker.wait_for_output(" ready.")
    return worker


class WebServer(Process):
    """gunicorn serving config.wsgi on a free loopback port.

    ``options``: more command-line options (``--config=gunicorn.conf.py``).
    """

    def __init__(self, name: str, env: dict[str, str], workers: int = 1, options=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            name,
            [sys.executable, "-m", "gunicorn", "config.wsgi",
             f"--bind=127.0.0.1:{self.port}", f"--workers={workers}",
             "--access-logfile=-", *options],
            env,
        )  # fmt: skip
        self.wait_for_output("Booting worker")

    def answered(self) -> Counter:
        """How many answers of each status its access log shows."""
        return Counter(int(status) for status in ACCESS_STATUS.findall(self.output()))

    def session(self):
        """A requests session holding this server's CSRF token."""
        import requests

        session = requests.Session()
        token = session.get(f"{self.url}/api/v1/csrf").json()["data"]["csrf_token"]
        session.headers.update({"X-CSRFToken": token, "Referer": self.url})
        return session


class RedisServer:
    """A private redis-server on a free loopback port, without persistence.

    For tests that stop Redis: the machine's own serves others. ``stop`` and
    ``start`` keep the port, as a restarted Redis does; a restart empties it.
    """

    def __init__(self, name: str):
        self.name = name
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.starts = 0
        self.start()

    def start(self) -> None:
        self.starts += 1
        self.process = Process(
            f"{self.name}-{self.starts}",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no"],
            dict(os.environ),
        )  # fmt: skip
        self.process.wait_for_output("Ready to accept connections")

    def stop(self) -> None:
        if not self.process.log.closed:
            self.process.stop()


class PostgresCluster:
    """A private PostgreSQL cluster (initdb) on a free loopback port.

    initdb and pg_ctl refuse to run as root: they run as ``postgres`` in a
    folder it owns, which also holds the socket and the server's log.
    ``restart`` and ``stop``/``start`` keep the port.
    """

    def __init__(self, name: str):
        self.name = name
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix=f"haima-{name}-"))
        shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self._run("initdb", "-D", str(self.data), "--auth=trust",
                  "--username=postgres", "--encoding=UTF8", "--no-sync")  # fmt: skip
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "--mode=fast")

    def restart(self) -> None:
        self._pg_ctl("restart", "--mode=fast")

    def output(self) -> str:
        return self.log_path.read_text()

    def remove(self) -> None:
        """Stop it, keep its log with the run's output, delete its files."""
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.copyfile(self.log_path, log_file(self.name))
        shutil.rmtree(self.folder)

    def _pg_ctl(self, action: str, *options: str) -> None:
        server = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", action, "-D", str(self.data), f"--log={self.log_path}",
                  "--wait", f"--options={server} -c fsync=off", *options)  # fmt: skip

    def _run(self, *command: str) -> None:
        # The server started by pg_ctl keeps no handle on our pipes (--log).
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            cwd=self.folder,
            check=True,
            capture_output=True,
            timeout=60,
        )
