"""POST /api/v1/sms/login and /api/v1/sms/bind: a verified code proves the phone."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import (
    NATIONAL,
    OTHER_PHONE,
    PHONE,
    assert_code_rejected,
    assert_envelope,
    cooldown_ends,
    envelope_data,
    field_errors,
)

pytestmark = pytest.mark.django_db


def sms_login(api_client, code: str, phone: str = NATIONAL):
    return api_client.post_json("/api/v1/sms/login", {"phone": phone, "code": code})


def sms_bind(api_client, code: str, phone: str = NATIONAL):
    return api_client.post_json("/api/v1/sms/bind", {"phone": phone, "code": code})


def password_login(api_client, password: str, captchas=None):
    body = {"login": "xiaoming", "password": password}
    if captchas is not None:
        body["captcha_key"], body["captcha_answer"] = captchas.solved()
    return api_client.post_json("/api/v1/login", body)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def signed_in_user_id(api_client) -> int | None:
    response = api_client.get("/api/v1/me")
    if response.status_code != HTTPStatus.OK:
        return None
    return response.json()["data"]["user"]["id"]


def test_first_use_creates_an_active_account_and_signs_it_in(api_client, sent_code):
    response = sms_login(api_client, sent_code())

    data = envelope_data(response, HTTPStatus.OK)
    assert data["created"] is True
    user = User.objects.get()
    assert data["user"]["id"] == user.pk
    assert data["user"]["phone"] == user.phone == PHONE
    assert data["user"]["username"] == user.username and user.username
    assert data["user"]["email"] is None and data["user"]["is_active"] is True
    assert user.is_active and not user.has_usable_password()
    assert signed_in_user_id(api_client) == user.pk


def test_the_second_time_signs_in_the_same_account(api_client, sent_code):
    first = sms_login(api_client, sent_code()).json()["data"]
    api_client.post_json("/api/v1/logout")
    cooldown_ends()
    second = sms_login(api_client, sent_code())
    data = second.json()["data"]
    assert second.status_code == HTTPStatus.OK
    assert data["created"] is False
    assert data["user"]["id"] == first["user"]["id"]
    assert User.objects.count() == 1
    assert signed_in_user_id(api_client) == first["user"]["id"]


def test_an_existing_account_with_the_phone_is_signed_in(api_client, sent_code):
    user = user_create(phone=PHONE)
    response = sms_login(api_client, sent_code(), "+86 138 0013 8000")
    assert response.json()["data"]["created"] is False
    assert signed_in_user_id(api_client) == user.pk


def test_a_wrong_code_is_400_invalid(api_client, sent_code):
    code = sent_code()
    assert_code_rejected(sms_login(api_client, wrong(code)), "invalid")
    assert signed_in_user_id(api_client) is None
    assert not User.objects.exists()


def test_a_never_sent_code_is_400(api_client):
    assert_code_rejected(sms_login(api_client, "123456"), "expired")
    assert signed_in_user_id(api_client) is None


def test_a_code_is_spent_after_five_wrong_tries(api_client, sent_code):
    code = sent_code()
    for _ in range(5):
        assert_code_rejected(sms_login(api_client, wrong(code)), "invalid")
    assert_code_rejected(sms_login(api_client, code), "spent")
    assert signed_in_user_id(api_client) is None


def test_a_code_signs_in_once(api_client, sent_code):
    code = sent_code()
    assert sms_login(api_client, code).status_code == HTTPStatus.OK
    api_client.post_json("/api/v1/logout")
    assert_code_rejected(sms_login(api_client, code), "expired")


def test_a_bind_code_does_not_sign_in(api_client, sent_code):
    code = sent_code(purpose="bind")
    assert_code_rejected(sms_login(api_client, code), "expired")


def test_a_deactivated_account_is_403_inactive(api_client, sent_code):
    user_create(phone=PHONE, is_active=False)
    response = sms_login(api_client, sent_code())
    assert_envelope(response, HTTPStatus.FORBIDDEN, data={"reason": "inactive"})
    assert signed_in_user_id(api_client) is None


def test_a_password_lockout_does_not_block_sms_and_sms_lifts_it(
    api_client, captchas, sent_code, user
):
    for _ in range(10):
        failed = password_login(api_client, "wrong-password", captchas)
        assert failed.status_code == HTTPStatus.UNAUTHORIZED
    locked = password_login(api_client, STRONG_PASSWORD, captchas)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    User.objects.filter(pk=user.pk).update(phone=PHONE)

    response = sms_login(api_client, sent_code())
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"]["user"]["id"] == user.pk
    api_client.post_json("/api/v1/logout")

    # No captcha and no lockout any more: the owner proved who they are.
    assert password_login(api_client, STRONG_PASSWORD).status_code == (HTTPStatus.OK)


def test_binding_needs_a_signed_in_user(api_client, sent_code):
    code = sent_code(purpose="bind")
    assert_envelope(sms_bind(api_client, code), HTTPStatus.UNAUTHORIZED)
    assert not User.objects.filter(phone=PHONE).exists()


def test_binds_the_phone(api_client, signed_in, sent_code):
    response = sms_bind(api_client, sent_code(purpose="bind"))
    user = envelope_data(response, HTTPStatus.OK)["user"]
    assert (user["id"], user["phone"]) == (signed_in.pk, PHONE)
    signed_in.refresh_from_db()
    assert signed_in.phone == PHONE


def test_changes_the_phone_once_it_is_you(api_client, signed_in, sent_code):
    sms_bind(api_client, sent_code(PHONE, "bind"))
    code = sent_code(OTHER_PHONE, "bind")
    response = sms_bind(api_client, code, OTHER_PHONE)
    assert response.json()["data"]["reason"] == "reauth_required"
    api_client.post_json("/api/v1/account/reauth", {"password": STRONG_PASSWORD})
    response = sms_bind(api_client, code, OTHER_PHONE)  # not spent by the refusal
    assert response.json()["data"]["user"]["phone"] == OTHER_PHONE
    signed_in.refresh_from_db()
    assert signed_in.phone == OTHER_PHONE
    assert not User.objects.filter(phone=PHONE).exists()  # the old one is free


def test_a_phone_bound_elsewhere_is_refused_without_saying_whose(
    api_client, signed_in, sent_code
):
    owner = user_create("laowang", "wang@example.cn", phone=PHONE)
    response = sms_bind(api_client, sent_code(purpose="bind"))

    assert field_errors(response) == ["phone"]
    text = response.content.decode()
    assert owner.username not in text and owner.email not in text
    signed_in.refresh_from_db()
    assert signed_in.phone is None
    assert User.objects.get(phone=PHONE) == owner


def test_a_wrong_code_is_refused_before_anything_about_the_phone(
    api_client, signed_in, sent_code
):
    user_create("laowang", "wang@example.cn", phone=PHONE)
    code = sent_code(purpose="bind")
    response = sms_bind(api_client, wrong(code))
    assert_code_rejected(response, "invalid")


def test_a_login_code_does_not_bind(api_client, signed_in, sent_code):
    code = sent_code(purpose="login")
    assert_code_rejected(sms_bind(api_client, code), "expired")
    signed_in.refresh_from_db()
    assert signed_in.phone is None
