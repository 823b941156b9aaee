"""At most 128 characters in a password, at every door that takes one (issue 9)."""

from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from haima.accounts.tokens import password_reset_token_make
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

TOO_LONG = "Use at most 128 characters in your password."
LONGEST = "Kiwi-7" + "x" * 122
HUGE = "Kiwi-7" + "x" * 1_000_000


@pytest.fixture
def hashings(monkeypatch) -> list:
    """Every password hashed (the tests' MD5 hasher hashes in encode())."""
    calls = []
    original = MD5PasswordHasher.encode

    def counted(self, password, *args, **kwargs):
        calls.append(len(password))
        return original(self, password, *args, **kwargs)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
    return calls


def post(client, path: str, body: dict):
    if hasattr(client, "post_json"):  # api_client: with its CSRF token
        return client.post_json(path, body, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(
        path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def field_errors(response) -> dict:
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    return response.json()["data"]["errors"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestRegistration:
    def test_128_characters_are_welcome(self, api_client, registration):
        body = registration(password=LONGEST, password_confirm=LONGEST)
        response = post(api_client, "/api/v1/register", body)
        assert response.status_code == HTTPStatus.CREATED

    @pytest.mark.parametrize("password", [LONGEST + "x", HUGE])
    def test_more_are_refused_unhashed(
        self, api_client, registration, hashings, password
    ):
        body = registration(password=password, password_confirm=password)
        errors = field_errors(post(api_client, "/api/v1/register", body))
        assert errors["password"] == [TOO_LONG]
        assert hashings == []

    def test_the_page_says_so(self, client, registration):
        body = registration(password=HUGE, password_confirm=HUGE)
        data = {
            **body,
            "captcha_0": body.pop("captcha_key"),
            "captcha_1": body.pop("captcha_answer"),
            "agree": "on",
        }
        html = client.post(
            "/user/register/", data, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert TOO_LONG in html and HUGE not in html


class TestLogin:
    def test_a_huge_password_is_a_400_unhashed_and_uncounted(
        self, api_client, user, hashings
    ):
        for _ in range(4):  # three failures would ask for a captcha
            response = post(
                api_client, "/api/v1/login", {"login": "xiaoming", "password": HUGE}
            )
            assert field_errors(response) == {"password": [TOO_LONG]}
        assert hashings == []
        right = post(
            api_client,
            "/api/v1/login",
            {"login": "xiaoming", "password": STRONG_PASSWORD},
        )
        assert right.status_code == HTTPStatus.OK

    def test_the_page_says_so(self, client, user, hashings):
        response = client.post(
            "/user/login/",
            {"login": "xiaoming", "password": HUGE},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == HTTPStatus.OK
        assert TOO_LONG in response.content.decode()
        assert hashings == []

    def test_the_admin_says_so_unhashed_and_uncounted(self, client, hashings):
        user_create("boss", "boss@example.cn", is_staff=True, is_superuser=True)
        hashings.clear()
        for _ in range(4):
            page = client.post(
                "/admin/login/?next=/admin/",
                {"username": "boss", "password": HUGE},
                HTTP_ACCEPT_LANGUAGE="en",
            ).content.decode()
            assert TOO_LONG in page
        assert hashings == []
        assert "data-captcha-image" not in page


class TestReset:
    def test_the_api_refuses_a_long_new_password(self, api_client, user):
        token = password_reset_token_make(user)
        response = post(
            api_client,
            "/api/v1/password/reset/confirm",
            {"token": token, "password": LONGEST + "x"},
        )
        assert field_errors(response) == {"password": [TOO_LONG]}
        user.refresh_from_db()
        assert user.check_password(STRONG_PASSWORD)

    def test_the_page_refuses_a_long_new_password(self, client, user):
        path = f"/user/password/reset/{password_reset_token_make(user)}/"
        response = client.post(
            path,
            {"password": HUGE, "password_confirm": HUGE},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == HTTPStatus.OK
        assert TOO_LONG in response.content.decode()


class TestChange:
    def test_a_huge_old_password_is_a_400_unhashed_and_uncounted(
        self, user, hashings, settings
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin_account": "2/15m"}
        client = signed_in(user)
        for _ in range(3):
            response = post(
                client,
                "/api/v1/password/change",
                {"old_password": HUGE, "password": "Another-Kiwi-77"},
            )
            assert field_errors(response) == {"old_password": [TOO_LONG]}
        assert hashings == []
        right = post(
            client,
            "/api/v1/password/change",
            {"old_password": STRONG_PASSWORD, "password": "Another-Kiwi-77"},
        )
        assert right.status_code == HTTPStatus.OK

    def test_a_long_new_password_is_refused(self, user):
        response = post(
            signed_in(user),
            "/api/v1/password/change",
            {"old_password": STRONG_PASSWORD, "password": LONGEST + "x"},
        )
        assert field_errors(response) == {"password": [TOO_LONG]}
        user.refresh_from_db()
        assert user.check_password(STRONG_PASSWORD)

    @pytest.mark.parametrize("field", ["old_password", "password"])
    def test_the_page_says_so(self, user, hashings, field):
        data = {
            "old_password": STRONG_PASSWORD,
            "password": "Another-Kiwi-77",
            "password_confirm": "Another-Kiwi-77",
            field: HUGE,
        }
        response = signed_in(user).post(
            "/user/password/change/", data, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == HTTPStatus.OK
        assert TOO_LONG in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(STRONG_PASSWORD)
