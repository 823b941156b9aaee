"""/user/login/: messages, captcha, remember-me pre-fill, safe ``next``."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, password=STRONG_PASSWORD, **extra):
    data = {"login": "xiaoming", "password": password, **extra}
    return client.post("/user/login/", data)


def test_success_redirects_to_the_index(client, user):
    response = post_login(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert "xiaoming" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/user/password/change/", "/user/password/change/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http://testserver.evil.example/", "/"),
    ],
)
def test_next_is_followed_only_inside_the_site(client, user, target, expected):
    assert post_login(client, next=target)["Location"] == expected


def test_wrong_password_message(client, user):
    html = post_login(client, "nope").content.decode()
    assert "用户名或密码错误" in html


def test_inactive_account_gets_a_resend_link(client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    html = post_login(client).content.decode()
    assert "账号未激活" in html
    assert 'href="/user/activation/resend/"' in html


def test_captcha_appears_after_three_failures(client, user, captchas):
    for _ in range(2):
        assert "data-captcha-image" not in post_login(client, "nope").content.decode()
    # The third failure's answer already shows it, and so does the page.
    assert "data-captcha-image" in post_login(client, "nope").content.decode()
    html = client.get("/user/login/").content.decode()
    assert "data-captcha-image" in html and "haima/js/captcha.js" in html
    assert "请输入图形验证码" in post_login(client).content.decode()
    key, answer = captchas.solved()
    response = post_login(client, captcha_0=key, captcha_1=answer)
    assert response.status_code == HTTPStatus.FOUND


def test_remembered_username_is_prefilled(client, user):
    post_login(client, remember="on")
    client.post("/user/logout/")
    html = client.get("/user/login/").content.decode()
    assert 'value="xiaoming"' in html
    assert 'name="remember" id="id_remember" checked' in html


def password_box(html: str) -> str:
    start = html.index('name="password"')
    return html[html.rindex("<input", 0, start) : html.index(">", start)]


def test_a_remembered_username_puts_the_cursor_in_the_password_box(client, user):
    assert "autofocus" not in password_box(client.get("/user/login/").content.decode())
    post_login(client, remember="on")
    client.post("/user/logout/")
    assert "autofocus" in password_box(client.get("/user/login/").content.decode())


def test_logging_out_says_so_once(client, user):
    post_login(client)
    response = client.post("/user/logout/", follow=True)
    assert "您已退出登录。" in response.content.decode()
    assert "您已退出登录。" not in client.get("/").content.decode()


def test_a_chinese_username_is_remembered(client):
    User.objects.create_user("小明", "xm@example.cn", STRONG_PASSWORD)
    client.post(
        "/user/login/", {"login": "小明", "password": STRONG_PASSWORD, "remember": "on"}
    )
    assert client.cookies["remembered_username"].value.isascii()
    assert 'value="小明"' in client.get("/user/login/").content.decode()


def test_unticking_forgets_the_username(client, user):
    post_login(client, remember="on")
    client.post("/user/logout/")
    post_login(client)
    client.post("/user/logout/")
    assert 'value="xiaoming"' not in client.get("/user/login/").content.decode()
