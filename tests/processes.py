"""Child processes that share the run's services: workers, web servers."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from tests.harness import OUTPUT_DIR
from tests.helpers import wait_for

BASE_DIR = Path(__file__).resolve().parent.parent


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
        self.log_path = OUTPUT_DIR / f"{name}.log"
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

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.log.close()


def start_celery_worker(name: str, env: dict[str, str]) -> Process:
    """Start ``celery -A config worker`` (with the test-only tasks), ready."""
    worker = Process(
        name,
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=INFO", "--include=tests.worker_tasks", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        env,
    )  # fmt: skip
    worker.wait_for_output(" ready.")
    return worker


class WebServer(Process):
    """gunicorn serving config.wsgi on a free loopback port.

    ``options``: more command-line options (``--config=gunicorn.conf.py``).
    """

    def __init__(self, name: str, env: dict[str, str], workers: int = 1, options=()):
        from tests.helpers import free_port

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

    def session(self):
        """A requests session holding this server's CSRF token."""
        import requests

        session = requests.Session()
        token = session.get(f"{self.url}/api/v1/csrf").json()["data"]["csrf_token"]
        session.headers.update({"X-CSRFToken": token, "Referer": self.url})
        return session
