"""SMS fixtures: a local Dysmsapi, an outbox in memory, codes sent for real,
and a web server with a Celery worker texting into a file."""

import json
import time
import uuid
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.utils import timezone

from haima.accounts.phones import mask_phone
from haima.core.context import RequestContext
from haima.core.ratelimit import ratelimit_clear
from haima.sms.backends import locmem
from haima.sms.delivery import _fernet, seal
from haima.sms.models import SmsSend
from haima.sms.services import sms_code_send
from tests.helpers import STRONG_PASSWORD, wait_for
from tests.processes import WebServer, service_environment, start_celery_worker

from .dysmsapi_server import DysmsapiServer

ACCESS_KEY_ID = "haima-test-access-key-id"
ACCESS_KEY_SECRET = "haima-test-secret-9f8e7d6c5b4a"
SIGN_NAME = "海马生鲜"
TEMPLATE_CODE = "SMS_000001"

PHONE = "+8613800138000"  # E.164, as stored
NATIONAL = "13800138000"  # as most people type it
MASKED = "138****8000"
OTHER_PHONE = "+8613900139000"
LOCMEM_BACKEND = "haima.sms.backends.locmem.SmsBackend"
CLIENT_IP = "127.0.0.1"  # the Django test client's REMOTE_ADDR


@pytest.fixture
def dysmsapi(settings, monkeypatch):
    """A running DysmsapiServer, and the aliyun backend's settings aimed at it."""
    # The SDK takes a proxy from the environment and ignores NO_PROXY.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = DysmsapiServer(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    server.start()
    settings.ALIYUN_SMS_ENDPOINT = server.url
    settings.ALIYUN_ACCESS_KEY_ID = ACCESS_KEY_ID
    settings.ALIYUN_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET
    settings.ALIYUN_SMS_SIGN_NAME = SIGN_NAME
    settings.ALIYUN_SMS_TEMPLATE_CODE = TEMPLATE_CODE
    yield server
    server.stop()


@pytest.fixture
def sms_outbox(settings, in_process):
    """Messages the locmem backend took, in order (``SmsMessage``)."""
    settings.SMS_BACKEND = LOCMEM_BACKEND
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


@pytest.fixture
def sent_code(sms_outbox, captchas):
    """Send a code through the service, as sms/send does; return the code."""

    def send(phone: str = PHONE, purpose: str = "login", *, ip: str = CLIENT_IP):
        before = len(sms_outbox)
        key, answer = captchas.solved()
        sms_code_send(
            phone=phone,
            purpose=purpose,
            context=RequestContext(ip=ip),
            captcha_key=key,
            captcha_answer=answer,
        )
        [message] = sms_outbox[before:]
        assert message.purpose == purpose
        return message.code

    return send


@pytest.fixture
def request_code(api_client, captchas, in_process):
    """POST sms/send with a solved captcha; ``meta`` adds request headers."""

    def post(phone: str = NATIONAL, purpose: str = "login", *, client=None, **meta):
        key, answer = captchas.solved()
        body = {
            "phone": phone,
            "purpose": purpose,
            "captcha_key": key,
            "captcha_answer": answer,
        }
        return (client or api_client).post_json("/api/v1/sms/send", body, **meta)

    return post


@pytest.fixture
def aliyun(settings, dysmsapi, in_process):
    """Send with the aliyun backend, through the SDK, to the local Dysmsapi."""
    settings.SMS_BACKEND = "haima.sms.backends.aliyun.SmsBackend"
    return dysmsapi


@pytest.fixture
def queued_send(db, settings):
    """Make an SmsSend row waiting for its task, and the task's sealed argument.

    ``expires_in`` moves the row's expiry; ``sealed_ago`` seals as if that
    many seconds ago (Fernet's time), as a task that waited in the queue.
    """

    def make(code: str = "123456", *, expires_in=None, sealed_ago: int = 0):
        ttl = settings.SMS_CODE_TTL if expires_in is None else expires_in
        send = SmsSend.objects.create(
            phone_masked=mask_phone(PHONE),
            purpose=SmsSend.Purpose.LOGIN,
            expires_at=timezone.now() + timedelta(seconds=ttl),
        )
        sealed = seal(phone=PHONE, code=code)
        if sealed_ago:
            fernet = _fernet()
            then = int(time.time()) - sealed_ago
            sealed = fernet.encrypt_at_time(fernet.decrypt(sealed), then).decode()
        return send, sealed

    return make


def cooldown_ends(phone: str = PHONE) -> None:
    """The clock moves past the phone's resend cooldown."""
    ratelimit_clear({"sms_phone_cooldown": phone})


def envelope_data(response, status: int):
    """Check the envelope's status, type, code and message; return its data."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    return body["data"]


def assert_envelope(response, status: int, *, data=None) -> None:
    assert envelope_data(response, status) == data


def field_errors(response) -> list[str]:
    """The fields a 400 envelope's ``data.errors`` names."""
    return list(envelope_data(response, HTTPStatus.BAD_REQUEST)["errors"])


def assert_refused(response, status: int, *, retry_max: int, reason=None) -> int:
    """A 429/503 envelope with Retry-After equal to data.retry_after; return it."""
    retry_after = response.json()["data"]["retry_after"]
    data = {"retry_after": retry_after, **({"reason": reason} if reason else {})}
    assert_envelope(response, status, data=data)
    assert int(response["Retry-After"]) == retry_after
    assert 0 < retry_after <= retry_max
    return retry_after


def assert_code_rejected(response, reason: str) -> None:
    """400 with ``data.reason`` and the message on the code field."""
    assert field_errors(response) == ["code"]
    assert response.json()["data"]["reason"] == reason


class SmsStack:
    """Web servers (gunicorn) and a Celery worker of one test, on this run's
    PostgreSQL and Redis, texting with the file backend into ``outbox_path``.

    They share a queue of their own, so the session's ``celery_worker``
    (console backend) never takes their tasks.
    """

    def __init__(self, folder: Path):
        self.tag = uuid.uuid4().hex[:8]
        self.outbox_path = folder / "sms.jsonl"
        self.queue = f"haima-sms-{self.tag}"
        self.processes = []

    def environment(self, **overrides) -> dict[str, str]:
        return service_environment(
            SMS_BACKEND="file",
            SMS_FILE_PATH=str(self.outbox_path),
            CELERY_QUEUE=self.queue,
            **overrides,
        )

    def web(self, name: str = "web", **overrides) -> WebServer:
        server = WebServer(f"sms-{name}-{self.tag}", self.environment(**overrides))
        self.processes.append(server)
        return server

    def worker(self, name: str = "worker"):
        worker = start_celery_worker(f"sms-{name}-{self.tag}", self.environment())
        self.processes.append(worker)
        return worker

    def outbox(self, count: int = 1, timeout: float = 20) -> list[dict]:
        """The outbox's messages, once there are ``count``."""

        def lines() -> list[str]:
            if not self.outbox_path.exists():
                return []
            return self.outbox_path.read_text().splitlines()

        wait_for(lambda: len(lines()) >= count, timeout, "SMS in the file outbox")
        return [json.loads(line) for line in lines()]

    def logs(self) -> str:
        return "".join(process.output() for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            if not process.log.closed:  # not stopped by the test already
                process.stop()


@pytest.fixture
def sms_stack(tmp_path, transactional_db):
    """Start processes with ``.web()`` and ``.worker()``; they stop after the test.

    The processes see only what is committed: hence ``transactional_db``.
    """
    stack = SmsStack(tmp_path)
    yield stack
    stack.stop()


@pytest.fixture
def signed_in(api_client, user):
    """``user`` (xiaoming), signed in on ``api_client`` by password."""
    body = {"login": user.username, "password": STRONG_PASSWORD}
    response = api_client.post_json("/api/v1/login", body)
    assert response.status_code == HTTPStatus.OK, response.content
    return user
