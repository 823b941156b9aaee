"""What an answer gives away: who is registered, which account is inactive, the
fields of an account, and how it fails when its store is gone."""

from http import HTTPStatus

import pytest
from django.test import override_settings

from haima.accounts.models import User
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, closed_security_cache

from .conftest import (
    ENDPOINTS,
    NATIONAL,
    WRONG_PASSWORD,
    assert_envelope,
    assert_refused_rate,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db]

USER_FIELDS = {"id", "username", "email", "phone", "is_active", "date_joined"}


# --- Who is registered -------------------------------------------------------


@pytest.mark.parametrize(
    "captcha", ["wrong", "empty", "unknown key"], ids=lambda c: f"{c} captcha"
)
def test_registration_says_nothing_of_taken_names_without_a_captcha(
    api, user, registration, snapshot, captcha
):
    overrides = {
        "wrong": {"captcha_answer": "zzzz"},
        "empty": {"captcha_answer": ""},
        "unknown key": {"captcha_key": "0" * 40},
    }[captcha]
    body = registration(username="XiaoMing", email="MING@example.cn", **overrides)
    before = snapshot()
    response = api.post("register", body, HTTP_ACCEPT_LANGUAGE="en")
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
    assert "already exists" not in response.content.decode()
    before.assert_unchanged(captchas=False)


def test_registration_names_a_taken_name_once_the_captcha_is_solved(
    api, user, registration, snapshot
):
    """The control for the test above."""
    body = registration(username="XiaoMing", email="MING@example.cn")
    before = snapshot()
    response = api.post("register", body)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["username", "email"])
    before.assert_unchanged(spent=[body["captcha_key"]])


def test_the_registration_page_says_nothing_of_taken_names_without_a_captcha(
    client, user, captchas, snapshot
):
    key = captchas.issue()
    before = snapshot()
    response = client.post(
        "/user/register/",
        {
            "username": "xiaoming",
            "email": "ming@example.cn",
            "agree": "on",
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "captcha_0": key,
            "captcha_1": "zzzz",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == HTTPStatus.OK
    assert "already exists" not in response.content.decode()
    before.assert_unchanged(captchas=False)


def test_registration_is_limited_per_network(api, registration, settings, snapshot):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register_ip": "3/h"}
    for n in range(3):  # failed attempts count too
        body = registration(username=f"guess{n}", captcha_answer="zzzz")
        response = api.post("register", body, REMOTE_ADDR="2001:db8::1")
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
    body = registration(username="xiaohong", email="hong@example.cn")
    before = snapshot()
    # Another address of the same IPv6 /64 is the same network.
    refused = api.post("register", body, REMOTE_ADDR="2001:db8::2")
    assert_refused_rate(refused)
    before.assert_unchanged()  # the captcha is not spent on a refusal
    elsewhere = api.post("register", body, REMOTE_ADDR="2001:db8:1::1")
    assert_envelope(elsewhere, HTTPStatus.CREATED)


def test_a_wrong_password_reads_the_same_for_any_account(api, user, newcomer):
    logins = ("xiaoming", "dahai", "nobody", "ming@example.cn", "no@x.cn")
    answers = {  # each from its own address: 3 from one would ask for a captcha
        login: api.post(
            "login",
            {"login": login, "password": WRONG_PASSWORD},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
        for n, login in enumerate(logins)
    }
    bodies = set()
    for login, response in answers.items():
        assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
        bodies.add(response.content)
        assert login not in response.content.decode()
    assert len(bodies) == 1
    assert api.signed_in_as() is None


def test_inactive_is_told_only_after_the_right_password(api, newcomer, snapshot):
    before = snapshot()
    response = api.post("login", {"login": "dahai", "password": STRONG_PASSWORD})
    assert_envelope(response, HTTPStatus.FORBIDDEN, data={"reason": "inactive"})
    assert api.signed_in_as() is None
    before.assert_unchanged()


@pytest.mark.parametrize("path", ["password/reset", "activation/resend"])
def test_email_requests_answer_the_same_for_any_address(api, user, newcomer, path):
    answers = {
        api.post(path, {"email": email}).content
        for email in ("ming@example.cn", "hai@example.cn", "nobody@example.cn")
    }
    assert len(answers) == 1
    [body] = answers
    assert b'"code": 200' in body


def test_sending_a_code_answers_the_same_with_or_without_an_account(
    api, captchas, sms_outbox, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_phone_cooldown": "9/m"}
    user_create("phoned", "p@example.cn", phone="+8613800138000")
    answers = set()
    for phone in (NATIONAL, "13900139000"):
        key, answer = captchas.solved()
        body = {
            "phone": phone,
            "purpose": "login",
            "captcha_key": key,
            "captcha_answer": answer,
        }
        answers.add(api.post("sms/send", body).content)
    assert len(answers) == 1
    assert len(sms_outbox) == 2


# --- What an account shows ---------------------------------------------------


def test_answers_carry_the_contracts_user_fields_and_no_secret(api, user, registration):
    responses = [
        api.post("login", {"login": "xiaoming", "password": STRONG_PASSWORD}),
        api.get("me"),
        api.post("register", registration(username="xiaohong", email="h@example.cn")),
    ]
    for response in responses:
        body = response.content.decode()
        assert set(response.json()["data"]["user"]) == USER_FIELDS
        for secret in ("password", "md5$", "argon2", "is_staff", "last_login"):
            assert secret not in body


def test_me_signed_out_is_a_401_and_names_nobody(api, user):
    assert_envelope(api.get("me"), HTTPStatus.UNAUTHORIZED, data=None)


def test_a_session_of_a_deactivated_account_ends(api, user):
    api.client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert_envelope(api.get("me"), HTTPStatus.UNAUTHORIZED, data=None)


# --- A store that is gone ----------------------------------------------------


@pytest.mark.services
def test_with_the_security_store_gone_nothing_happens_unguarded(
    api, user, bodies, settings, snapshot, sms_outbox
):
    """Fails closed: no sign-in, sign-up or code without the limits' store."""
    requests = {
        path: bodies(ENDPOINTS[path]) for path in ("login", "register", "sms/send")
    }
    token = api.token()
    before = snapshot()
    with override_settings(CACHES=closed_security_cache(settings.CACHES)):
        for path, body in requests.items():
            response = api.post(path, body, HTTP_X_CSRFTOKEN=token)
            assert_envelope(
                response, HTTPStatus.SERVICE_UNAVAILABLE, reason="unavailable"
            )
            assert int(response["Retry-After"]) > 0
    before.assert_unchanged(captchas=False)
    assert api.signed_in_as() is None
