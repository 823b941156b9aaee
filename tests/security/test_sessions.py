"""Sessions an attacker plants or copies, and the remembered-username cookie."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.utils.html import escape

from haima.accounts.remember import COOKIE as REMEMBER_COOKIE
from tests.helpers import STRONG_PASSWORD

from .conftest import NATIONAL, XSS_ATTRIBUTE, XSS_SCRIPT, Api, assert_envelope

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SESSION = settings.SESSION_COOKIE_NAME


def _signed_in_by(kind: str, api: Api, sent_code) -> None:
    if kind == "password":
        body = {"login": "xiaoming", "password": STRONG_PASSWORD}
        assert_envelope(api.post("login", body), HTTPStatus.OK)
    else:
        body = {"phone": NATIONAL, "code": sent_code()}
        assert_envelope(api.post("sms/login", body), HTTPStatus.OK)


@pytest.mark.parametrize("kind", ["password", "sms"])
def test_a_planted_session_is_not_the_one_signed_in(api, user, request, kind):
    """Session fixation: the key an attacker planted before sign-in is not
    the key that is signed in after it, nor is the CSRF token."""
    sent_code = request.getfixturevalue("sent_code") if kind == "sms" else None
    planted = api.client.session.session_key  # saved, and set as the cookie
    assert api.client.cookies[SESSION].value == planted
    token = api.token()
    _signed_in_by(kind, api, sent_code)
    assert api.client.cookies[SESSION].value != planted
    assert api.token() != token
    attacker = Client()
    attacker.cookies[SESSION] = planted
    assert_envelope(attacker.get("/api/v1/me"), HTTPStatus.UNAUTHORIZED, data=None)


def test_a_copied_session_dies_at_sign_out(api, user):
    _signed_in_by("password", api, None)
    copy = Client()
    copy.cookies[SESSION] = api.client.cookies[SESSION].value
    assert copy.get("/api/v1/me").status_code == HTTPStatus.OK
    assert_envelope(api.post("logout"), HTTPStatus.OK, data=None)
    assert_envelope(copy.get("/api/v1/me"), HTTPStatus.UNAUTHORIZED, data=None)


def test_session_and_csrf_cookies_are_not_for_scripts_or_other_sites(api, user):
    api.token()
    body = {"login": "xiaoming", "password": STRONG_PASSWORD, "remember": True}
    response = api.post("login", body)
    session = response.cookies[SESSION]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    remembered = response.cookies[REMEMBER_COOKIE]
    assert remembered["httponly"] is True and remembered["samesite"] == "Lax"
    assert api.client.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param(XSS_SCRIPT, id="unsigned markup"),
        pytest.param(signing.dumps(XSS_ATTRIBUTE), id="another salt"),
        pytest.param(
            signing.dumps(XSS_ATTRIBUTE, salt="haima.accounts.remember")[:-2] + "xx",
            id="bad signature",
        ),
    ],
)
def test_a_forged_remembered_username_is_ignored(client, cookie):
    client.cookies[REMEMBER_COOKIE] = cookie
    html = client.get("/user/login/").content.decode()
    assert XSS_SCRIPT not in html and XSS_ATTRIBUTE not in html
    assert escape(XSS_ATTRIBUTE) not in html
    assert 'name="login" value=' not in html  # nothing pre-filled


def test_a_remembered_username_is_shown_escaped(client):
    """Signed by the site, it is still text when shown."""
    client.cookies[REMEMBER_COOKIE] = signing.dumps(
        XSS_ATTRIBUTE, salt="haima.accounts.remember"
    )
    html = client.get("/user/login/").content.decode()
    assert XSS_ATTRIBUTE not in html
    assert escape(XSS_ATTRIBUTE) in html
