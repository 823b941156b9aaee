"""The captcha widget in a real browser: refresh by click, ✓/✗ on blur."""

import re

import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.captchas.page"),
]


def test_click_refreshes_and_blur_prechecks(page, live_server, screenshot):
    page.goto(f"{live_server.url}/captcha-page/")
    image = page.locator("[data-captcha-image]")
    key = page.locator("input[name=captcha_0]")
    answer = page.locator("input[name=captcha_1]")
    status = page.locator("[data-captcha-status]")
    first_key, first_png = key.input_value(), image.screenshot()
    screenshot("fresh")

    image.click()
    expect(key).not_to_have_value(first_key)
    expect(image).to_have_attribute("src", re.compile(key.input_value()))
    image.evaluate("image => image.decode()")  # not eval: allowed by the CSP
    assert image.screenshot() != first_png

    spent_key = key.input_value()
    answer.fill("0000")  # "0" is never drawn: always wrong
    answer.press("Tab")
    expect(key).not_to_have_value(spent_key)
    assert status.inner_text().startswith("✗ 验证失败")
    screenshot("wrong")
    assert not CaptchaStore.objects.filter(hashkey=spent_key).exists()

    live_key = key.input_value()
    answer.fill(CaptchaStore.objects.get(hashkey=live_key).response)
    answer.press("Tab")
    page.wait_for_selector(".captcha-status.ok")
    assert status.inner_text().startswith("✓ 验证成功")
    screenshot("right")
    assert CaptchaStore.objects.filter(hashkey=live_key).exists()
