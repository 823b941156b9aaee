"""Open redirects: a ``next`` that leaves the site is replaced by the home page."""

import re
from http import HTTPStatus
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import NATIONAL

pytestmark = [pytest.mark.services, pytest.mark.django_db]

EVIL_NEXTS = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "http://testserver.evil.example/",
    "http://testserver@evil.example/",
    "https:evil.example",
    "///evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "data:text/html,<script>alert(1)</script>",
]
HOME = "/"
SAFE_NEXT = "/user/account/phone/"


def assert_stays_on_site(response, expected: str = HOME) -> None:
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    location = response["Location"]
    assert location == expected
    assert urlsplit(location).netloc == ""


def _login(client, next_value, *, in_query: bool):
    form = {"login": "xiaoming", "password": STRONG_PASSWORD}
    if in_query:
        return client.post(f"/user/login/?{_query(next_value)}", form)
    return client.post("/user/login/", {**form, "next": next_value})


def _query(next_value: str) -> str:
    return urlencode({"next": next_value})


@pytest.mark.parametrize("in_query", [False, True], ids=["form field", "query"])
@pytest.mark.parametrize("next_value", EVIL_NEXTS)
def test_sign_in_never_sends_you_off_site(client, user, next_value, in_query):
    assert_stays_on_site(_login(client, next_value, in_query=in_query))
    assert client.get("/api/v1/me").status_code == HTTPStatus.OK


@pytest.mark.parametrize("in_query", [False, True], ids=["form field", "query"])
def test_sign_in_follows_a_next_on_the_site(client, user, in_query):
    """The control for the refusals above."""
    assert_stays_on_site(_login(client, SAFE_NEXT, in_query=in_query), SAFE_NEXT)


@pytest.mark.parametrize("page", ["/user/login/", "/user/sms-login/"])
@pytest.mark.parametrize("next_value", EVIL_NEXTS)
def test_the_form_carries_no_off_site_next(client, page, next_value):
    response = client.get(page, {"next": next_value})
    assert response.status_code == HTTPStatus.OK
    # The language switch carries the page's own URL, for set_language's check.
    carried = re.findall(r'name="next" value="([^"]*)"', response.content.decode())
    assert carried == [HOME]


@pytest.mark.parametrize("next_value", EVIL_NEXTS)
def test_sms_sign_in_never_sends_you_off_site(client, sent_code, next_value):
    code = sent_code()
    response = client.post(
        "/user/sms-login/", {"phone": NATIONAL, "code": code, "next": next_value}
    )
    assert_stays_on_site(response)
    assert client.get("/api/v1/me").status_code == HTTPStatus.OK


def test_sms_sign_in_follows_a_next_on_the_site(client, sent_code):
    code = sent_code()
    response = client.post(
        "/user/sms-login/", {"phone": NATIONAL, "code": code, "next": SAFE_NEXT}
    )
    assert_stays_on_site(response, SAFE_NEXT)


@pytest.mark.parametrize(
    "next_value", ["https://evil.example/", "//evil.example", "/\\evil.example"]
)
def test_sign_out_never_sends_you_off_site(client, user, next_value):
    client.force_login(user)
    assert_stays_on_site(client.post("/user/logout/", {"next": next_value}))
    assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED


def test_sign_out_by_get_is_refused(client, user):
    client.force_login(user)
    response = client.get("/user/logout/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.get("/api/v1/me").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "next_value", ["https://evil.example/", "//evil.example", "/\\evil.example"]
)
def test_the_language_switch_never_sends_you_off_site(next_value):
    response = Client().post("/i18n/setlang/", {"language": "en", "next": next_value})
    assert_stays_on_site(response)


@pytest.mark.parametrize(
    "next_value", ["https://evil.example/", "//evil.example", "/\\evil.example"]
)
def test_the_admin_sign_in_never_sends_you_off_site(client, next_value):
    user_create("boss", "boss@example.cn", is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/",
        {"username": "boss", "password": STRONG_PASSWORD, "next": next_value},
    )
    assert response.status_code == HTTPStatus.FOUND
    location = response["Location"]
    assert urlsplit(location).netloc == "" and location.startswith("/")
    assert not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("page", ["/user/account/phone/", "/user/password/change/"])
def test_signed_out_the_account_pages_send_you_to_sign_in(client, page):
    response = client.get(page)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/user/login/?next={page}"
