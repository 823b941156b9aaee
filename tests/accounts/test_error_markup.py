"""Field errors are tied to their inputs; form errors are announced."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from haima.accounts.tokens import password_reset_token_make
from tests.helpers import STRONG_PASSWORD


class Elements(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.elements if a.get("id")}

    def with_attr(self, name: str) -> list[dict]:
        return [a for _, a in self.elements if name in a]


def assert_errors_tied(response, invalid: set[str]) -> Elements:
    page = Elements(response.content.decode())
    ids = page.ids()
    for attrs in page.with_attr("aria-describedby"):
        for target in attrs["aria-describedby"].split():
            assert target in ids, f"{attrs.get('id')} names missing #{target}"
    flagged = {a["id"] for a in page.with_attr("aria-invalid")}
    assert invalid <= flagged
    for attrs in page.with_attr("aria-invalid"):
        assert attrs["aria-invalid"] == "true"
        if attrs["id"].startswith("id_captcha_"):
            continue  # a MultiWidget: Django names no description (captchas app)
        assert f"{attrs['id']}_error" in attrs.get("aria-describedby", "").split()
    for _tag, attrs in page.elements:
        if "form-error" in attrs.get("class", "").split():
            assert attrs.get("role") == "alert", attrs
    return page


def test_register_submitted_empty(db):
    response = Client().post("/user/register/", {})
    assert_errors_tied(
        response,
        {"id_username", "id_email", "id_password", "id_password_confirm", "id_agree"},
    )
    text = response.content.decode()
    assert 'id="id_username_error"' in text
    assert "haima/js/forms.js" in text


def test_login_wrong_password_is_an_alert(user):
    response = Client().post(
        "/user/login/", {"login": "xiaoming", "password": "wrong-Pear-99"}
    )
    assert_errors_tied(response, set())
    assert 'class="form-error" role="alert"' in response.content.decode()


@pytest.mark.parametrize("path", ["/user/activation/resend/", "/user/password/reset/"])
def test_email_pages(db, path):
    assert_errors_tied(Client().post(path, {"email": "nope"}), {"id_email"})


def test_password_pages(user):
    token = password_reset_token_make(user)
    assert_errors_tied(
        Client().post(f"/user/password/reset/{token}/", {}),
        {"id_password", "id_password_confirm"},
    )
    client = Client()
    client.force_login(user)
    assert_errors_tied(
        client.post(
            "/user/password/change/",
            {"old_password": STRONG_PASSWORD, "password": "x", "password_confirm": "y"},
        ),
        {"id_password_confirm"},
    )


def test_bad_links_are_alerts(db):
    for path in ("/user/active/garbage/", "/user/password/reset/garbage/"):
        text = Client().get(path).content.decode()
        assert 'class="form-error" role="alert"' in text
