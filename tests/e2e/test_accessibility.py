"""Every page passes axe-core: no serious or critical violation.

Each page of PAGES is opened once in each language the site speaks, checked
at 1280 px and again at 375 px wide, and saved as a screenshot at both
widths (var/test-output/screenshots/test_axe[<language>-<page>]-<width>.png).
A new page is one more line in PAGES.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from haima.accounts.tokens import activation_token_make, password_reset_token_make
from haima.accounts.views import REGISTERED
from tests.axe import axe_violations, format_violations
from tests.e2e.test_header import sign_in
from tests.factories import user_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": {"width": 1280, "height": 800}, "375": {"width": 375, "height": 740}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
WRONG_PASSWORD = "wrong-Pear-99"


@pytest.fixture(params=LOCALES.values(), ids=LOCALES.keys())
def page(request, browser):
    """conftest's page, once in each language (``screenshot`` takes this one)."""
    context = browser.new_context(locale=request.param, viewport=WIDTHS["1280"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# Openers: each brings a fresh page, signed out, to the state to check.


def visit(path: str):
    def open_page(page, live_server):
        page.goto(f"{live_server.url}{path}")

    return open_page


def signed_in(path: str):
    def open_page(page, live_server):
        sign_in(page, live_server, "xiaoming")
        page.goto(f"{live_server.url}{path}")

    return open_page


def activation_link(page, live_server):
    user = user_create(is_active=False)
    page.goto(f"{live_server.url}/user/active/{activation_token_make(user)}/")
    expect(page.locator("form button.button")).to_be_visible()


def password_reset_link(page, live_server):
    user = user_create()
    token = password_reset_token_make(user)
    page.goto(f"{live_server.url}/user/password/reset/{token}/")
    expect(page.locator("#id_password")).to_be_visible()


def register_refused(page, live_server):
    page.goto(f"{live_server.url}/user/register/")
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")


def register_typing(page, live_server):
    """What forms.js adds as people type: notes, the meter, 显示/隐藏."""
    page.goto(f"{live_server.url}/user/register/")
    page.fill("#id_username", "xiaoming")
    page.fill("#id_email", "ming@")
    page.fill("#id_password", "fresh-Mango-42")
    page.locator(".reveal").first.click()
    page.fill("#id_password_confirm", "fresh")
    page.locator("#id_password_confirm").blur()
    expect(page.locator(".field-ok")).to_be_visible()
    expect(page.locator(".strength")).to_be_visible()


def mail_sent(page, live_server):
    """The page after a sign-up, for the address this browser registered."""
    client = Client()
    session = client.session
    session[REGISTERED] = {"email": "ming@example.cn", "sent_at": time.time()}
    session.save()
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key,
          "url": live_server.url}]
    )  # fmt: skip
    page.goto(f"{live_server.url}/user/register/sent/")
    expect(page.locator(".sent-to")).to_have_text("ming@example.cn")


def login_refused_thrice(page, live_server):
    """Three wrong passwords: the error, and the captcha now asked for."""
    page.goto(f"{live_server.url}/user/login/")
    for _ in range(3):
        page.fill("#id_login", "xiaoming")
        page.fill("#id_password", WRONG_PASSWORD)
        page.locator("form.account-form button[type=submit]").click()
        expect(page.get_by_role("alert")).to_be_focused()
    expect(page.locator("#id_captcha_1")).to_be_visible()


PAGES = [
    pytest.param(visit("/"), id="home"),
    pytest.param(visit("/user/register/"), id="register"),
    pytest.param(register_refused, id="register-refused"),
    pytest.param(register_typing, id="register-typing"),
    pytest.param(mail_sent, id="register-mail-sent"),
    pytest.param(visit("/user/login/"), id="login"),
    pytest.param(login_refused_thrice, id="login-refused-captcha"),
    pytest.param(visit("/user/sms-login/"), id="sms-login"),
    pytest.param(visit("/user/password/reset/"), id="password-reset"),
    pytest.param(password_reset_link, id="password-reset-confirm"),
    pytest.param(visit("/user/password/reset/MQ.bad-token/"), id="reset-link-bad"),
    pytest.param(visit("/user/activation/resend/"), id="activation-resend"),
    pytest.param(activation_link, id="activate"),
    pytest.param(visit("/user/active/bad-token/"), id="activation-link-bad"),
    pytest.param(signed_in("/user/password/change/"), id="password-change"),
    pytest.param(signed_in("/user/account/phone/"), id="phone-bind"),
    pytest.param(visit("/no-such-page/"), id="404"),
    pytest.param(visit("/legal/terms/"), id="terms"),
    pytest.param(visit("/legal/privacy/"), id="privacy"),
]


@pytest.mark.parametrize("open_page", PAGES)
def test_axe(page, live_server, screenshot, open_page):
    open_page(page, live_server)
    report = []
    for label, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        screenshot(label)
        if violations := axe_violations(page):
            report.append(f"at {label} px:\n{format_violations(violations)}")
    assert not report, f"axe on {page.url}\n" + "\n".join(report)
