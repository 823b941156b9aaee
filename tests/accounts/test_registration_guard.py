"""Who is registered shows only past a captcha, and sign-ups are limited per IP."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from haima.core.ratelimit import Rate, rate_for
from tests.factories import user_create

pytestmark = pytest.mark.django_db

TAKEN = {"username": "xiaoming", "email": "ming@example.cn"}
FREE = {"username": "xiaohong", "email": "hong@example.cn"}


def register(api_client, body: dict):
    return api_client.post_json("/api/v1/register", body, HTTP_ACCEPT_LANGUAGE="en")


def page_data(body: dict) -> dict:
    data = {
        **body,
        "captcha_0": body["captcha_key"],
        "captcha_1": body["captcha_answer"],
        "agree": "on",
    }
    del data["captcha_key"], data["captcha_answer"]
    return data


@pytest.fixture
def taken():
    return user_create(**TAKEN)


def bad_captcha(captchas, kind: str) -> dict:
    if kind == "missing":
        return {"captcha_key": "", "captcha_answer": ""}
    if kind == "wrong":
        return {"captcha_key": captchas.issue(), "captcha_answer": "nope"}
    key = captchas.issue()
    captchas.expire(key)
    return {"captcha_key": key, "captcha_answer": captchas.answer(key)}


@pytest.mark.parametrize("kind", ["missing", "wrong", "expired"])
def test_without_the_captcha_a_taken_name_reads_like_a_free_one(
    api_client, registration, captchas, taken, kind
):
    answers = [
        register(api_client, registration(**names, **bad_captcha(captchas, kind)))
        for names in (TAKEN, FREE)
    ]
    assert answers[0].json() == answers[1].json()
    assert list(answers[0].json()["data"]["errors"]) == ["captcha"]


def test_without_the_captcha_format_errors_still_show(
    api_client, registration, captchas, taken
):
    body = registration(
        username="ad min", email="nope", **bad_captcha(captchas, "wrong")
    )
    errors = register(api_client, body).json()["data"]["errors"]
    assert set(errors) == {"username", "email", "captcha"}


def test_with_the_captcha_a_taken_name_is_said(api_client, registration, taken):
    errors = register(api_client, registration(**TAKEN)).json()["data"]["errors"]
    assert errors == {
        "username": ["A user with that username already exists."],
        "email": ["A user with that email already exists."],
    }


def test_the_page_checks_the_captcha_first_too(client, registration, captchas, taken):
    pages = [
        client.post(
            "/user/register/",
            page_data(registration(**names, **bad_captcha(captchas, "wrong"))),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        for names in (TAKEN, FREE)
    ]
    for html in pages:
        assert "already exists" not in html
    assert (
        "already exists"
        in client.post(
            "/user/register/",
            page_data(registration(**TAKEN)),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    )


def test_the_default_limit():
    assert rate_for("register_ip") == Rate(10, 3600)


class TestLimitPerIp:
    @pytest.fixture(autouse=True)
    def two_an_hour(self, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register_ip": "2/h"}

    def test_every_attempt_counts_then_the_api_answers_429(
        self, api_client, registration, captchas
    ):
        refused = register(api_client, registration(captcha_answer="nope"))
        assert refused.status_code == HTTPStatus.BAD_REQUEST
        assert register(api_client, registration()).status_code == HTTPStatus.CREATED
        body = registration(**FREE)
        response = register(api_client, body)
        envelope = response.json()
        assert response.status_code == envelope["code"] == HTTPStatus.TOO_MANY_REQUESTS
        retry_after = envelope["data"]["retry_after"]
        assert 0 < retry_after <= 3600
        assert response["Retry-After"] == str(retry_after)
        assert captchas.is_live(body["captcha_key"])  # not looked at, not spent
        assert User.objects.count() == 1

    def test_the_page_shows_a_form_error_and_checks_nothing(
        self, client, registration, captchas
    ):
        for _ in range(2):
            client.post("/user/register/", {})
        body = registration()
        response = client.post(
            "/user/register/", page_data(body), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "Too many attempts; please try again later." in html
        assert "This field is required" not in html
        assert captchas.is_live(body["captcha_key"])
        assert not User.objects.exists()

    def test_page_and_api_share_the_count(self, client, api_client, registration):
        client.post("/user/register/", {})
        register(api_client, registration(captcha_answer="nope"))
        response = register(api_client, registration())
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS

    def test_each_network_has_its_own_count(self, api_client, registration):
        for _ in range(2):
            register(api_client, registration(captcha_answer="nope"))
        other = api_client.post_json(
            "/api/v1/register", registration(), REMOTE_ADDR="192.0.2.7"
        )
        assert other.status_code == HTTPStatus.CREATED
