"""POST /api/v1/register: every rule, the inactive user and the queued email."""

from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from haima.accounts.models import User
from haima.accounts.services.registration import user_register
from haima.core.exceptions import ValidationFailed
from haima.mail.models import OutboundEmail
from haima.mail.services import email_deliver
from tests.helpers import STRONG_PASSWORD, activation_link

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    assert response.status_code == HTTPStatus.BAD_REQUEST
    return response.json()["data"]["errors"]


def test_register_creates_an_inactive_user_and_queues_the_email(
    api_client, registration
):
    response = api_client.post_json("/api/v1/register", registration())
    body = response.json()
    assert response.status_code == body["code"] == HTTPStatus.CREATED
    user = body["data"]["user"]
    assert set(user) == {"id", "username", "email", "phone", "is_active", "date_joined"}
    assert (user["username"], user["email"], user["phone"]) == (
        "xiaoming",
        "ming@example.cn",
        None,
    )
    assert user["is_active"] is False
    assert User.objects.get(pk=user["id"]).check_password(STRONG_PASSWORD)
    [email] = OutboundEmail.objects.all()
    assert email.to == "ming@example.cn"
    assert email.status == OutboundEmail.Status.PENDING


def test_the_activation_email(api_client, registration, mailbox, settings):
    settings.SITE_URL = "https://shop.haima.example"
    api_client.post_json(
        "/api/v1/register", registration(), HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert email_deliver(email_id=OutboundEmail.objects.get().pk)
    [message] = mailbox.wait_for(1)
    assert message["From"] == "海马生鲜 <noreply@localhost>"
    assert message["To"] == "ming@example.cn"
    assert "激活" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = activation_link(text)
    assert link.startswith("https://shop.haima.example/user/active/")
    assert link in html
    assert "xiaoming" in text and "xiaoming" in html
    assert "1\xa0小时" in text


def test_the_email_follows_the_request_language(api_client, registration):
    api_client.post_json("/api/v1/register", registration(), HTTP_ACCEPT_LANGUAGE="en")
    email = OutboundEmail.objects.get()
    assert "activate" in email.subject.lower()
    assert "1\xa0hour" in email.text_body


def test_missing_everything_names_every_field(api_client):
    errors = errors_of(api_client.post_json("/api/v1/register", {}))
    assert set(errors) == {
        "username",
        "email",
        "password",
        "password_confirm",
        "agree",
        "captcha",
    }


@pytest.mark.parametrize(
    "email", ["first.last+fresh@mail.example.museum", "xm@sub.haima.example.cn"]
)
def test_valid_emails_the_tutorial_regex_refused_are_accepted(
    api_client, registration, email
):
    response = api_client.post_json("/api/v1/register", registration(email=email))
    assert response.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize(
    "email", ["ming", "ming@", "@x.cn", "a b@x.cn", "x" * 250 + "@x.cn"]
)
def test_malformed_emails_are_refused(api_client, registration, email):
    errors = errors_of(
        api_client.post_json("/api/v1/register", registration(email=email))
    )
    assert list(errors) == ["email"]


def test_agreement_must_be_ticked(api_client, registration):
    response = api_client.post_json(
        "/api/v1/register", registration(agree=False), HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert errors_of(response) == {
        "agree": ["请阅读并勾选同意《用户协议》和《隐私政策》。"]
    }


@pytest.mark.parametrize(
    ("taken", "field", "value"),
    [
        ({"username": "XiaoMing"}, "username", "xiaoming"),
        ({"email": "Ming@Example.cn"}, "email", "ming@example.CN"),
    ],
)
def test_taken_names_and_emails_ignore_case(
    api_client, registration, taken, field, value
):
    User.objects.create_user(
        **{"username": "someone", "email": "someone@x.cn", **taken}, password="x"
    )
    response = api_client.post_json("/api/v1/register", registration(**{field: value}))
    assert list(errors_of(response)) == [field]


def test_full_width_admin_is_the_same_admin(api_client, registration):
    User.objects.create_user("admin", "admin@x.cn", "x")
    response = api_client.post_json(
        "/api/v1/register", registration(username="ａｄｍｉｎ")
    )
    assert list(errors_of(response)) == ["username"]


@pytest.mark.parametrize(
    "username",
    [
        "аdmin",
        "adm\u200bin",
        "ad min",
        "admin<script>",
        "Ωmega",
        "x" * 151,
        "\x00admin",
    ],
)
def test_lookalike_and_odd_usernames_are_refused(api_client, registration, username):
    errors = errors_of(
        api_client.post_json("/api/v1/register", registration(username=username))
    )
    assert list(errors) == ["username"]


def test_chinese_usernames_are_welcome(api_client, registration):
    response = api_client.post_json("/api/v1/register", registration(username="小明"))
    assert response.json()["data"]["user"]["username"] == "小明"


@pytest.mark.parametrize(
    "password", ["short1!", "12345678901", "password123", "xiaoming1"]
)
def test_weak_passwords_are_refused(api_client, registration, password):
    body = registration(password=password, password_confirm=password)
    errors = errors_of(api_client.post_json("/api/v1/register", body))
    assert list(errors) == ["password"]


def test_passwords_must_match(api_client, registration):
    body = registration(password_confirm=STRONG_PASSWORD + "!")
    with translation.override("en"):
        errors = errors_of(
            api_client.post_json("/api/v1/register", body, HTTP_ACCEPT_LANGUAGE="en")
        )
    assert errors == {"password_confirm": ["The two passwords differ."]}


def test_a_wrong_captcha_is_refused_and_nothing_is_created(api_client, registration):
    response = api_client.post_json(
        "/api/v1/register", registration(captcha_answer="0000")
    )
    assert list(errors_of(response)) == ["captcha"]
    assert not User.objects.exists() and not OutboundEmail.objects.exists()


def test_one_captcha_registers_one_account(api_client, registration):
    first = registration()
    assert api_client.post_json("/api/v1/register", first).status_code == 201
    second = {**first, "username": "other", "email": "other@x.cn"}
    assert list(errors_of(api_client.post_json("/api/v1/register", second))) == [
        "captcha"
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"username": ["a"]},
        {"agree": "perhaps"},
        {"password": "\x00" * 10},
        {"email": "a\x00@x.cn"},
        {"captcha_key": "\x00" * 40},
    ],
)
def test_malformed_values_are_400s(api_client, registration, body):
    response = api_client.post_json("/api/v1/register", registration(**body))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not User.objects.exists()


def test_the_database_decides_between_duplicates():
    user_register(username="Bob", email="bob@x.cn", password=STRONG_PASSWORD)
    for duplicate, field in (
        ({"username": "bob"}, "username"),
        ({"email": "BOB@x.cn"}, "email"),
    ):
        kwargs = {"username": "carol", "email": "carol@x.cn", **duplicate}
        with pytest.raises(ValidationFailed) as caught:
            user_register(**kwargs, password=STRONG_PASSWORD)
        assert list(caught.value.errors) == [field]
    assert OutboundEmail.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_name_give_one_account(registration):
    bodies = [
        registration(email=f"racer{n}@x.cn", username="racer" if n % 2 else "RACER")
        for n in range(2)
    ]

    def register(body) -> int:
        client = Client(raise_request_exception=False)
        try:
            return client.post(
                "/api/v1/register", body, content_type="application/json"
            ).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(register, bodies))
    assert statuses == [HTTPStatus.CREATED, HTTPStatus.BAD_REQUEST]
    assert User.objects.filter(username__iexact="racer").count() == 1
