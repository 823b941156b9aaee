"""The site header on a 375 px phone, signed in with a long username."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import user_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
LONG_NAMES = {
    "latin": "xiaoming_the_fresh_fruit_lover",
    "chinese": "欧阳上官司马诸葛慕容令狐东方皇甫长孙宇文",
    "longest": "x" * 150,  # the username column's limit
}


def sign_in(page, live_server, username: str) -> None:
    client = Client()
    client.force_login(user_create(username=username, email=None))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
          "url": live_server.url}]
    )  # fmt: skip


@pytest.mark.parametrize("username", LONG_NAMES.values(), ids=LONG_NAMES.keys())
def test_long_username_header_holds_at_375px(page, live_server, screenshot, username):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, username)
    page.goto(f"{live_server.url}/")
    name = page.locator(".site-header .signed-in strong")
    expect(name).to_have_text(username)
    screenshot("375")

    assert page.evaluate(
        "() => document.scrollingElement.scrollWidth <= window.innerWidth"
    )
    header = page.locator(".site-header").bounding_box()
    assert header["width"] <= PHONE["width"]
    assert header["height"] <= 120, header  # brand and name, then the links

    expect(page.locator(".site-header .signed-in")).to_have_attribute("title", username)
    # The name is cut with an ellipsis, not spilling over the links.
    assert name.evaluate("el => el.scrollWidth > el.clientWidth")
    assert name.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    signed_in = page.locator(".site-header .signed-in").bounding_box()
    assert signed_in["x"] >= 0
    assert signed_in["x"] + signed_in["width"] <= PHONE["width"]

    # Every link and the log-out button: inside the screen, a 44 px target.
    targets = page.locator(".account-nav > a, .account-nav .link-button")
    expect(targets).to_have_count(4)
    boxes = [targets.nth(i).bounding_box() for i in range(4)]
    for box in boxes:
        assert box["height"] >= 44, box
        assert box["width"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # No two targets overlap.
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            apart_y = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart_x or apart_y, (a, b)


def test_short_username_shows_whole_on_desktop(page, live_server):
    sign_in(page, live_server, "xiaoming")
    page.goto(f"{live_server.url}/")
    name = page.locator(".site-header .signed-in strong")
    expect(name).to_have_text("xiaoming")
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.locator(".site-header").bounding_box()["height"] <= 60
