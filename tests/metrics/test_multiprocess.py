"""gunicorn's workers keep their own counts; /metrics adds them up.

gunicorn runs with gunicorn.conf.py and PROMETHEUS_MULTIPROC_DIR, as in
production. The requests go to GET /api/v1/csrf, which touches no database
or Redis, so the server needs none of this run's (the embedded run's test
database is in this process's memory).
"""

import os
import re
import signal
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path

import pytest
import requests

from tests.helpers import wait_for
from tests.metrics.scraping import Scrape
from tests.processes import WebServer

pytestmark = pytest.mark.django_db

WORKERS = 2
ROUND = 8  # concurrent requests: a busy worker leaves the next to the other
MAX_REQUESTS = 400


def worker_pids(folder: Path) -> set[int]:
    """The processes that wrote a histogram value: those that served."""
    names = (re.fullmatch(r"histogram_(\d+)\.db", p.name) for p in folder.iterdir())
    return {int(name.group(1)) for name in names if name}


def parent_of(pid: int) -> int:
    # /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces.
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def served(server: WebServer) -> float:
    """GET /api/v1/csrf's count in a scrape of ``server``'s /metrics."""
    response = requests.get(f"{server.url}/metrics", timeout=10)
    assert response.status_code == HTTPStatus.OK
    return Scrape(response.text).value(
        "haima_http_request_duration_seconds_count",
        method="GET",
        route="/api/v1/csrf",
        status="200",
    )


def booted(server: WebServer) -> int:
    return server.output().count("Booting worker")


def test_two_workers_counts_add_up_in_one_scrape(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    server = WebServer(
        "web-metrics", env, workers=WORKERS, options=["--config=gunicorn.conf.py"]
    )
    url = f"{server.url}/api/v1/csrf"
    try:
        sent = 0
        with ThreadPoolExecutor(ROUND) as pool:
            while len(worker_pids(folder)) < WORKERS:
                assert sent < MAX_REQUESTS, "one worker served every request"
                answers = list(
                    pool.map(lambda _: requests.get(url, timeout=10), range(ROUND))
                )
                assert {answer.status_code for answer in answers} == {HTTPStatus.OK}
                sent += ROUND
        served_by = worker_pids(folder)
        assert {parent_of(pid) for pid in served_by} == {server.popen.pid}

        assert served(server) == sent

        # A worker that exits (gunicorn starts another) leaves its counts in.
        gone = served_by.pop()
        os.kill(gone, signal.SIGTERM)
        wait_for(lambda: booted(server) > WORKERS, 10, "a new worker")
        assert served(server) == sent
        assert "Traceback" not in server.output()
    finally:
        server.stop()
