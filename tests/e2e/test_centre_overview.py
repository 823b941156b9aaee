"""The 账户中心's overview, re-authentication and username pages in a real
browser, in both languages: sign in, open the centre from the header, pass
through /user/account/verify/ to a guarded page, change the username; each
page checked by axe and photographed at 1280 and 375 px, no sideways scroll."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from config.celery import app
from haima.accounts.models import User
from tests.axe import assert_accessible
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, texted_code

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": {"width": 1280, "height": 800}, "375": {"width": 375, "height": 740}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}


@pytest.fixture(params=LOCALES.values(), ids=LOCALES.keys())
def page(request, browser):
    """conftest's page, once in each language (``screenshot`` takes this one)."""
    context = browser.new_context(locale=request.param, viewport=WIDTHS["1280"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def checked(page, screenshot, name: str) -> None:
    for label, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        screenshot(f"{name}-{label}")
        assert_accessible(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, (name, label, overflow)
    page.set_viewport_size(WIDTHS["1280"])


def test_overview_verify_and_username(page, live_server, screenshot):
    base = live_server.url
    user_create(phone="+8613800138000")
    page.goto(f"{base}/user/login/")
    page.fill("input[name=login]", "xiaoming")
    page.fill("input[name=password]", STRONG_PASSWORD)
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")

    page.click(".account-nav a[href='/user/account/']")
    page.wait_for_url(f"{base}/user/account/")
    expect(page.locator(".centre-username")).to_have_text("xiaoming")
    expect(page.locator(".centre-profile")).to_contain_text("m***@example.cn")
    expect(page.locator(".centre-profile")).to_contain_text("138****8000")
    expect(page.locator(".centre-nav a")).to_have_count(7)
    checked(page, screenshot, "overview")

    # A guarded page asks who is there, offering both ways, then comes back.
    page.click(".centre-nav a[href='/user/account/export/']")
    page.wait_for_url(f"{base}/user/account/verify/?next=*")
    expect(page.locator("#reauth-sms-title")).to_contain_text("138****8000")
    checked(page, screenshot, "verify")
    page.fill("#id_password", "not-it-123")
    page.click(".reauth-way button[value=password]")
    expect(page.locator("#id_password_error")).to_be_visible()
    checked(page, screenshot, "verify-wrong")
    page.fill("#id_password", STRONG_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base}/user/account/export/")

    # The username, from the overview
    page.goto(f"{base}/user/account/")
    page.click("a.centre-edit")
    page.wait_for_url(f"{base}/user/account/username/")
    checked(page, screenshot, "username")
    page.fill("#id_username", "xiaohong")
    page.press("#id_username", "Enter")
    page.wait_for_url(f"{base}/user/account/")
    expect(page.locator(".message")).to_contain_text("xiaohong")
    expect(page.locator(".centre-username")).to_have_text("xiaohong")
    page.goto(f"{base}/user/account/username/")
    expect(page.locator("#id_username")).to_have_count(0)  # once in 30 days
    checked(page, screenshot, "username-too-soon")


def test_a_texted_code_confirms_with_javascript(
    page, live_server, screenshot, settings, tmp_path, monkeypatch
):
    """获取验证码 sends by fetch (sms.js) to the bound phone, never typed."""
    settings.HAIMA_CAPTCHA_TEST_MODE = True  # PASSED solves a live captcha
    settings.SMS_BACKEND = "haima.sms.backends.file.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    # A phone-only account (as SMS sign-up makes), signed in.
    client = Client()
    client.force_login(
        User.objects.create_user("13800138000", None, None, phone="+8613800138000")
    )
    base = live_server.url
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}]
    )

    page.goto(f"{base}/user/account/verify/?next=/user/account/sessions/")
    expect(page.locator("#id_password")).to_have_count(0)
    page.fill("input[name=captcha_1]", "PASSED")
    page.click("[data-sms-send]")
    expect(page.locator("[data-sms-send]")).to_be_disabled()  # counting down
    expect(page.locator("[data-sms-status]")).not_to_be_empty()
    checked(page, screenshot, "verify-code-sent")
    code = texted_code(settings.SMS_FILE_PATH, "13800138000", "login")
    page.fill("input[name=code]", code)
    page.press("input[name=code]", "Enter")
    page.wait_for_url(f"{base}/user/account/sessions/")
