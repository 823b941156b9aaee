from http import HTTPStatus

import pytest
from captcha.models import CaptchaStore

pytestmark = pytest.mark.django_db


def test_get_captcha_is_a_fresh_key_each_time(api_client):
    first = api_client.get("/api/v1/captcha").json()
    second = api_client.get("/api/v1/captcha").json()
    assert first["code"] == HTTPStatus.OK
    assert first["data"]["key"] != second["data"]["key"]
    assert first["data"]["image_url"] == f"/captcha/image/{first['data']['key']}/"


def test_refresh_gives_a_different_png(api_client):
    images = []
    for _ in range(2):
        data = api_client.get("/api/v1/captcha").json()["data"]
        response = api_client.get(data["image_url"])
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "image/png"
        images.append(response.content)
    assert images[0] != images[1]


def test_check_right_answer(api_client, captchas):
    key = captchas.issue()
    response = api_client.post_json(
        "/api/v1/captcha/check", {"key": key, "answer": captchas.answer(key)}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"] == {"valid": True}
    assert captchas.is_live(key)


def test_check_wrong_answer_is_400_and_spends(api_client, captchas):
    key = captchas.issue()
    response = api_client.post_json(
        "/api/v1/captcha/check",
        {"key": key, "answer": "nope"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    body = response.json()
    assert response.status_code == body["code"] == HTTPStatus.BAD_REQUEST
    assert body["data"] == {"errors": {"captcha": ["验证码错误，请输入新的验证码。"]}}
    assert not captchas.is_live(key)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, "key answer"),
        ({"key": "0" * 40}, "answer"),
        ({"key": 12, "answer": "abcd"}, "key"),
        ({"key": None, "answer": "abcd"}, "key"),
        ({"key": "0" * 40, "answer": ["a"]}, "answer"),
        ({"key": "0" * 40, "answer": "abcd"}, "captcha"),
        ({"key": "\u0000" * 40, "answer": "abcd"}, "captcha"),
        ({"key": "0" * 10_000, "answer": "x" * 10_000}, "captcha"),
        ({"key": "钥匙", "answer": "验证"}, "captcha"),
    ],
)
def test_malformed_checks_are_clear_400s(api_client, payload, fields):
    response = api_client.post_json("/api/v1/captcha/check", payload)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["data"]["errors"]) == fields.split()


def test_a_body_that_is_not_an_object_is_a_400(api_client):
    response = api_client.post(
        "/api/v1/captcha/check",
        "[1, 2]",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=api_client.csrf_token(),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_unknown_image_key_is_gone_not_an_error(api_client):
    assert api_client.get(f"/captcha/image/{'0' * 40}/").status_code == HTTPStatus.GONE


def test_issuing_is_limited_per_ip(api_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "captcha_ip": "3/m"}
    statuses = [api_client.get("/api/v1/captcha").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = api_client.get("/api/v1/captcha", REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 200


class TestOneLimitForEveryWayToMint:
    """The API, simple-captcha's refresh URL and page renders share captcha_ip."""

    @pytest.fixture(autouse=True)
    def three_a_minute(self, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "captcha_ip": "3/m"}

    def refresh(self, client):
        return client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    def test_the_refresh_url_counts_and_refuses(self, client):
        statuses = [self.refresh(client).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert CaptchaStore.objects.count() == 3
        refused = self.refresh(client)
        assert 0 < int(refused["Retry-After"]) <= 60
        assert refused.json()["error"]

    def test_api_refresh_and_pages_share_one_count(self, api_client, client):
        assert api_client.get("/api/v1/captcha").status_code == 200
        assert self.refresh(client).status_code == 200
        assert "data-captcha-image" in client.get("/user/register/").content.decode()
        page = client.get("/user/register/").content.decode()
        assert "data-captcha-image" not in page  # the fourth: refused, no row
        assert "请求图形验证码过于频繁" in page
        assert CaptchaStore.objects.count() == 3
        assert api_client.get("/api/v1/captcha").status_code == 429
