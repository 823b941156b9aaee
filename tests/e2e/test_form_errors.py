"""After a failed submit the cursor is on the first field in error."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_register_submitted_empty_focuses_the_username(page, live_server, screenshot):
    page.goto(f"{live_server.url}/user/register/")
    page.locator("form.account-form button[type=submit]").click()
    username = page.locator("#id_username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_be_focused()
    for name in ("username", "email", "password", "password_confirm", "agree"):
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute(
            "aria-describedby", re.compile(rf"(^| )id_{name}_error( |$)")
        )
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        expect(error).to_have_text(re.compile(r"\S"))
    screenshot()


@pytest.mark.django_db(transaction=True)
def test_a_refused_sign_in_focuses_its_alert(page, live_server):
    page.goto(f"{live_server.url}/user/login/")
    page.fill("#id_login", "nobody")
    page.fill("#id_password", "wrong-Pear-99")
    page.locator("form.account-form button[type=submit]").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_focused()
