"""The whole journey in a browser: register, activate from the email received
over SMTP, sign in remembered, see the name, sign out, find the name kept."""

import pytest
from captcha.models import CaptchaStore

from haima.accounts.models import User
from tests.helpers import STRONG_PASSWORD, activation_link

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_delivery(request, mailbox, live_server, settings):
    """Activation mail reaches the SMTP server: through the Celery worker
    with services, in-process after the response when embedded."""
    settings.SITE_URL = live_server.url
    if not request.config.getoption("embedded"):
        request.getfixturevalue("celery_worker")
    return mailbox


def solve_captcha(page) -> None:
    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)


def test_register_activate_sign_in_and_out(
    page, live_server, mail_delivery, screenshot
):
    page.goto(f"{live_server.url}/user/register/")
    screenshot("form")

    page.fill("#id_username", "小明")
    page.fill("#id_email", "ming@example.cn")
    page.fill("#id_password", STRONG_PASSWORD)
    page.fill("#id_password_confirm", "not-the-same-42")
    solve_captcha(page)
    page.click("button[type=submit]")
    assert page.locator(".field-error").first.is_visible()
    screenshot("errors")
    assert "两次输入的密码不一致" in page.content()

    page.fill("#id_password", STRONG_PASSWORD)
    page.fill("#id_password_confirm", STRONG_PASSWORD)
    page.check("#id_agree")
    solve_captcha(page)  # the failed attempt spent the first captcha
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "激活链接已发送到 ming@example.cn" in page.locator(".messages").inner_text()
    screenshot("registered")

    [message] = mail_delivery.wait_for(1)
    link = activation_link(message.get_body(("plain",)).get_content())
    assert link.startswith(live_server.url)
    page.goto(link)
    assert "小明" in page.locator(".account-summary").inner_text()
    screenshot("activate")
    assert not User.objects.get(username="小明").is_active

    page.click("button:has-text('激活')")
    page.wait_for_url(f"{live_server.url}/user/login/")
    assert User.objects.get(username="小明").is_active
    assert "账户已激活" in page.locator(".messages").inner_text()

    page.fill("#id_login", "小明")
    page.fill("#id_password", STRONG_PASSWORD)
    page.check("#id_remember")
    screenshot("login")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "小明" in page.locator(".signed-in").inner_text()
    screenshot("signed-in")

    page.click("button:has-text('退出')")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".signed-in").count() == 0
    page.goto(f"{live_server.url}/user/login/")
    assert page.input_value("#id_login") == "小明"
    assert page.is_checked("#id_remember")
    screenshot("remembered")
