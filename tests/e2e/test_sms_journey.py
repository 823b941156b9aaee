"""SMS codes in a real browser: sign in by phone (the countdown surviving a
reload), bind a phone to a password account, and both without JavaScript;
then the pages as a customer sees them, on a desktop and on a phone."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from config.celery import app
from haima.accounts.models import User
from tests.factories import user_create
from tests.harness import OUTPUT_DIR
from tests.helpers import STRONG_PASSWORD, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13800138000"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}
SEND = "[data-sms-send]"


class SmsOutbox:
    """The file SMS backend's JSON lines: what a customer's phone received."""

    def __init__(self, path: Path):
        self.path = path

    def messages(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()]

    def code_for(self, phone: str, purpose: str) -> str:
        """The latest code texted to ``phone`` for ``purpose``, once there."""

        def mine() -> list[dict]:
            return [
                m for m in self.messages()
                if m["phone"].endswith(phone) and m["purpose"] == purpose
            ]  # fmt: skip

        wait_for(lambda: bool(mine()), 10, f"an SMS code to {phone}")
        return mine()[-1]["code"]


@pytest.fixture
def sms_outbox(settings, tmp_path, monkeypatch):
    """Codes go to a file; PASSED solves any live captcha.

    The SMS task runs in the live server's thread once the response is sent,
    with or without --embedded: with services the broker would be Redis, and
    no worker here reads this test's settings.
    """
    settings.HAIMA_CAPTCHA_TEST_MODE = True
    settings.SMS_BACKEND = "haima.sms.backends.file.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    return SmsOutbox(tmp_path / "sms.jsonl")


def save_screenshot(page, name: str) -> Path:
    folder = OUTPUT_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def wait_for_countdown(page) -> None:
    """Until 获取验证码 counts down (it is disabled from the click on)."""
    expect(page.locator(SEND)).to_have_text(re.compile(r"\d"))


def seconds_left(page) -> int:
    """The seconds the disabled 获取验证码 button counts down."""
    button = page.locator(SEND)
    assert button.is_disabled()
    return int(re.search(r"\d+", button.inner_text()).group(0))


def test_sign_in_by_sms_with_countdown_across_a_reload(
    page, live_server, sms_outbox, screenshot
):
    page.clock.install()  # the countdown's time is the test's to move
    page.goto(f"{live_server.url}/user/login/")
    page.click(".tabs a[href^='/user/sms-login/']")
    page.wait_for_url(f"{live_server.url}/user/sms-login/")
    assert (
        page.locator(".tabs a[aria-current=page]")
        .get_attribute("href")
        .startswith("/user/sms-login/")
    )
    assert page.locator(SEND).inner_text() == "获取验证码"
    screenshot("form")

    page.fill("input[name=phone]", PHONE)
    page.fill("input[name=captcha_1]", "PASSED")
    page.click(SEND)
    wait_for_countdown(page)
    assert page.locator("[data-sms-status]").inner_text() != ""
    first = seconds_left(page)
    assert 55 <= first <= 60
    # Sending spent the captcha: the widget shows a fresh one, answer empty.
    expect(page.locator("input[name=captcha_1]")).to_have_value("")
    page.wait_for_load_state("networkidle")
    # Sending did not pre-check the answer it spent: no ✗ on the new captcha.
    assert page.locator(".captcha-status.fail").count() == 0
    screenshot("sent")

    page.clock.fast_forward(5_000)
    expect(page.locator(SEND)).not_to_have_text(re.compile(str(first)))
    second = seconds_left(page)
    assert second < first

    page.reload()
    wait_for_countdown(page)
    assert seconds_left(page) <= second
    assert page.input_value("input[name=phone]") == PHONE  # kept with the countdown
    screenshot("reloaded")

    page.clock.fast_forward(60_000)  # the cooldown over: 重新发送
    page.wait_for_selector(f"{SEND}:not([disabled])")
    assert page.locator(SEND).inner_text() == "重新发送"

    page.fill("input[name=code]", sms_outbox.code_for(PHONE, "login"))
    page.click("button.button[value=login]")
    page.wait_for_url(f"{live_server.url}/")
    user = User.objects.get(phone=f"+86{PHONE}")
    assert user.username in page.locator(".signed-in").inner_text()
    screenshot("signed-in")


def test_bind_a_phone_to_a_password_account(page, live_server, sms_outbox, screenshot):
    user_create(username="xiaohong", email="hong@example.cn")
    page.goto(f"{live_server.url}/user/login/")
    page.fill("#id_login", "xiaohong")
    page.fill("#id_password", STRONG_PASSWORD)
    page.click(".account-form button.button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/user/account/phone/")
    screenshot("form")
    page.fill("input[name=phone]", "13912340000")
    page.fill("input[name=captcha_1]", "PASSED")
    page.click(SEND)
    wait_for_countdown(page)
    page.fill("input[name=code]", sms_outbox.code_for("13912340000", "bind"))
    screenshot("code")
    page.click("button.button[value=bind]")

    page.wait_for_url(f"{live_server.url}/user/account/phone/")
    assert "139****0000" in page.locator(".messages").inner_text()
    assert "139****0000" in page.locator(".panel .intro").inner_text()
    assert User.objects.get(username="xiaohong").phone == "+8613912340000"
    # That code is used up: the form is ready for another number.
    assert page.input_value("input[name=phone]") == ""
    assert page.locator(SEND).is_enabled()
    screenshot("bound")


def test_without_javascript_send_then_sign_in(browser, live_server, sms_outbox):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1024, "height": 700},
        java_script_enabled=False,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/user/sms-login/")
        page.fill("input[name=phone]", PHONE)
        page.fill("input[name=captcha_1]", "wrong")
        page.click(SEND)  # submits the form: action=send
        page.wait_for_load_state()
        assert page.input_value("input[name=phone]") == PHONE
        assert page.locator("form .form-error, form .field-error").count() == 1
        save_screenshot(page, "test_without_javascript_send_then_sign_in-wrong-captcha")

        first_key = page.input_value("input[name=captcha_0]")
        page.fill("input[name=captcha_1]", "PASSED")
        page.click(SEND)  # submits the form: action=send
        page.wait_for_load_state()

        # The page again, the phone kept, a fresh captcha, the code on its way.
        assert page.input_value("input[name=phone]") == PHONE
        assert page.input_value("input[name=captcha_0]") not in ("", first_key)
        assert page.input_value("input[name=captcha_1]") == ""
        assert PHONE in page.locator("[data-sms-status]").inner_text()
        assert page.locator(".form-error, .field-error").count() == 0
        save_screenshot(page, "test_without_javascript_send_then_sign_in-sent")

        # Enter in the code box signs in: the default button is not 获取验证码.
        page.fill("input[name=code]", sms_outbox.code_for(PHONE, "login"))
        page.press("input[name=code]", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        user = User.objects.get(phone=f"+86{PHONE}")
        assert user.username in page.locator(".signed-in").inner_text()
        save_screenshot(page, "test_without_javascript_send_then_sign_in-signed-in")
    finally:
        context.close()


# --- How the pages look: desktop and phone, Chinese and English ------------

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`);
  }
  if (window.innerWidth <= 480) {
    const targets = document.querySelectorAll(
      "main a, main button, main input:not([type=hidden]):not([type=checkbox]), " +
      "main label:has(input[type=checkbox]), main [data-captcha-image]");
    for (const el of targets) {
      if (el.classList.contains("default-action")) continue;
      const box = el.getBoundingClientRect();
      if (box.width < 44 || box.height < 44) {
        problems.push(`small tap target ${el.outerHTML.slice(0, 60)}: ` +
                      `${Math.round(box.width)}x${Math.round(box.height)}`);
      }
    }
  }
  const send = document.querySelector("[data-sms-send]");
  const code = document.querySelector("input[name=code]");
  if (send && code) {
    const a = send.getBoundingClientRect(), b = code.getBoundingClientRect();
    if (Math.abs(a.top - b.top) > 1 || a.left < b.right) {
      problems.push("获取验证码 is not at the right end of the code row");
    }
    if (send.scrollWidth > send.clientWidth) {
      problems.push(`button text overflows: ${send.textContent}`);
    }
  }
  return problems;
}"""


@pytest.mark.services  # screenshots of every state: once is enough
@pytest.mark.parametrize("size", ["desktop", "mobile"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pages_fit_desktop_and_mobile(browser, live_server, sms_outbox, lang, size):
    """Screenshots of each page and state (sms-<size>-<lang>-<step>.png), each
    checked for sideways scrolling, small tap targets on a phone, and 获取验证码
    at the right end of the code row with its countdown fitting."""
    context = browser.new_context(
        locale=lang, viewport=DESKTOP if size == "desktop" else MOBILE
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    name = f"sms-{size}-{lang}"

    def look(step: str) -> None:
        save_screenshot(page, f"{name}-{step}")
        assert page.evaluate(LAYOUT_PROBLEMS) == [], step

    try:
        page.goto(f"{live_server.url}/user/login/")
        look("login")
        page.goto(f"{live_server.url}/user/sms-login/")
        look("sms-before")

        page.fill("input[name=phone]", "12345")
        page.press("input[name=phone]", "Enter")  # on to the captcha
        page.fill("input[name=captcha_1]", "PASSED")
        page.press("input[name=captcha_1]", "Enter")  # no code yet: send
        page.wait_for_selector(".has-error input[name=phone][aria-invalid=true]")
        look("sms-phone-error")
        page.fill("input[name=phone]", PHONE)
        page.fill("input[name=captcha_1]", "wrong")
        page.press("input[name=captcha_1]", "Enter")
        page.wait_for_selector("[data-sms-captcha-field].has-error .field-error")
        assert page.locator("input[name=phone][aria-invalid]").count() == 0
        look("sms-captcha-error")

        page.fill("input[name=captcha_1]", "PASSED")
        page.click(SEND)
        wait_for_countdown(page)
        expect(page.locator("input[name=captcha_1]")).to_have_value("")
        page.wait_for_load_state("networkidle")
        assert page.locator(".captcha-status.fail").count() == 0
        look("sms-after")
        page.click("button.button[value=login]")
        page.wait_for_selector(".sms-code-field.has-error")
        look("sms-no-code")

        client = Client()
        client.force_login(user_create())
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
              "url": live_server.url}]
        )  # fmt: skip
        page.goto(f"{live_server.url}/user/account/phone/")
        look("phone")
    finally:
        context.close()
