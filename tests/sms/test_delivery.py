"""Delivery (haima.sms.delivery, tasks): the provider's answer, retries, expiry."""

import logging
import re
from http import HTTPStatus

import pytest

from config.celery import app
from haima.sms import SmsUnavailable
from haima.sms.delivery import sms_deliver
from haima.sms.models import SmsSend
from haima.sms.tasks import RETRY_BACKOFF, deliver_sms
from tests.helpers import wait_for

from .conftest import (
    MASKED,
    NATIONAL,
    PHONE,
    assert_refused,
    cooldown_ends,
)
from .dysmsapi_server import Answer

pytestmark = pytest.mark.django_db

SENT, FAILED, QUEUED = SmsSend.Status.SENT, SmsSend.Status.FAILED, SmsSend.Status.QUEUED


@pytest.fixture
def retries_at_once(monkeypatch):
    """Let Celery's ``apply`` run a task's retries in turn, at once.

    With eager exceptions propagated (the test settings), a retry inside a
    retry raises Retry instead of running.
    """
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def delivery_errors(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "haima.sms.delivery" and record.levelno == logging.ERROR
    ]


def test_the_provider_takes_the_code_and_the_row_keeps_its_answer(
    aliyun, request_code, api_client
):
    assert request_code().status_code == HTTPStatus.OK

    [call] = aliyun.requests
    assert call.params["PhoneNumbers"] == NATIONAL
    code = call.template_param["code"]
    assert call.template_param == {"code": code}
    send = SmsSend.objects.get()
    assert (send.status, send.attempts, send.provider_code) == (SENT, 1, "OK")
    assert send.biz_id == call.answer.body["BizId"]
    assert send.request_id == call.request_id
    # What the provider texted is the code that signs in.
    login = api_client.post_json("/api/v1/sms/login", {"phone": PHONE, "code": code})
    assert login.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
        ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"),
    ],
)
def test_a_business_error_with_http_200_fails_the_row_and_is_logged(
    aliyun, request_code, caplog, code, message
):
    aliyun.answer_next(Answer.refusal(code, message))
    with caplog.at_level(logging.INFO):
        request_code()

    [call] = aliyun.requests
    send = SmsSend.objects.get()
    assert (send.status, send.provider_code) == (FAILED, code)
    assert send.provider_message == message
    assert send.request_id == call.request_id
    [line] = delivery_errors(caplog)
    assert code in line and MASKED in line
    assert NATIONAL not in caplog.text


@pytest.mark.parametrize(
    ("message", "wait"),
    [
        ("触发分钟级流控Permits:1", 60),
        ("触发小时级流控Permits:5", 3600),
        ("触发天级流控Permits:10", 86400),
    ],
)
def test_after_the_providers_flow_control_the_phone_waits_as_told(
    aliyun, request_code, message, wait
):
    aliyun.answer_next(Answer.refusal("isv.BUSINESS_LIMIT_CONTROL", message))
    request_code()
    send = SmsSend.objects.get()
    assert (send.status, send.provider_code) == (FAILED, "isv.BUSINESS_LIMIT_CONTROL")

    cooldown_ends()
    retry_after = assert_refused(
        request_code(), HTTPStatus.TOO_MANY_REQUESTS, retry_max=wait
    )
    assert retry_after > wait - 10
    assert len(aliyun.requests) == 1  # the provider was not asked again
    assert request_code("13900139000").status_code == HTTPStatus.OK  # one phone only


def test_a_5xx_leaves_the_row_queued_for_a_retry(aliyun, queued_send):
    send, sealed = queued_send()
    aliyun.answer_next(Answer.failure(503))

    with pytest.raises(SmsUnavailable):
        sms_deliver(send_id=send.pk, sealed=sealed)

    send.refresh_from_db()
    assert (send.status, send.attempts) == (QUEUED, 1)
    assert send.provider_code == "ServiceUnavailable"


def test_the_task_retries_after_a_5xx(aliyun, queued_send, retries_at_once, caplog):
    send, sealed = queued_send("654321")
    aliyun.answer_next(Answer.failure(503), Answer.failure(502))

    # Celery's apply runs the retries at once, and logs the countdown each
    # would have waited.
    with caplog.at_level(logging.INFO, logger="celery.app.trace"):
        result = deliver_sms.apply((send.pk, sealed))

    assert result.get() is True
    assert [call.template_param for call in aliyun.requests] == [{"code": "654321"}] * 3
    send.refresh_from_db()
    assert (send.status, send.attempts) == (SENT, 3)
    assert f"Retry in {RETRY_BACKOFF[0]}s" in caplog.text


def test_the_task_gives_up_after_its_last_retry(
    aliyun, queued_send, retries_at_once, caplog
):
    send, sealed = queued_send()
    attempts = deliver_sms.max_retries + 1
    aliyun.answer_next(*[Answer.failure(503)] * (attempts + 1))

    with caplog.at_level(logging.ERROR):
        assert deliver_sms.apply((send.pk, sealed)).get() is False

    assert len(aliyun.requests) == attempts
    send.refresh_from_db()
    assert (send.status, send.attempts) == (FAILED, attempts)
    [line] = delivery_errors(caplog)
    assert "not sent" in line and MASKED in line


def test_the_task_gives_up_when_the_code_would_expire_before_a_retry(
    aliyun, queued_send
):
    send, sealed = queued_send(expires_in=RETRY_BACKOFF[0] - 1)
    aliyun.answer_next(Answer.failure(503), Answer.ok())

    assert deliver_sms.apply((send.pk, sealed)).get() is False

    assert len(aliyun.requests) == 1
    send.refresh_from_db()
    assert (send.status, send.attempts) == (FAILED, 1)


def test_a_code_past_its_ttl_is_never_sent(aliyun, queued_send, settings):
    send, sealed = queued_send(sealed_ago=settings.SMS_CODE_TTL + 1)

    assert deliver_sms.apply((send.pk, sealed)).get() is False

    assert aliyun.requests == []
    send.refresh_from_db()
    assert (send.status, send.provider_code) == (FAILED, "expired")


def test_a_code_inside_its_ttl_is_sent(aliyun, queued_send, settings):
    # The other side of the previous test: the seal's age is what stops it.
    send, sealed = queued_send(sealed_ago=settings.SMS_CODE_TTL - 5)
    assert deliver_sms.apply((send.pk, sealed)).get() is True
    assert len(aliyun.requests) == 1


def test_a_redelivered_task_sends_nothing_twice(aliyun, queued_send):
    send, sealed = queued_send()
    assert sms_deliver(send_id=send.pk, sealed=sealed) is True
    assert sms_deliver(send_id=send.pk, sealed=sealed) is False
    assert len(aliyun.requests) == 1


@pytest.mark.services
def test_a_celery_worker_delivers_a_code_sent_through_the_api(sms_stack, captchas):
    web = sms_stack.web()
    sms_stack.worker()
    client = web.session()
    key, answer = captchas.solved()
    body = {"phone": NATIONAL, "purpose": "login"}
    body.update(captcha_key=key, captcha_answer=answer)

    response = client.post(f"{web.url}/api/v1/sms/send", json=body)

    assert response.status_code == HTTPStatus.OK, response.text
    # A bound, not a measure: a worker on a loaded machine took over 20 s.
    [message] = sms_stack.outbox(timeout=60)
    assert (message["phone"], message["purpose"]) == (PHONE, "login")
    assert re.fullmatch(r"[0-9]{6}", message["code"])
    # The worker marks the row after the provider took the text.
    wait_for(lambda: SmsSend.objects.get().status == SENT, 30, "the send marked")
    assert SmsSend.objects.get().attempts == 1
    login = client.post(
        f"{web.url}/api/v1/sms/login", json={"phone": NATIONAL, "code": message["code"]}
    )
    assert login.status_code == HTTPStatus.OK, login.text
