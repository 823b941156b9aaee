"""The 账户中心 in a real browser: sign in, confirm it is you, change the
email through the mailed link, see the sessions of two browsers and end the
other one, download one's personal data, cancel the account, be offered the
undo, and be refused once it is erased; each page checked by axe and
photographed on a desktop and on a phone."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from haima.accounts.models import User
from haima.centre.services.cancel import accounts_erase_due
from tests.axe import assert_accessible
from tests.factories import user_create
from tests.harness import OUTPUT_DIR
from tests.helpers import STRONG_PASSWORD

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WIDTHS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 740},
}


def checked(page, name: str) -> None:
    """axe and a full-page screenshot at 1280 and at 375 px, no sideways scroll."""
    folder = OUTPUT_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=folder / f"centre-{name}-{label}.png", full_page=True)
        assert_accessible(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, (name, label, overflow)
    page.set_viewport_size(WIDTHS["desktop"])


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/user/login/")
    page.fill("input[name=login]", "xiaoming")
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("form.account-form button[type=submit]")


def mailed_path(message, marker: str) -> str:
    """The path of the mailed link holding ``marker`` (the worker's SITE_URL
    is its own, so only the path is followed)."""
    text = message.get_body(("plain",)).get_content()
    link = re.search(rf"https?://[^/\s]+({re.escape(marker)}\S*)", text)
    return link.group(1)


def test_the_account_centre_from_sign_in_to_erasure(
    page, browser, live_server, settings, mail_delivery
):
    base = live_server.url
    user = user_create(phone="+8613800138000")

    sign_in(page, base)
    page.goto(f"{base}/user/account/")
    expect(page.locator("h1")).to_be_visible()
    checked(page, "overview")

    # Changing the email first asks for the password (sudo mode)...
    page.goto(f"{base}/user/account/email/")
    page.wait_for_url(re.compile(r"/user/account/verify/\?next="))
    checked(page, "verify")
    page.fill("#id_password", STRONG_PASSWORD)
    page.click("button[name=action][value=password]")
    page.wait_for_url(f"{base}/user/account/email/")
    checked(page, "email")
    # ...then the new address gets a link, and only the click changes it.
    page.fill("#id_email", "ming.new@example.cn")
    page.click("form.account-form button[type=submit]")
    [confirm] = mail_delivery.wait_for(1)
    assert confirm["To"] == "ming.new@example.cn"
    user.refresh_from_db()
    assert user.email == "ming@example.cn"
    page.goto(base + mailed_path(confirm, "/user/account/email/confirm/"))
    checked(page, "email-confirm")
    page.click("form button.button")
    expect(page.locator(".messages")).to_be_visible()
    user.refresh_from_db()
    assert user.email == "ming.new@example.cn"

    # A second browser signs in; the first sees both and ends the other.
    other = browser.new_context(locale="zh-CN").new_page()
    sign_in(other, base)
    other.goto(f"{base}/api/v1/me")
    assert '"username": "xiaoming"' in other.content()
    page.goto(f"{base}/user/account/sessions/")
    expect(page.locator(".session")).to_have_count(2)
    expect(page.locator(".session.current")).to_have_count(1)
    checked(page, "sessions")
    page.locator(".session:not(.current) form.session-end button").click()
    expect(page.locator(".session")).to_have_count(1)
    other.goto(f"{base}/api/v1/me")
    assert '"code": 401' in other.content()
    other.context.close()

    # 个人信息下载
    page.goto(f"{base}/user/account/export/")
    checked(page, "export")
    with page.expect_download() as download_info:
        page.click(".centre-export form button[type=submit]")
    download = download_info.value
    today = timezone.localdate().isoformat()
    assert download.suggested_filename == f"haima-personal-data-{today}.json"
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["account"]["username"] == "xiaoming"
    assert document["account"]["email"] == "ming.new@example.cn"
    assert document["account"]["phone"] == "+8613800138000"
    assert len(document["sessions"]) == 1
    assert "password" not in document["account"]

    # 注销: the word first, then the account stops and the browser is out
    page.goto(f"{base}/user/account/cancel/")
    word = page.locator(".cancel-word").inner_text()
    assert word == "注销"  # the page asks in Chinese
    checked(page, "cancel")
    page.fill("input[name=confirm]", "删除")
    page.click(".centre-cancel form button[type=submit]")
    expect(page.locator(".field-error")).to_be_visible()
    checked(page, "cancel-wrong-word")
    page.fill("input[name=confirm]", word)
    with page.expect_navigation():
        page.press("input[name=confirm]", "Enter")
    page.wait_for_url(f"{base}/user/account/cancel/done/")
    checked(page, "cancel-done")
    assert page.locator(".signed-in").count() == 0
    user.refresh_from_db()
    assert not user.is_active and user.deletion_requested_at is not None

    # Signing in during the cooling-off offers 撤销注销 (not taken here)
    sign_in(page, base)
    undo = page.locator(".form-error a.undo-cancel")
    expect(undo).to_be_visible()
    checked(page, "login-undo-offer")
    undo.click()
    page.wait_for_url(f"{base}/user/account/cancel/undo/?token=*")
    checked(page, "undo")

    # The cooling-off ends; the daily task erases; the name is unknown now
    User.objects.filter(pk=user.pk).update(
        deletion_requested_at=timezone.now()
        - timedelta(days=settings.ACCOUNT_DELETION_DAYS, minutes=1)
    )
    assert accounts_erase_due() == 1
    sign_in(page, base)
    expect(page.locator(".form-error")).to_be_visible()
    assert page.locator("a.undo-cancel").count() == 0
    assert page.url.startswith(f"{base}/user/login/")
    checked(page, "login-after-erasure")
