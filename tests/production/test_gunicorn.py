"""gunicorn.conf.py's workers (its logs: tests/production/test_readme_production.py)."""

import multiprocessing
import runpy

from tests.processes import BASE_DIR


def workers(monkeypatch, **environment) -> int:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["workers"]


def test_one_worker_per_core_unless_web_concurrency_says(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert workers(monkeypatch) == multiprocessing.cpu_count()
    assert workers(monkeypatch, WEB_CONCURRENCY="3") == 3
