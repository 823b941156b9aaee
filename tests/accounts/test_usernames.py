"""Usernames: counted once written out, never an email address (issue 9)."""

from http import HTTPStatus

import pytest
from django.core.management import call_command

from haima.accounts.checks import usernames_with_at_sign
from haima.accounts.models import User
from haima.accounts.selectors import user_by_login
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    assert response.status_code == HTTPStatus.BAD_REQUEST
    return response.json()["data"]["errors"]


def log_in(api_client, login: str, password: str = STRONG_PASSWORD):
    return api_client.post_json("/api/v1/login", {"login": login, "password": password})


@pytest.mark.parametrize("username", ["㍿" * 40, "x" * 149 + "㍿", "ﷺ" * 10])
def test_a_name_that_grows_past_150_under_nfkc_is_a_400(
    api_client, registration, username
):
    response = api_client.post_json(
        "/api/v1/register", registration(username=username), HTTP_ACCEPT_LANGUAGE="en"
    )
    [message] = errors_of(response)["username"]
    assert "at most 150 characters" in message
    assert not User.objects.exists()


def test_a_name_of_150_once_written_out_is_welcome(api_client, registration):
    username = "x" * 146 + "㍿"  # 146 + 株式会社
    response = api_client.post_json("/api/v1/register", registration(username=username))
    assert response.status_code == HTTPStatus.CREATED
    assert User.objects.get().username == "x" * 146 + "株式会社"


def test_the_page_says_so_too(client, registration):
    body = registration(username="㍿" * 40)
    data = {
        **body,
        "captcha_0": body.pop("captcha_key"),
        "captcha_1": body.pop("captcha_answer"),
        "agree": "on",
    }
    response = client.post("/user/register/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.OK
    assert "at most 150 characters" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "username", ["ming@example.cn", "ming@", "@ming", "ming＠example.cn"]
)
def test_a_username_cannot_contain_an_at_sign(api_client, registration, username):
    response = api_client.post_json(
        "/api/v1/register", registration(username=username), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert errors_of(response)["username"] == [
        "A username cannot contain @; you can sign in with your email address as well."
    ]


def test_the_alphabet_message_no_longer_offers_the_at_sign(api_client, registration):
    response = api_client.post_json(
        "/api/v1/register", registration(username="ad min"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert errors_of(response)["username"] == [
        "Use only letters, digits, Chinese characters and . + - _ in your username."
    ]


class TestOlderUsernamesWithAnAtSign:
    """Made before the rule: they keep working, and stop shadowing addresses."""

    def test_the_owner_of_an_address_signs_in_with_it(self, api_client):
        owner = user_create("ming", "ming@example.cn")
        user_create("ming@example.cn", "squatter@example.cn", "Other-Pass-99")
        response = log_in(api_client, "ming@example.cn")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["data"]["user"]["id"] == owner.pk

    def test_the_email_wins_in_any_spelling(self):
        owner = user_create("ming", "ming@example.cn")
        user_create("Ming@Example.CN", None)
        assert user_by_login("MING@ｅｘａｍｐｌｅ.cn") == owner

    def test_such_a_username_still_signs_in(self, api_client):
        legacy = user_create("old@name", "old@example.cn")
        response = log_in(api_client, "OLD@name")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["data"]["user"]["id"] == legacy.pk

    def test_a_login_without_at_sign_is_only_a_username(self):
        user_create("xiaoming", "ming@example.cn")
        assert user_by_login("ming") is None

    def test_the_system_check_counts_them(self, capsys):
        assert usernames_with_at_sign(databases=["default"]) == []
        user_create("one@x", "one@x.cn")
        user_create("two@y", "two@x.cn")
        [warning] = usernames_with_at_sign(databases=["default"])
        assert warning.id == "haima.accounts.W001"
        assert warning.msg.startswith("2 account(s)")

    def test_manage_py_check_shows_it(self, capsys):
        user_create("one@x", "one@x.cn")
        call_command("check")
        assert "haima.accounts.W001" in capsys.readouterr().err
