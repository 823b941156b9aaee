"""The SMS provider (the Aliyun stand-in) throttling, failing and hanging.

The code goes in through the API; the task that a worker would run is run
here by Celery's ``apply``, its retries at once (no backoff waited), through
the real SDK over HTTP to the stand-in.
"""

import logging
from http import HTTPStatus

import pytest

from config.celery import app
from haima.audit.models import AccountEvent
from haima.sms.backends import aliyun as aliyun_backend
from haima.sms.models import SmsSend
from haima.sms.tasks import RETRY_BACKOFF, deliver_sms
from tests.sms.conftest import NATIONAL, PHONE
from tests.sms.dysmsapi_server import Answer

pytestmark = pytest.mark.django_db

READ_TIMEOUT = 1  # seconds: the SDK's, shortened so that a stall costs little
Kind = AccountEvent.Kind


@pytest.fixture
def queued(aliyun, api_client, captchas, monkeypatch, caplog):
    """POST sms/send; return the task it published, with its arguments.

    Every log record from then on is kept in ``caplog``.
    """
    published = []
    monkeypatch.setattr(
        "haima.sms.services.task_publish",
        lambda task, *args: published.append((task, args)) or True,
    )
    monkeypatch.setattr(aliyun_backend, "READ_TIMEOUT_MS", READ_TIMEOUT * 1000)
    # Let ``apply`` run a task's retries in turn (see tests/sms/test_delivery).
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    caplog.set_level(logging.DEBUG)
    key, answer = captchas.solved()
    body = {"phone": NATIONAL, "purpose": "login"}
    response = api_client.post_json(
        "/api/v1/sms/send", {**body, "captcha_key": key, "captcha_answer": answer}
    )
    assert response.status_code == HTTPStatus.OK, response.content
    [(task, args)] = published
    assert task is deliver_sms
    return args


def texted(aliyun) -> list[str]:
    """The codes the provider took (answered OK)."""
    return [
        call.template_param["code"]
        for call in aliyun.requests
        if call.answer.body["Code"] == "OK"
    ]


def sms_events() -> list[str]:
    return list(
        AccountEvent.objects.filter(kind__in=[Kind.SMS_SENT, Kind.SMS_FAILED])
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_through_throttling_errors_and_a_stall_the_code_is_texted_once(
    aliyun, queued, api_client, caplog
):
    aliyun.answer_next(
        Answer.throttling(),
        Answer.failure(503),
        Answer.stall(READ_TIMEOUT + 1),
        Answer.ok(),
    )

    assert deliver_sms.apply(queued).get() is True

    assert len(aliyun.requests) == 4
    [code] = texted(aliyun)
    send = SmsSend.objects.get()
    assert (send.status, send.attempts, send.provider_code) == ("sent", 4, "OK")
    assert send.request_id == aliyun.requests[-1].request_id
    assert sms_events() == [Kind.SMS_SENT]
    # Each failure was logged as a retry, with what the provider said.
    retries = [r.getMessage() for r in caplog.records if "Retry in" in r.getMessage()]
    assert len(retries) == 3
    assert "user flow control" in retries[0] and "Please retry" in retries[1]
    assert "network error or timeout" in retries[2]
    for secret in (code, NATIONAL, PHONE):
        assert secret not in caplog.text
    login = api_client.post_json("/api/v1/sms/login", {"phone": PHONE, "code": code})
    assert login.status_code == HTTPStatus.OK


@pytest.fixture
def short_lived_codes(settings):
    settings.SMS_CODE_TTL = 20  # between the third backoff (15 s) and the fourth


def test_retries_stop_before_the_code_expires(
    short_lived_codes, aliyun, queued, caplog
):
    aliyun.answer_next(*[Answer.failure(503)] * 10)

    assert deliver_sms.apply(queued).get() is False

    # The first try, then after 2, 5 and 15 s; not after 30 s, past its life.
    assert RETRY_BACKOFF[:4] == (2, 5, 15, 30)
    assert len(aliyun.requests) == 4 < 1 + deliver_sms.max_retries
    assert texted(aliyun) == []
    send = SmsSend.objects.get()
    assert (send.status, send.attempts) == ("failed", 4)
    assert sms_events() == [Kind.SMS_FAILED]
    assert "not sent" in caplog.text and "138****8000" in caplog.text
    code = aliyun.requests[0].template_param["code"]
    for secret in (code, NATIONAL, PHONE):
        assert secret not in caplog.text
