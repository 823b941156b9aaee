"""Security notices: each queued once, to the account's address, in the
outbox; a new device is told, a known one and the very first sign-in not."""

from http import HTTPStatus

import pytest
from django.test import Client

from haima.accounts.models import User
from haima.accounts.tokens import password_reset_token_make
from haima.centre.notices import device_label, security_notice_queue
from haima.centre.services.email import email_change_confirm
from haima.centre.tokens import email_change_token_make
from haima.mail.models import OutboundEmail
from haima.sms.codes import sms_code_issue
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/{} Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "Another-Kiwi-77"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def notices() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind="security_notice"))


def sign_in(user_agent: str, password=STRONG_PASSWORD) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post(
        "/api/v1/login",
        {"login": "xiaoming", "password": password},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    return client


def test_a_device_is_browser_and_system_without_versions():
    assert device_label(CHROME_WINDOWS.format("124.0.0.0")) == "Chrome / Windows"
    assert device_label(SAFARI_IPHONE) == "Safari / iOS"
    assert device_label("curl/8.5.0") == "curl/"


def test_no_notice_at_the_first_sign_in_nor_from_a_known_device(user):
    sign_in(CHROME_WINDOWS.format("124.0.0.0"))
    sign_in(CHROME_WINDOWS.format("125.0.1.2"))  # an update: the same device
    assert notices() == []


def test_a_new_device_is_told_once(user):
    sign_in(CHROME_WINDOWS.format("124.0.0.0"))
    sign_in(SAFARI_IPHONE)
    sign_in(SAFARI_IPHONE)
    (notice,) = notices()
    assert notice.to == "ming@example.cn"
    assert "New sign-in" in notice.subject
    assert "Safari / iOS" in notice.text_body
    assert "/user/password/reset/" in notice.text_body


def test_the_first_sms_sign_up_is_not_told(db):
    code = sms_code_issue(phone="+8613800138000", purpose=SmsSend.Purpose.LOGIN)
    response = Client(HTTP_USER_AGENT=SAFARI_IPHONE).post(
        "/api/v1/sms/login",
        {"phone": "13800138000", "code": code},
        content_type="application/json",
    )
    assert response.json()["data"]["created"] is True
    assert notices() == []


def test_password_change_is_told_once(user):
    client = sign_in(SAFARI_IPHONE)
    response = client.post(
        "/api/v1/password/change",
        {"old_password": STRONG_PASSWORD, "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    (notice,) = notices()
    assert "password" in notice.subject


def test_password_reset_is_told_once(user):
    response = Client().post(
        "/api/v1/password/reset/confirm",
        {"token": password_reset_token_make(user), "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    (notice,) = notices()
    assert "password" in notice.subject


def test_phone_change_is_told_once(user):
    client = sign_in(SAFARI_IPHONE)
    code = sms_code_issue(phone="+8613800138000", purpose=SmsSend.Purpose.BIND)
    response = client.post(
        "/api/v1/sms/bind",
        {"phone": "13800138000", "code": code},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    (notice,) = notices()
    assert "phone number" in notice.subject


def test_an_account_without_email_gets_no_notice(db):
    user = user_create("xiaohong", None)
    security_notice_queue(user=user, kind="password_changed")
    assert not OutboundEmail.objects.exists()


def test_the_email_change_notice_goes_once_to_the_old_address(user):
    token = email_change_token_make(user=user, email="new@example.cn")
    email_change_confirm(token=token)
    (notice,) = OutboundEmail.objects.filter(kind="email_changed_notice")
    assert notice.to == "ming@example.cn"
    assert User.objects.get(pk=user.pk).email == "new@example.cn"
    assert notices() == []
