"""The README's production block, run as written, serves a registration.

Its commands are read from the README (so the two cannot drift) and run on
a new PostgreSQL database, this run's Redis db and the real SMTP server:
migrate, createcachetable, collectstatic, then gunicorn, a Celery worker
and beat. A customer then signs up, activates by the emailed link, signs
in and reads ``/api/v1/me``, as through a proxy that terminates HTTPS; the
probes answer, a static file is served, and every log line is JSON, the
access log's without a query string or a link's token.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import uuid
from http import HTTPStatus
from pathlib import Path

import psycopg
import pytest
import requests

from tests.harness import POSTGRES_URL
from tests.helpers import STRONG_PASSWORD, activation_link, free_port, wait_for
from tests.processes import BASE_DIR, Process

pytestmark = pytest.mark.services

LONG_RUNNING = ("gunicorn", "celery")
QUERY_SECRET = "fake-secret-in-a-query-7f3a9c"
EMAIL = "readme@example.cn"  # this test's mail, among what others may send
READY = {"gunicorn": "Booting worker", "worker": " ready.", "beat": "Starting..."}


def production_block() -> list[str]:
    """The lines of the README's first code block under "## Production"."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("\n## Production\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return block.strip().splitlines()


def commands(lines: list[str]) -> tuple[dict[str, str], list[list[str]]]:
    """The exported variables and each command's arguments, in order."""
    export, *rest = lines
    names = dict(word.split("=", 1) for word in shlex.split(export)[1:])
    run = []
    for line in rest:
        for command in line.split("&&"):
            run.append(shlex.split(command, comments=True))
    return names, run


def executable(arguments: list[str], port: int) -> list[str]:
    """``arguments`` as this machine runs them: this virtualenv's programs,
    and the web server on a free port."""
    program, *rest = arguments
    program = (
        sys.executable
        if program == "python"
        else str(Path(sys.executable).parent / program)
    )
    return [program, *(a.replace(":8000", f":{port}") for a in rest)]


@pytest.fixture
def database():
    """A new, empty PostgreSQL database; its URL. Dropped afterwards."""
    name = f"haima_readme_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES_URL}/{name}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_the_readme_production_block_serves_a_registration(
    database, smtp_server, tmp_path
):
    exported, to_run = commands(production_block())
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database,
        "REDIS_URL": os.environ["REDIS_URL"],  # this run's own db
        "EMAIL_URL": smtp_server.url,
        "SITE_URL": site,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    assert {name for name, value in exported.items() if value == "…"} == set(values)
    env = {
        **os.environ,
        **exported,
        **values,
        # Not the README's: a data dir and a queue of this test's own (the
        # session's worker listens on this Redis too), plain-HTTP cookies
        # for this client (the proxy's X-Forwarded-Proto spares the redirect).
        "DATA_DIR": str(tmp_path),
        "CELERY_QUEUE": f"haima-readme-{uuid.uuid4().hex[:8]}",
        "SECURE_COOKIES": "false",
        "WEB_CONCURRENCY": "1",  # one customer; a worker a core is for traffic
    }
    smtp_server.clear()
    processes = []
    try:
        for arguments in to_run:
            command = executable(arguments, port)
            if arguments[0] in LONG_RUNNING:
                name = next(word for word in arguments if word in READY)
                processes.append((name, Process(f"readme-{name}", command, env)))
            else:
                done = subprocess.run(
                    command, cwd=BASE_DIR, env=env, capture_output=True, text=True
                )
                assert done.returncode == 0, (arguments, done.stderr)
        assert [name for name, _ in processes] == ["gunicorn", "worker", "beat"]
        for name, process in processes:
            process.wait_for_output(READY[name])
        link = walk_a_registration(site, database, smtp_server)
    finally:
        for _, process in processes:
            process.popen.terminate()  # all at once: each takes a while to stop
        for _, process in processes:
            process.stop()

    for name, process in processes:
        lines = process.output().splitlines()
        if name == "gunicorn":
            records = [json.loads(line) for line in lines]  # every line
        else:  # Celery warns a root user before logging is set up
            records = [json.loads(line) for line in lines if line.startswith("{")]
        assert records and all(
            {"timestamp", "level", "logger", "message"} <= set(r) for r in records
        )
    web_log, worker_log = (process.output() for _, process in processes[:2])
    assert web_log.count("Booting worker") == 1
    assert "haima.mail.tasks.deliver_email" in worker_log and "succeeded" in worker_log
    # The access log names routes: no query string, no token of a link.
    assert " GET /user/active/(?P<token>[^/]+)/?$ 200 " in web_log
    assert " GET /api/v1/csrf 200 " in web_log
    token = link.rstrip("/").rsplit("/", 1)[-1]
    for secret in (QUERY_SECRET, token, token.split(":")[0], STRONG_PASSWORD):
        assert secret not in web_log + worker_log, secret


def walk_a_registration(site: str, database: str, mailbox) -> str:
    """Sign up, activate, sign in; return the activation link."""
    # Plain HTTP without the proxy's header is sent to HTTPS; not the probes.
    plain = requests.Session()
    assert plain.get(f"{site}/", allow_redirects=False).status_code == 301
    for probe in ("/healthz", "/readyz"):
        answer = plain.get(site + probe, allow_redirects=False)
        assert answer.status_code == HTTPStatus.OK, answer.text
    assert plain.get(f"{site}/readyz").json()["checks"]["broker"] == "ok"

    browser = requests.Session()
    browser.headers.update(
        {"X-Forwarded-Proto": "https", "Referer": site.replace("http:", "https:")}
    )

    def csrf() -> dict:
        # With a query string, which the access log must not show.
        answer = browser.get(f"{site}/api/v1/csrf", params={"next": QUERY_SECRET})
        return {"X-CSRFToken": answer.json()["data"]["csrf_token"]}

    key = browser.get(f"{site}/api/v1/captcha").json()["data"]["key"]
    with psycopg.connect(database) as connection:
        [answer] = connection.execute(
            "SELECT response FROM captcha_captchastore WHERE hashkey = %s", [key]
        ).fetchone()
    registered = browser.post(
        f"{site}/api/v1/register",
        json={
            "username": "xiaoming",
            "email": EMAIL,
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "agree": True,
            "captcha_key": key,
            "captcha_answer": answer,
        },
        headers=csrf(),
    )
    assert registered.status_code == HTTPStatus.CREATED, registered.text

    def mine() -> list:
        return [message for message in mailbox.messages if message["To"] == EMAIL]

    wait_for(lambda: bool(mine()), 20, "the activation mail")
    [message] = mine()
    link = activation_link(message.get_body(("plain",)).get_content())
    assert link.startswith(site)
    page = browser.get(link)
    assert page.status_code == HTTPStatus.OK and "xiaoming" in page.text
    activated = browser.post(link, headers=csrf(), allow_redirects=False)
    assert activated.status_code == HTTPStatus.FOUND, activated.text

    signed_in = browser.post(
        f"{site}/api/v1/login",
        json={"login": "xiaoming", "password": STRONG_PASSWORD, "remember": False},
        headers=csrf(),
    )
    assert signed_in.status_code == HTTPStatus.OK, signed_in.text
    me = browser.get(f"{site}/api/v1/me").json()["data"]["user"]
    assert (me["username"], me["is_active"]) == ("xiaoming", True)

    # whitenoise serves the collected, content-hashed file for a year.
    stylesheet = re.search(
        r'href="(/static/haima/css/site\.[0-9a-f]+\.css)"', page.text
    )
    served = browser.get(site + stylesheet.group(1))
    assert served.status_code == HTTPStatus.OK
    assert "immutable" in served.headers["Cache-Control"]
    return link


def test_the_readme_tunes_malloc_as_the_web_unit_does():
    exported, _ = commands(production_block())
    unit = (BASE_DIR / "deploy" / "systemd" / "haima-web.service").read_text()
    assert f"\nEnvironment=GLIBC_TUNABLES={exported['GLIBC_TUNABLES']}\n" in unit
