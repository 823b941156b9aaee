"""The captcha widget in a real browser: refresh by its button, ✓/✗ on blur,
and a submit that never races the pre-check."""

import re
import time

import pytest
from captcha.models import CaptchaStore
from django.utils import translation
from playwright.sync_api import expect

from haima.captchas.services import WRONG

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.captchas.page"),
]

CHECK = re.compile(r"/api/v1/captcha/check$")
REGISTER = re.compile(r"/user/register/$")
NEVER_RIGHT = "0000"  # "0" is never drawn: always wrong


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def refresh_name() -> str:
    return zh(translation.gettext_lazy("Cannot read it? Show another"))


def right_answer(page) -> str:
    key = page.locator("input[name=captcha_0]").input_value()
    return CaptchaStore.objects.get(hashkey=key).response


def captcha_field(page):
    return page.locator(".field", has=page.locator("[data-captcha]"))


def is_register_post(request) -> bool:
    return request.method == "POST" and bool(REGISTER.search(request.url))


def slow_register_posts(page) -> None:
    """Hold the form's POST a little, as a slow network would: a pre-check
    sent on the way out then reaches the server first."""

    def handle(route):
        if route.request.method == "POST":
            time.sleep(0.5)
        route.continue_()

    page.route(REGISTER, handle)


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
    answer.fill(NEVER_RIGHT)
    answer.press("Tab")  # to the refresh button: the answer is pre-checked
    expect(key).not_to_have_value(spent_key)
    expect(status).to_have_text(re.compile("^✗ " + re.escape(zh(WRONG))))
    screenshot("wrong")
    assert not CaptchaStore.objects.filter(hashkey=spent_key).exists()

    live_key = key.input_value()
    answer.fill(right_answer(page))
    answer.press("Tab")
    expect(status).to_have_class(re.compile(r"\bok\b"))
    assert status.inner_text().startswith("✓ 验证成功")
    screenshot("right")
    assert CaptchaStore.objects.filter(hashkey=live_key).exists()


@pytest.mark.parametrize("how", ["click", "enter"])
def test_wrong_captcha_submitted_is_wrong_not_expired(page, live_server, how):
    checks = []
    page.on("request", lambda r: checks.append(r) if CHECK.search(r.url) else None)
    slow_register_posts(page)
    page.goto(f"{live_server.url}/user/register/")
    page.fill("#id_username", "小明")
    answer = page.locator("input[name=captcha_1]")
    answer.fill(NEVER_RIGHT)
    if how == "click":
        page.get_by_role("button", name="注册", exact=True).click()
    else:
        answer.press("Enter")
    page.wait_for_load_state()
    expect(captcha_field(page).locator(".field-error")).to_have_text(zh(WRONG))
    expect(page.locator("#id_username")).to_have_value("小明")  # the POST answered
    assert checks == []  # the submit goes alone: nothing spent the captcha first


def test_submit_waits_for_the_precheck_in_flight(page, live_server, screenshot):
    """Typed wrong, left the box, 注册 at once: the form waits for the check,
    and a wrong answer stops it beside the captcha, with a new image."""
    held, posts = [], []
    page.route(CHECK, lambda route: held.append(route))
    page.on("request", lambda r: posts.append(r) if is_register_post(r) else None)
    page.goto(f"{live_server.url}/user/register/")
    key = page.locator("input[name=captcha_0]")
    spent_key = key.input_value()
    page.locator("input[name=captcha_1]").fill(NEVER_RIGHT)
    page.locator("h1").click()  # leaves the box: the pre-check goes out
    page.get_by_role("button", name="注册", exact=True).click()
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(50)
    [check] = held
    page.wait_for_timeout(200)
    assert posts == []  # waiting for the check's answer
    check.continue_()
    status = page.locator("[data-captcha-status]")
    expect(status).to_have_text(re.compile(re.escape(zh(WRONG))))
    expect(key).not_to_have_value(spent_key)
    expect(page.locator("input[name=captcha_1]")).to_be_focused()
    screenshot("stopped")
    assert posts == []

    # The new captcha, answered right: 注册 goes through to the server.
    page.unroute(CHECK)
    page.locator("input[name=captcha_1]").fill(right_answer(page))
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_load_state()
    expect(captcha_field(page).locator(".field-error")).to_have_count(0)
    assert len(posts) == 1


def test_a_new_check_result_clears_the_servers_error(page, live_server):
    page.goto(f"{live_server.url}/user/register/")
    page.locator("input[name=captcha_1]").fill(NEVER_RIGHT)
    page.get_by_role("button", name="注册", exact=True).click()
    errors = captcha_field(page).locator(".field-error")
    expect(errors).to_have_text(zh(WRONG))

    answer = page.locator("input[name=captcha_1]")
    answer.fill(right_answer(page))
    page.locator("h1").click()
    status = page.locator("[data-captcha-status]")
    expect(status).to_have_class(re.compile(r"\bok\b"))
    expect(errors).to_have_count(0)
    expect(captcha_field(page)).not_to_have_class(re.compile("has-error"))
    expect(answer).not_to_have_attribute("aria-invalid", "true")


def test_refresh_is_a_keyboard_button(page, live_server):
    page.goto(f"{live_server.url}/user/register/")
    key = page.locator("input[name=captcha_0]")
    button = page.get_by_role("button", name=re.compile(re.escape(refresh_name())))
    expect(button).to_be_visible()
    expect(button).to_have_attribute("type", "button")
    expect(button.locator("[data-captcha-image]")).to_have_attribute(
        "alt", zh(translation.gettext_lazy("Captcha image"))
    )
    expect(page.locator("[data-captcha-status]")).to_have_attribute(
        "aria-live", "polite"
    )
    expect(page.locator("noscript a, .captcha-reload").first).to_be_hidden()

    page.locator("input[name=captcha_1]").focus()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    for press in ("Enter", " "):
        before = key.input_value()
        page.keyboard.press(press)
        expect(key).not_to_have_value(before)
        expect(page.locator("[data-captcha-image]")).to_have_attribute(
            "src", re.compile(key.input_value())
        )
        expect(button).to_be_focused()  # ready for one more


def test_without_javascript_a_link_shows_another(browser, live_server, screenshot):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/user/register/")
        key = page.locator("input[name=captcha_0]")
        first = key.input_value()
        button = page.get_by_role("button", name=re.compile(refresh_name()))
        expect(button).to_have_count(0)
        expect(page.locator("[data-captcha-image]")).to_be_visible()
        link = page.get_by_role("link", name=refresh_name())
        expect(link).to_be_visible()
        link.click()
        page.wait_for_load_state()
        assert page.url.split("?")[0].endswith("/user/register/")
        assert key.input_value() != first
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_register_captcha_is_large_and_fits(page, live_server, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/user/register/")
    image = page.locator("[data-captcha-image]")
    image.evaluate("image => image.decode()")
    page.locator("[data-captcha]").scroll_into_view_if_needed()
    screenshot(f"{width}px")
    box = image.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 50
    assert image.evaluate("image => image.naturalWidth") >= 150
    button = page.get_by_role("button", name=re.compile(re.escape(refresh_name())))
    for element in (image, button, page.locator("input[name=captcha_1]")):
        inside = element.bounding_box()
        assert inside["x"] >= 0 and inside["x"] + inside["width"] <= width


@pytest.mark.parametrize(
    ("url", "login"),
    [("/user/login/", "#id_login"), ("/admin/login/?next=/admin/", "#id_username")],
    ids=["login", "admin"],
)
def test_the_widget_works_on_the_sign_in_pages(
    page, live_server, screenshot, user, url, login
):
    """After three failures the sign-in pages show the captcha: it refreshes
    and pre-checks there too."""
    page.goto(f"{live_server.url}{url}")
    for _ in range(3):
        page.fill(login, user.username)
        page.fill("#id_password", "not-the-password-42")
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
    key = page.locator("input[name=captcha_0]")
    first = key.input_value()
    page.get_by_role("button", name=re.compile(re.escape(refresh_name()))).click()
    expect(key).not_to_have_value(first)
    answer = page.locator("input[name=captcha_1]")
    answer.fill(right_answer(page))
    answer.blur()
    expect(page.locator("[data-captcha-status]")).to_have_class(re.compile(r"\bok\b"))
    screenshot()
