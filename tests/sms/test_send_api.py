"""POST /api/v1/sms/send: input, captcha, and the cost firewall in front of it."""

import logging
from http import HTTPStatus

import pytest

from haima.core.ratelimit import ratelimit_clear
from haima.sms.models import SmsSend
from tests.factories import user_create

from .conftest import (
    MASKED,
    NATIONAL,
    OTHER_PHONE,
    PHONE,
    assert_envelope,
    assert_refused,
    cooldown_ends,
    field_errors,
)

pytestmark = pytest.mark.django_db

COOLDOWN = 60  # SMS_RESEND_COOLDOWN, by default
HOUR, DAY = 3600, 86400


def hour_ends(phone: str = PHONE) -> None:
    """The clock moves past the phone's hour (and so its cooldown)."""
    ratelimit_clear({"sms_phone_cooldown": phone, "sms_phone_hour": phone})


def phone_number(n: int) -> str:
    """The n-th of a run of distinct mainland mobile numbers (national form)."""
    return f"137001370{n:02d}"


def send_body(captchas, phone: str = NATIONAL, purpose: str = "login", **fields):
    key, answer = captchas.solved()
    body = {"phone": phone, "purpose": purpose, "captcha_key": key}
    return {**body, "captcha_answer": answer, **fields}


def test_a_code_is_texted_and_the_answer_gives_the_cooldown(request_code, sms_outbox):
    response = request_code()
    assert_envelope(response, HTTPStatus.OK, data={"cooldown": COOLDOWN})
    [message] = sms_outbox
    assert (message.phone, message.purpose) == (PHONE, "login")


@pytest.mark.parametrize(
    "typed", [NATIONAL, "+86 138 0013 8000", "+8613800138000", "138-0013-8000"]
)
def test_mainland_forms_are_accepted_and_texted_in_e164(
    request_code, sms_outbox, typed
):
    assert request_code(typed).status_code == HTTPStatus.OK
    assert [message.phone for message in sms_outbox] == [PHONE]


def test_the_captcha_is_required(api_client, sms_outbox):
    body = {"phone": NATIONAL, "purpose": "login"}
    response = api_client.post_json("/api/v1/sms/send", body)
    assert field_errors(response) == ["captcha"]
    assert sms_outbox == []


def test_a_wrong_captcha_is_refused_and_spent(api_client, captchas, sms_outbox):
    body = send_body(captchas, captcha_answer="WRONG")
    response = api_client.post_json("/api/v1/sms/send", body)
    assert field_errors(response) == ["captcha"]
    assert not captchas.is_live(body["captcha_key"])
    assert sms_outbox == []


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "+1 202 555 0100",  # not mainland
        "010-12345678",  # a Beijing landline
        "abcdefghijk",
        "138ABCDEFGH",  # a keypad would make it 13822233344
        "13800138000 ext 1",
        "1" * 10_000,
        "",
    ],
)
def test_an_invalid_phone_is_refused_before_the_captcha_and_nothing_is_sent(
    api_client, captchas, sms_outbox, phone
):
    body = send_body(captchas, phone)
    response = api_client.post_json("/api/v1/sms/send", body)
    assert field_errors(response) == ["phone"]
    assert sms_outbox == []
    assert not SmsSend.objects.exists()
    assert captchas.is_live(body["captcha_key"])  # fix the number, keep it


def test_an_unknown_purpose_is_refused(api_client, captchas, sms_outbox):
    body = send_body(captchas, purpose="register")
    response = api_client.post_json("/api/v1/sms/send", body)
    assert field_errors(response) == ["purpose"]
    assert sms_outbox == []


def test_a_bind_code_needs_a_signed_in_user(request_code, sms_outbox):
    assert_envelope(request_code(purpose="bind"), HTTPStatus.UNAUTHORIZED)
    assert sms_outbox == []


def test_a_signed_in_user_gets_a_bind_code(signed_in, request_code, sms_outbox):
    assert request_code(purpose="bind").status_code == HTTPStatus.OK
    assert [message.purpose for message in sms_outbox] == ["bind"]


def test_a_resend_inside_the_cooldown_is_429(request_code, sms_outbox):
    request_code()
    response = request_code()
    assert_refused(response, HTTPStatus.TOO_MANY_REQUESTS, retry_max=COOLDOWN)
    assert len(sms_outbox) == 1


def test_after_the_cooldown_a_resend_works(request_code, sms_outbox):
    request_code()
    cooldown_ends()
    assert request_code().status_code == HTTPStatus.OK
    assert len(sms_outbox) == 2


def test_the_cooldown_is_per_phone(request_code, sms_outbox):
    request_code(NATIONAL)
    assert request_code(OTHER_PHONE).status_code == HTTPStatus.OK


def test_five_codes_an_hour_per_phone(request_code, sms_outbox):
    for _ in range(5):
        assert request_code().status_code == HTTPStatus.OK
        cooldown_ends()
    response = request_code()
    retry_after = assert_refused(response, HTTPStatus.TOO_MANY_REQUESTS, retry_max=HOUR)
    assert retry_after > HOUR - 60  # the hour's window, not the cooldown's
    assert len(sms_outbox) == 5


def test_ten_codes_a_day_per_phone(request_code, sms_outbox):
    for n in range(10):
        assert request_code().status_code == HTTPStatus.OK, n
        cooldown_ends()
        if n == 4:
            hour_ends()  # five sent: the day goes on into the next hour
    response = request_code()
    retry_after = assert_refused(response, HTTPStatus.TOO_MANY_REQUESTS, retry_max=DAY)
    assert retry_after > DAY - 60
    assert len(sms_outbox) == 10


def test_twenty_codes_a_day_per_ip_across_phones(request_code, sms_outbox):
    for n in range(20):
        assert request_code(phone_number(n)).status_code == HTTPStatus.OK, n
    response = request_code(phone_number(20))
    retry_after = assert_refused(response, HTTPStatus.TOO_MANY_REQUESTS, retry_max=DAY)
    assert retry_after > DAY - 60
    assert len(sms_outbox) == 20
    other_ip = request_code(phone_number(20), REMOTE_ADDR="10.0.0.7")
    assert other_ip.status_code == HTTPStatus.OK


def test_an_ipv6_slash_64_is_one_ip(request_code, sms_outbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_ip_day": "2/d"}

    def status(n: int, ip: str) -> int:
        return request_code(phone_number(n), REMOTE_ADDR=ip).status_code

    assert status(0, "2001:db8:1::1") == HTTPStatus.OK
    assert status(1, "2001:db8:1::2") == HTTPStatus.OK
    assert status(2, "2001:db8:1:0:ffff::3") == HTTPStatus.TOO_MANY_REQUESTS
    assert status(2, "2001:db8:1:1::1") == HTTPStatus.OK  # the next /64


def test_past_the_site_budget_sends_stop_with_a_503_and_one_error_line(
    request_code, sms_outbox, settings, caplog
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_site_day": "2/d"}
    request_code(phone_number(0))
    request_code(phone_number(1))
    with caplog.at_level(logging.ERROR, logger="haima.sms.firewall"):
        refusals = [request_code(phone_number(n)) for n in (2, 3, 4)]
    for response in refusals:
        assert_refused(
            response,
            HTTPStatus.SERVICE_UNAVAILABLE,
            retry_max=DAY,
            reason="sms_unavailable",
        )
    [alarm] = [r for r in caplog.records if r.name == "haima.sms.firewall"]
    assert alarm.levelno == logging.ERROR
    assert "budget of 2 reached" in alarm.getMessage()
    assert len(sms_outbox) == 2


def test_a_refused_send_does_not_use_up_the_hours_quota(request_code, sms_outbox):
    assert request_code().status_code == HTTPStatus.OK
    refused = request_code()  # inside the cooldown
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    cooldown_ends()
    for n in range(4):  # 5 an hour: 4 left after the one sent
        assert request_code().status_code == HTTPStatus.OK, n
        cooldown_ends()
    assert request_code().status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(sms_outbox) == 5


def test_the_answer_is_the_same_with_or_without_an_account(request_code, sms_outbox):
    user_create(phone=PHONE)

    def answer(phone: str):
        response = request_code(phone)
        headers = {k: v for k, v in response.headers.items() if k != "Set-Cookie"}
        return response.status_code, response.json(), headers

    assert answer(PHONE) == answer(OTHER_PHONE)
    assert [message.phone for message in sms_outbox] == [PHONE, OTHER_PHONE]


def test_each_send_leaves_a_row_with_the_phone_masked_and_no_code(
    request_code, sms_outbox
):
    request_code()
    [message] = sms_outbox
    send = SmsSend.objects.get()
    assert (send.phone_masked, send.purpose) == (MASKED, "login")
    assert (send.status, send.attempts, send.provider_code) == ("sent", 1, "OK")
    assert send.sent_at is not None and send.expires_at > send.created_at
    values = [str(f.value_from_object(send)) for f in SmsSend._meta.concrete_fields]
    assert not [value for value in values if message.code in value]
    assert not [value for value in values if NATIONAL in value]
