"""Passwords past 128 characters: refused with a 400 before anything is hashed,
and a sign-in refused that way is no failed guess."""

import threading
from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from haima.accounts.models import User
from haima.accounts.tokens import password_reset_token_make
from tests.helpers import STRONG_PASSWORD

from .conftest import NEW_PASSWORD, assert_envelope

pytestmark = [pytest.mark.services, pytest.mark.django_db]

LONGEST = "Kiwi-" + "x" * 123  # 128 characters
TOO_LONG = [
    pytest.param(LONGEST + "y", id="129 characters"),
    pytest.param("Kiwi-" + "界" * 500, id="505 CJK characters"),
    pytest.param("Kiwi-" + "x" * 1_000_000, id="1 MB"),
]


class HashCalls:
    """Record every password the hasher is given, to check or to hash."""

    def __init__(self, monkeypatch):
        self.passwords: list[str] = []
        lock = threading.Lock()
        for name in ("verify", "encode"):
            original = getattr(MD5PasswordHasher, name)

            def recorded(hasher, password, *args, _original=original, **kwargs):
                with lock:
                    self.passwords.append(password)
                return _original(hasher, password, *args, **kwargs)

            monkeypatch.setattr(MD5PasswordHasher, name, recorded)

    @property
    def count(self) -> int:
        return len(self.passwords)


@pytest.fixture
def hashing(monkeypatch):
    return HashCalls(monkeypatch)


def test_a_password_of_128_characters_is_accepted(api, registration):
    body = registration(password=LONGEST, password_confirm=LONGEST)
    assert_envelope(api.post("register", body), HTTPStatus.CREATED)
    assert User.objects.get().check_password(LONGEST)


@pytest.mark.parametrize("password", TOO_LONG)
def test_registration_refuses_it_unhashed(
    api, registration, snapshot, hashing, password
):
    body = registration(password=password, password_confirm=password)
    before = snapshot()
    response = api.post("register", body)
    assert_envelope(
        response, HTTPStatus.BAD_REQUEST, fields=["password", "password_confirm"]
    )
    assert hashing.count == 0
    before.assert_unchanged(captchas=False)


@pytest.mark.parametrize("password", TOO_LONG)
@pytest.mark.parametrize("login", ["xiaoming", "nobody"], ids=["known", "unknown"])
def test_sign_in_refuses_it_unhashed_and_uncounted(
    api, user, snapshot, hashing, login, password
):
    before = snapshot()
    for _ in range(4):  # past the 3 failures that would ask for a captcha
        response = api.post("login", {"login": login, "password": password})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["password"])
    assert hashing.count == 0
    before.assert_unchanged()
    right = api.post("login", {"login": "xiaoming", "password": STRONG_PASSWORD})
    assert_envelope(right, HTTPStatus.OK)  # no captcha asked: nothing was counted


@pytest.mark.parametrize("password", TOO_LONG)
def test_the_sign_in_page_refuses_it_uncounted(client, user, hashing, password):
    for _ in range(4):
        response = client.post(
            "/user/login/", {"login": "xiaoming", "password": password}
        )
        assert response.status_code == HTTPStatus.OK
        assert 'name="captcha_1"' not in response.content.decode()  # none asked
    assert hashing.count == 0
    response = client.post(
        "/user/login/", {"login": "xiaoming", "password": STRONG_PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize("password", TOO_LONG)
def test_a_reset_refuses_it_and_keeps_the_link(api, user, snapshot, password):
    token = password_reset_token_make(user)
    before = snapshot()
    response = api.post(
        "password/reset/confirm", {"token": token, "password": password}
    )
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["password"])
    before.assert_unchanged()
    confirm = {"token": token, "password": NEW_PASSWORD}
    assert_envelope(api.post("password/reset/confirm", confirm), HTTPStatus.OK)


@pytest.mark.parametrize("field", ["old_password", "password"])
@pytest.mark.parametrize("password", TOO_LONG)
def test_a_change_refuses_it_unhashed_and_uncounted(
    api, user, settings, snapshot, hashing, field, password
):
    limits = {"signin_account": "2/15m", "signin_ip": "2/15m"}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **limits}
    api.client.force_login(user)
    body = {"old_password": STRONG_PASSWORD, "password": NEW_PASSWORD, field: password}
    before = snapshot()
    for _ in range(4):
        response = api.post("password/change", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=[field])
    # The right old password may be checked; the one too long never is.
    assert password not in hashing.passwords
    before.assert_unchanged()
    assert api.signed_in_as() == user.pk
    good = {"old_password": STRONG_PASSWORD, "password": NEW_PASSWORD}
    assert_envelope(api.post("password/change", good), HTTPStatus.OK)


@pytest.mark.parametrize("password", TOO_LONG[:1])
def test_the_pages_refuse_it_for_a_new_password(client, user, snapshot, password):
    token = password_reset_token_make(user)
    before = snapshot()
    form = {"password": password, "password_confirm": password}
    response = client.post(f"/user/password/reset/{token}/", form)
    assert response.status_code == HTTPStatus.OK
    before.assert_unchanged()
    client.force_login(user)
    before = snapshot()
    response = client.post(
        "/user/password/change/", {"old_password": STRONG_PASSWORD, **form}
    )
    assert response.status_code == HTTPStatus.OK
    before.assert_unchanged()
