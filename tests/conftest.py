"""Fixtures on real parts: an SMTP server, a Celery worker, a browser."""

import threading
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from captcha.models import CaptchaStore
from django.test import Client
from django.utils import timezone

from config.celery import app
from haima.captchas.services import captcha_issue
from tests.factories import user_create
from tests.harness import OUTPUT_DIR
from tests.helpers import STRONG_PASSWORD, free_port, wait_for
from tests.processes import service_environment, start_celery_worker

CHROMIUM = "/usr/bin/chromium"


class Mailbox:
    """What a real SMTP server (aiosmtpd) on a free loopback port received."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.host = "127.0.0.1"
        self.port = free_port()
        self.url = f"smtp://{self.host}:{self.port}"
        # While true, every message is refused with a temporary error.
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mail server temporarily unavailable"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.refusing = False
        with self.lock:
            self.messages.clear()

    def wait_for(self, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        wait_for(lambda: len(self.messages) >= count, timeout, "mail to arrive")
        with self.lock:
            return list(self.messages)


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings):
    """Send this test's mail, in-process too, through the real SMTP server."""
    smtp_server.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


@pytest.fixture
def mail_delivery(request, mailbox):
    """Mail reaches the real SMTP server: through the Celery worker with
    services, in-process after the response when embedded. Tests that use
    it need ``transaction=True``: the worker sees only what is committed."""
    if not request.config.getoption("embedded"):
        request.getfixturevalue("celery_worker")
    return mailbox


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, smtp_server):
    """A real Celery worker process on this run's Redis and test database.

    Tests that use it need ``transactional_db``: the worker sees only what is
    committed.
    """
    with django_db_blocker.unblock():
        env = service_environment(EMAIL_URL=smtp_server.url)
    worker = start_celery_worker("celery-worker", env)
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page that asks for Chinese, as most customers do."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1024, "height": 700}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request, page):
    """Save the page as PNG under the run's output folder; return its path."""

    def take(label: str = "") -> Path:
        folder = OUTPUT_DIR / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{request.node.name}{'-' + label if label else ''}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def api_client():
    """A client that checks CSRF like a browser, and sends the token it got."""
    return ApiClient()


class ApiClient(Client):
    def __init__(self):
        super().__init__(enforce_csrf_checks=True, raise_request_exception=False)

    def csrf_token(self) -> str:
        return self.get("/api/v1/csrf").json()["data"]["csrf_token"]

    def post_json(self, path: str, data=None, **extra):
        extra.setdefault("HTTP_X_CSRFTOKEN", self.csrf_token())
        return self.post(path, data or {}, content_type="application/json", **extra)


class Captchas:
    """Issue captchas and read their answers, as only the server can."""

    def issue(self) -> str:
        return captcha_issue().key

    def answer(self, key: str) -> str:
        return CaptchaStore.objects.get(hashkey=key).response

    def solved(self) -> tuple[str, str]:
        key = self.issue()
        return key, self.answer(key)

    def is_live(self, key: str) -> bool:
        return CaptchaStore.objects.filter(hashkey=key).exists()

    def expire(self, key: str) -> None:
        CaptchaStore.objects.filter(hashkey=key).update(
            expiration=timezone.now() - timedelta(seconds=1)
        )


@pytest.fixture
def captchas(db):
    return Captchas()


@pytest.fixture(autouse=True)
def _outside_any_request():
    """Start every test outside a request, as far as task dispatch knows.

    A WSGI test transport that never closes its response (schemathesis's)
    never sends request_finished, which would leave this thread "inside a
    request" and later in-process tasks waiting for its end.
    """
    from haima.core import dispatch

    dispatch._after_response.set(None)


@pytest.fixture(autouse=True)
def _empty_caches(django_db_blocker):
    """Start every test with no counters, codes or sessions left in a cache."""
    from django.core.cache import caches

    with django_db_blocker.unblock():
        for cache in caches.all(initialized_only=False):
            if hasattr(cache, "delete_pattern"):  # django-redis: this run's keys only
                cache.delete_pattern("*")
            else:
                cache.clear()


@pytest.fixture
def in_process(monkeypatch):
    """Run tasks in this process, as with no broker, even on a services run.

    Inside a request the task runs once the response is sent; outside one,
    at once (haima.core.dispatch).
    """
    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def user(db):
    """xiaoming, an active customer signing in with STRONG_PASSWORD."""
    return user_create()


@pytest.fixture
def registration(captchas):
    """A valid registration body; override fields per test."""

    def make(**overrides) -> dict:
        key, answer = captchas.solved()
        return {
            "username": "xiaoming",
            "email": "ming@example.cn",
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "agree": True,
            "captcha_key": key,
            "captcha_answer": answer,
            **overrides,
        }

    return make
