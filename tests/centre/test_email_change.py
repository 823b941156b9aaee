"""Changing the email: confirmed from the new mailbox, told to the old one,
undone by its owner, whose lock refuses every sign-in door until a reset."""

import re
import time
from http import HTTPStatus

import pytest
from django.test import Client

from haima.accounts.models import User
from haima.accounts.tokens import password_reset_token_make
from haima.centre import tokens
from haima.centre.reauth import SESSION_KEY
from haima.mail.models import OutboundEmail
from haima.sms.codes import sms_code_issue
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "new@example.cn"
PHONE = "+8613800138000"
LOCKED_MESSAGE = "Reset your password"


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and answers in English (no Accept-Language), to read them here."""
    settings.LANGUAGE_CODE = "en"


def reauthenticated(client: Client, user: User) -> Client:
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()
    return client


def link_in(text: str, path: str) -> str:
    return re.search(rf"https?://\S+{path}\S+/", text).group(0)


def token_in(text: str, path: str) -> str:
    return link_in(text, path).rstrip("/").rsplit("/", 1)[1]


def mailed(template: str, to: str | None = None) -> OutboundEmail:
    emails = OutboundEmail.objects.filter(kind=template)
    return emails.get(to=to) if to else emails.get()


def request_change(api_client, user, email=NEW):
    reauthenticated(api_client, user)
    return api_client.post_json("/api/v1/account/email", {"email": email})


def confirm_token(api_client, user, email=NEW) -> str:
    assert request_change(api_client, user, email).status_code == HTTPStatus.OK
    sent = OutboundEmail.objects.filter(kind="email_change_confirm", to=email).last()
    return token_in(sent.text_body, "/user/account/email/confirm/")


def changed(api_client, user) -> str:
    """Change the address; return the "this was not me" token mailed to the old."""
    token = confirm_token(api_client, user)
    response = api_client.post_json("/api/v1/account/email/confirm", {"token": token})
    assert response.status_code == HTTPStatus.OK
    notice = mailed("email_changed_notice", to="ming@example.cn")
    return token_in(notice.text_body, "/user/account/email/not-me/")


def password_login(login="xiaoming", password=STRONG_PASSWORD):
    client = Client()
    response = client.post(
        "/api/v1/login",
        {"login": login, "password": password},
        content_type="application/json",
    )
    return client, response


def is_signed_in(client: Client) -> bool:
    return client.get("/api/v1/me").status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)  # the worker sees only what is committed
def test_the_address_changes_only_when_confirmed(client, user, mail_delivery):
    reauthenticated(client, user)
    page = client.get("/user/account/email/")
    assert page.status_code == HTTPStatus.OK
    response = client.post("/user/account/email/", {"email": "new@ｅｘａｍｐｌｅ.cn"})
    assert response.status_code == HTTPStatus.FOUND
    (confirmation,) = mail_delivery.wait_for(1)
    assert confirmation["To"] == NEW
    link = link_in(confirmation.get_body(("plain",)).get_content(), "/confirm/")
    path = link.split("://", 1)[1].split("/", 1)[1]

    shown = client.get(f"/{path}")  # a mail scanner's GET changes nothing
    assert shown.status_code == HTTPStatus.OK
    assert NEW in shown.content.decode()
    user.refresh_from_db()
    assert user.email == "ming@example.cn"

    assert client.post(f"/{path}").status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.email == NEW
    messages = mail_delivery.wait_for(2)
    notice = messages[1]
    assert notice["To"] == "ming@example.cn"
    assert "/user/account/email/not-me/" in notice.get_body(("plain",)).get_content()


def test_page_and_api_require_a_fresh_reauthentication(client, api_client, user):
    client.force_login(user)
    page = client.get("/user/account/email/")
    assert page.status_code == HTTPStatus.FOUND
    assert page["Location"].startswith("/user/account/verify/?next=")
    api_client.force_login(user)
    response = api_client.post_json("/api/v1/account/email", {"email": NEW})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["data"]["reason"] == "reauth_required"
    assert not OutboundEmail.objects.exists()


def test_signed_out_api_is_refused(api_client, db):
    response = api_client.post_json("/api/v1/account/email", {"email": NEW})
    assert response.status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "valid email"),
        ("MING@example.cn", "already your email"),
        ("hong@example.cn", "already exists"),
    ],
)
def test_bad_same_or_taken_address(api_client, user, email, message):
    user_create("xiaohong", "hong@example.cn")
    response = request_change(api_client, user, email)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.json()["data"]["errors"]["email"][0]
    assert not OutboundEmail.objects.filter(kind="email_change_confirm").exists()


def test_a_link_is_single_use(api_client, user):
    token = confirm_token(api_client, user)
    body = {"token": token}
    first = api_client.post_json("/api/v1/account/email/confirm", body)
    assert first.status_code == HTTPStatus.OK
    again = api_client.post_json("/api/v1/account/email/confirm", body)
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.json()["data"]["reason"] == "invalid"
    user.refresh_from_db()
    assert user.email == NEW


def test_a_link_dies_when_the_address_changes_otherwise(api_client, user):
    first = confirm_token(api_client, user, "one@example.cn")
    second = confirm_token(api_client, user, "two@example.cn")
    api_client.post_json("/api/v1/account/email/confirm", {"token": second})
    late = api_client.post_json("/api/v1/account/email/confirm", {"token": first})
    assert late.json()["data"]["reason"] == "invalid"
    user.refresh_from_db()
    assert user.email == "two@example.cn"
    page = Client().get(f"/user/account/email/confirm/{first}/")
    assert page.status_code == HTTPStatus.BAD_REQUEST


def test_an_expired_link(api_client, user, monkeypatch):
    token = confirm_token(api_client, user)
    monkeypatch.setattr(tokens, "EMAIL_CHANGE_MAX_AGE", -1)
    response = api_client.post_json("/api/v1/account/email/confirm", {"token": token})
    assert response.json()["data"]["reason"] == "expired"


def test_an_address_taken_before_the_click(api_client, user):
    token = confirm_token(api_client, user)
    user_create("xiaohong", NEW)
    response = api_client.post_json("/api/v1/account/email/confirm", {"token": token})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "already exists" in response.json()["data"]["errors"]["email"][0]
    user.refresh_from_db()
    assert user.email == "ming@example.cn"


def test_not_me_locks_ends_sessions_and_gives_the_address_back(api_client, user):
    User.objects.filter(pk=user.pk).update(phone=PHONE)
    elsewhere, _ = password_login()
    assert is_signed_in(elsewhere)
    token = changed(api_client, user)

    owner = Client()
    shown = owner.get(f"/user/account/email/not-me/{token}/")  # changes nothing
    assert shown.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.locked_at is None

    locked = owner.post(f"/user/account/email/not-me/{token}/")
    assert locked.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.locked_at is not None
    assert user.email == "ming@example.cn"
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(api_client)
    again = owner.post(f"/user/account/email/not-me/{token}/")
    assert again.status_code == HTTPStatus.BAD_REQUEST

    # Every door refuses the right secret, with the reason.
    _, by_api = password_login()
    assert by_api.status_code == HTTPStatus.FORBIDDEN
    assert by_api.json()["data"]["reason"] == "locked_account"
    by_page = Client().post(
        "/user/login/", {"login": "ming@example.cn", "password": STRONG_PASSWORD}
    )
    assert by_page.status_code == HTTPStatus.OK
    assert LOCKED_MESSAGE in by_page.content.decode()
    code = sms_code_issue(phone=PHONE, purpose=SmsSend.Purpose.LOGIN)
    by_sms = Client().post(
        "/api/v1/sms/login",
        {"phone": "13800138000", "code": code},
        content_type="application/json",
    )
    assert by_sms.status_code == HTTPStatus.FORBIDDEN
    assert by_sms.json()["data"]["reason"] == "locked_account"

    # A reset from the old address lifts the lock.
    reset = Client().post(
        "/api/v1/password/reset/confirm",
        {"token": password_reset_token_make(user), "password": "Another-Kiwi-77"},
        content_type="application/json",
    )
    assert reset.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.locked_at is None
    _, after = password_login(password="Another-Kiwi-77")
    assert after.status_code == HTTPStatus.OK


def test_not_me_by_api_once(api_client, user):
    token = changed(api_client, user)
    body = {"token": token}
    first = Client().post(
        "/api/v1/account/email/not-me", body, content_type="application/json"
    )
    assert first.status_code == HTTPStatus.OK
    second = Client().post(
        "/api/v1/account/email/not-me", body, content_type="application/json"
    )
    assert second.json()["data"]["reason"] == "invalid"


def test_a_tampered_not_me_link(db):
    page = Client().get("/user/account/email/not-me/forged:token/")
    assert page.status_code == HTTPStatus.BAD_REQUEST
