"""The journeys with JavaScript off: every page is a plain form.

Register (a new captcha by the 看不清？换一张 link, the answer read from the
database), the mail-sent page, activate from the email received over SMTP,
sign in by password; and sign in by SMS code (one form, two buttons).
Screenshots: test_<name>-<step>.png. No axe here: with scripts off,
Playwright's page.evaluate (which tests/axe.py runs axe through) never
returns; test_journeys.py checks the same pages with scripts on.
"""

import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import expect

from haima.accounts.models import User
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, activation_link, texted_code

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "小明"
EMAIL = "ming@example.cn"
PHONE = "13800138000"
SUBMIT = "form.account-form button[type=submit]"


@pytest.fixture
def page(browser):
    """A Chinese phone-sized page that runs no script of the site's."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740},
        java_script_enabled=False,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def captcha_key(page) -> str:
    return page.locator("input[name=captcha_0]").input_value()


def test_register_activate_and_sign_in_without_js(
    page, live_server, mail_delivery, screenshot
):
    url = live_server.url
    page.goto(f"{url}/user/register/")
    # The image button needs the script: it stays disabled, the link stands in.
    expect(page.locator("[data-captcha-refresh]")).to_be_disabled()
    first = captcha_key(page)
    page.locator("a.captcha-reload").click()  # 看不清？换一张: the form again
    page.wait_for_load_state()
    assert captcha_key(page) not in ("", first)
    screenshot("register")

    page.fill("#id_username", NAME)
    page.fill("#id_email", EMAIL)
    page.fill("#id_password", STRONG_PASSWORD)
    page.fill("#id_password_confirm", STRONG_PASSWORD)
    page.check("#id_agree")
    answer = CaptchaStore.objects.get(hashkey=captcha_key(page)).response
    page.fill("input[name=captcha_1]", answer)
    page.click(SUBMIT)

    expect(page).to_have_url(f"{url}/user/register/sent/")
    expect(page.locator(".sent-to")).to_have_text(EMAIL)
    resend = page.locator("button[data-countdown]")
    expect(resend).to_be_disabled()  # the server's countdown, not the script's
    expect(resend).to_have_text("60 秒后可重新发送")
    screenshot("mail-sent")

    [message] = mail_delivery.wait_for(1)
    page.goto(activation_link(message.get_body(("plain",)).get_content()))
    expect(page.locator(".account-summary")).to_contain_text(NAME)
    screenshot("activate")
    page.get_by_role("button", name="激活", exact=True).click()

    expect(page).to_have_url(f"{url}/user/login/")
    assert User.objects.get(username=NAME).is_active
    expect(page.locator("#id_login")).to_have_value(NAME)
    expect(page.locator("#id_password")).to_be_focused()  # autofocus, no script
    screenshot("login-prefilled")

    page.fill("#id_password", STRONG_PASSWORD)
    page.click(SUBMIT)
    expect(page).to_have_url(f"{url}/")
    expect(page.locator(".signed-in strong")).to_have_text(NAME)
    screenshot("signed-in")


@pytest.fixture
def sms_file(settings, tmp_path, in_process):
    """Codes go to a JSON-lines file; PASSED solves any live captcha."""
    settings.HAIMA_CAPTCHA_TEST_MODE = True
    settings.SMS_BACKEND = "haima.sms.backends.file.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def test_sign_in_by_sms_without_js(page, live_server, sms_file, screenshot):
    """获取验证码 submits the form (action=send); 登录 then signs in."""
    user_create(username=NAME, email=EMAIL, phone=f"+86{PHONE}")
    page.goto(f"{live_server.url}/user/sms-login/")
    page.fill("input[name=phone]", PHONE)
    page.fill("input[name=captcha_1]", "PASSED")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state()

    expect(page.locator("input[name=phone]")).to_have_value(PHONE)
    expect(page.locator("[data-sms-status]")).to_contain_text(PHONE)
    expect(page.locator(".field-error, .form-error")).to_have_count(0)
    page.fill("input[name=code]", texted_code(sms_file, PHONE, "login"))
    screenshot("sms")

    page.click("form.account-form button.button[value=login]")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".signed-in strong")).to_have_text(NAME)
    screenshot("sms-signed-in")
