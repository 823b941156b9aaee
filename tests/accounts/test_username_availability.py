"""GET /api/v1/username/availability: 可用 or 已被占用 as people type.

Usernames are public names, so the answer tells nothing private; it is
counted per network, and it never looks up an email address.
"""

from http import HTTPStatus

import pytest

from tests.factories import user_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/username/availability"


def check(client, username, **headers):
    return client.get(URL, {"username": username}, **headers)


def test_a_free_name_is_available(client):
    response = check(client, "小明")
    body = response.json()
    assert response.status_code == body["code"] == HTTPStatus.OK
    assert body["data"] == {"available": True}
    assert body["message"] == "用户名可用。"


@pytest.mark.parametrize(
    "typed", ["xiaoming", "XiaoMing", "ｘｉａｏｍｉｎｇ", " xiaoming "]
)
def test_a_taken_name_is_taken_whatever_its_spelling(client, typed):
    user_create(username="xiaoming")
    body = check(client, typed).json()
    assert body["data"] == {"available": False}
    assert body["message"] == "用户名已被占用。"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请输入用户名。"),
        ("   ", "请输入用户名。"),
        ("ming@example.cn", "用户名不能包含 @"),
        ("a b", "用户名只能包含"),
        ("ad\u200bmin", "不可见"),
        ("x" * 151, "150"),
    ],
)
def test_a_name_the_rules_refuse_gets_the_sign_up_words(client, typed, message):
    response = check(client, typed)
    body = response.json()
    assert response.status_code == body["code"] == HTTPStatus.BAD_REQUEST
    [error] = body["data"]["errors"]["username"]
    assert message in error


def test_an_email_address_is_never_looked_up(client):
    user_create(username="xiaoming", email="ming@example.cn")
    body = check(client, "ming@example.cn").json()
    assert "available" not in body["data"]


def test_english_on_request(client):
    user_create(username="xiaoming")
    body = check(client, "xiaoming", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"] == "This username is taken."


def test_counted_per_network(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "username_check_ip": "3/h"}
    statuses = [check(client, f"name{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = check(client, "name9")
    assert 0 < int(response["Retry-After"]) <= 3600


def test_only_get(client):
    response = client.post(URL, {"username": "x"}, content_type="application/json")
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED)
