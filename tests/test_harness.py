"""The fixtures work on real parts: SMTP, the Celery worker, the browser."""

import os
import subprocess
import sys

import pytest
from django.core.mail import send_mail

from tests.worker_tasks import send_probe_mail


@pytest.mark.django_db
def test_mail_goes_through_the_real_smtp_server(mailbox):
    send_mail("你好", "正文", "海马生鲜 <noreply@localhost>", ["ming@x.cn"])
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "你好"
    assert message["To"] == "ming@x.cn"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_task_runs_in_the_celery_worker_process(celery_worker, smtp_server):
    smtp_server.clear()
    send_probe_mail.delay("worker@x.cn", "from the worker")
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "from the worker"
    assert "send_probe_mail" in celery_worker.output()


@pytest.mark.django_db(transaction=True)
def test_browser_loads_the_index(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator(".brand").inner_text() == "海马生鲜"
    assert screenshot("index").stat().st_size > 0


@pytest.mark.services
@pytest.mark.parametrize(
    ("variable", "url", "service", "how"),
    [
        ("TEST_REDIS_URL", "redis://127.0.0.1:1", "Redis", "redis-server"),
        ("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:1", "PostgreSQL",
         "pg_ctlcluster"),
    ],
)  # fmt: skip
def test_an_unreachable_service_stops_the_run_saying_how_to_start_it(
    variable, url, service, how
):
    env = {**os.environ, variable: url}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_pages.py"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"{service} is not reachable at {url}" in result.stderr
    assert how in result.stderr
    assert "collected" not in result.stdout
