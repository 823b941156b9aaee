"""/user/register/: the form, its errors in Chinese, and success."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from haima.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


def form_data(registration, **overrides) -> dict:
    body = registration(**overrides)
    data = {
        **body,
        "captcha_0": body.pop("captcha_key"),
        "captcha_1": body.pop("captcha_answer"),
    }
    data["agree"] = "on" if data["agree"] else ""
    return data


def test_the_form_has_every_field(client):
    html = client.get("/user/register/").content.decode()
    for name in ("username", "email", "password", "password_confirm", "agree"):
        assert f'name="{name}"' in html
    assert 'name="captcha_0"' in html and "data-captcha-image" in html
    assert "同意《海马生鲜用户使用协议》" in html
    assert "haima/js/captcha.js" in html


def test_success_redirects_to_the_index_with_a_message(client, registration):
    response = client.post("/user/register/", form_data(registration), follow=True)
    assert response.redirect_chain == [("/", HTTPStatus.FOUND)]
    html = response.content.decode()
    assert "激活链接已发送到 ming@example.cn" in html
    assert not User.objects.get(username="xiaoming").is_active
    assert OutboundEmail.objects.count() == 1


def test_errors_are_shown_per_field_in_chinese(client, registration):
    data = form_data(
        registration, email="nope", agree=False, password_confirm="other-Pass-1"
    )
    response = client.post("/user/register/", data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "请勾选同意用户协议。" in html
    assert "两次输入的密码不一致。" in html
    assert "有效的" in html  # Django's own: 输入一个有效的 Email 地址。
    assert 'value="xiaoming"' in html  # what was typed is kept…
    assert "fresh-Mango-42" not in html  # …but never a password
    assert not User.objects.exists()


def test_empty_form_asks_for_everything(client):
    html = client.post("/user/register/", {}).content.decode()
    assert html.count("此项为必填项。") >= 4
    assert "请输入验证码。" in html


def test_english_on_request(client, registration):
    response = client.post(
        "/user/register/",
        form_data(registration, agree=False),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Please tick to agree to the user agreement." in response.content.decode()
