"""Emailed tokens: tampered, expired, reused, swapped between users or kinds.

Each refusal is a 400 with ``data.reason`` and leaves the account as it was:
still inactive, the same password hash.
"""

import time
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.test import Client
from django.utils.http import urlsafe_base64_encode

from haima.accounts.tokens import (
    ACTIVATION_SALT,
    activation_token_make,
    password_reset_token_make,
)
from tests.factories import user_create

from .conftest import NEW_PASSWORD, assert_envelope

pytestmark = [pytest.mark.services, pytest.mark.django_db]

INVALID = {"reason": "invalid"}


def activation_token_aged(user, seconds: int) -> str:
    """A real activation token for ``user``, as if signed ``seconds`` ago."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds)

    payload = signing.loads(activation_token_make(user), salt=ACTIVATION_SALT)
    return PastSigner(salt=ACTIVATION_SALT).sign_object(payload)


def _flip(text: str, index: int) -> str:
    char = text[index]
    return text[:index] + ("B" if char != "B" else "C") + text[index + 1 :]


TAMPERINGS = [
    pytest.param(lambda t, other: _flip(t, -1), id="last character"),
    pytest.param(lambda t, other: _flip(t, 3), id="payload character"),
    pytest.param(lambda t, other: t[:-1], id="truncated"),
    pytest.param(lambda t, other: t + "A", id="extended"),
    pytest.param(lambda t, other: t.upper(), id="upper case"),
    pytest.param(lambda t, other: "", id="empty"),
    pytest.param(lambda t, other: " " + t + " ", id="padded"),
    pytest.param(
        lambda t, other: t.rsplit(":", 1)[0] + ":" + other.rsplit(":", 1)[1],
        id="another token's signature",
    ),
    pytest.param(
        lambda t, other: other.split(":", 1)[0] + ":" + t.split(":", 1)[1],
        id="another token's payload",
    ),
]


@pytest.fixture
def second(db):
    return user_create("erhai", "er@example.cn", is_active=False)


@pytest.mark.parametrize("tamper", TAMPERINGS)
def test_a_tampered_activation_token_is_invalid(
    api, newcomer, second, snapshot, tamper
):
    token = tamper(activation_token_make(newcomer), activation_token_make(second))
    before = snapshot()
    response = api.post("activate", {"token": token})
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_an_expired_activation_token_says_expired(api, newcomer, settings, snapshot):
    token = activation_token_aged(newcomer, settings.ACTIVATION_MAX_AGE + 5)
    before = snapshot()
    response = api.post("activate", {"token": token})
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data={"reason": "expired"})
    before.assert_unchanged()
    page = Client().post(f"/user/active/{token}")
    assert page.status_code == HTTPStatus.BAD_REQUEST
    before.assert_unchanged()


def test_an_activation_token_inside_its_age_works(api, newcomer, settings):
    """The control for the expiry above: the aged token is a real one."""
    token = activation_token_aged(newcomer, settings.ACTIVATION_MAX_AGE - 60)
    assert_envelope(api.post("activate", {"token": token}), HTTPStatus.OK)


def test_an_activation_token_works_once(api, newcomer, snapshot):
    token = activation_token_make(newcomer)
    data = assert_envelope(api.post("activate", {"token": token}), HTTPStatus.OK)
    assert data["user"]["is_active"] is True
    assert api.signed_in_as() is None  # activating does not sign in
    before = snapshot()
    for _ in range(2):
        response = api.post("activate", {"token": token})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_an_activation_token_of_another_user_activates_only_that_user(
    api, newcomer, second
):
    token = activation_token_make(second)
    assert_envelope(api.post("activate", {"token": token}), HTTPStatus.OK)
    newcomer.refresh_from_db()
    second.refresh_from_db()
    assert (newcomer.is_active, second.is_active) == (False, True)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"email": "new@example.cn"}, id="email changed"),
        pytest.param({"is_active": True}, id="activated meanwhile"),
    ],
)
def test_an_activation_token_dies_with_the_state_it_was_made_for(
    api, newcomer, snapshot, change
):
    token = activation_token_make(newcomer)
    type(newcomer).objects.filter(pk=newcomer.pk).update(**change)
    before = snapshot()
    response = api.post("activate", {"token": token})
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_a_deactivated_account_is_not_revived_by_its_old_link(api, newcomer, snapshot):
    """Staff deactivate an account that had been active: the link it was
    first sent must not turn it back on."""
    token = activation_token_make(newcomer)
    assert_envelope(api.post("activate", {"token": token}), HTTPStatus.OK)
    type(newcomer).objects.filter(pk=newcomer.pk).update(is_active=False)
    before = snapshot()
    response = api.post("activate", {"token": token})
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda u: signing.dumps({"u": u.pk}), id="default salt"),
        pytest.param(
            lambda u: signing.dumps({"u": u.pk}, salt=ACTIVATION_SALT), id="no state"
        ),
        pytest.param(
            lambda u: signing.dumps({"u": u.pk, "f": None}, salt=ACTIVATION_SALT),
            id="null state",
        ),
        pytest.param(
            lambda u: signing.dumps({"u": str(u.pk)}, salt="django.core.signing"),
            id="signing's own salt",
        ),
        pytest.param(lambda u: password_reset_token_make(u), id="a reset token"),
    ],
)
def test_a_token_of_another_kind_does_not_activate(api, newcomer, snapshot, forge):
    token = forge(newcomer)
    before = snapshot()
    response = api.post("activate", {"token": token})
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


# --- Password reset ----------------------------------------------------------


def reset(api, token, password=NEW_PASSWORD):
    return api.post("password/reset/confirm", {"token": token, "password": password})


def _uid(pk) -> str:
    return urlsafe_base64_encode(str(pk).encode())


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t, other: _flip(t, -1), id="last character"),
        pytest.param(lambda t, other: t[:-1], id="truncated"),
        pytest.param(lambda t, other: t.replace(".", ""), id="no separator"),
        pytest.param(lambda t, other: t.split(".")[0], id="user id alone"),
        pytest.param(lambda t, other: "." + t.split(".")[1], id="token alone"),
        pytest.param(lambda t, other: "", id="empty"),
        pytest.param(
            lambda t, other: other.split(".")[0] + "." + t.split(".")[1],
            id="another user's id",
        ),
        pytest.param(
            lambda t, other: t.split(".")[0] + "." + other.split(".")[1],
            id="another user's token",
        ),
        pytest.param(
            lambda t, other: _uid(2**70) + "." + t.split(".")[1], id="id past bigint"
        ),
        pytest.param(lambda t, other: _uid(-1) + "." + t.split(".")[1], id="id -1"),
        pytest.param(lambda t, other: _uid("x") + "." + t.split(".")[1], id="id x"),
        pytest.param(lambda t, other: "!!." + t.split(".")[1], id="not base64"),
    ],
)
def test_a_tampered_reset_token_is_invalid(api, user, snapshot, tamper):
    other = user_create("erhai", "er@example.cn")
    token = tamper(password_reset_token_make(user), password_reset_token_make(other))
    before = snapshot()
    response = reset(api, token)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


@pytest.mark.parametrize(
    "junk",
    ["{uid}==", "{uid[0]}*{rest}==", "{uid[0]}\n{rest}=="],
    ids=["padding", "asterisk", "LF"],
)
def test_a_reset_token_with_junk_in_its_user_id_is_invalid(api, user, snapshot, junk):
    uid, secret = password_reset_token_make(user).split(".")
    altered = junk.format(uid=uid, rest=uid[1:]) + "." + secret
    before = snapshot()
    response = reset(api, altered)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_a_reset_token_works_once(api, user, snapshot):
    token = password_reset_token_make(user)
    assert_envelope(reset(api, token), HTTPStatus.OK)
    before = snapshot()
    response = reset(api, token, "Third-Papaya-93")
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_reset_token_is_refused(api, user, settings, monkeypatch, snapshot):
    token = password_reset_token_make(user)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 5)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    before = snapshot()
    response = reset(api, token)
    data = assert_envelope(response, HTTPStatus.BAD_REQUEST)
    assert data["reason"] in ("expired", "invalid")
    before.assert_unchanged()


def test_a_reset_token_dies_when_the_password_changes(api, user, snapshot):
    token = password_reset_token_make(user)
    user.set_password("Changed-Meanwhile-5")
    user.save()
    before = snapshot()
    assert_envelope(reset(api, token), HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_a_reset_token_of_an_inactive_account_is_invalid(api, newcomer, snapshot):
    token = password_reset_token_make(newcomer)
    before = snapshot()
    assert_envelope(reset(api, token), HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_an_activation_token_does_not_reset_a_password(api, user, snapshot):
    token = activation_token_make(user)
    before = snapshot()
    assert_envelope(reset(api, token), HTTPStatus.BAD_REQUEST, data=INVALID)
    before.assert_unchanged()


def test_a_refused_new_password_does_not_spend_the_token(api, user, snapshot):
    token = password_reset_token_make(user)
    before = snapshot()
    response = reset(api, token, "12345678")
    assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["password"])
    before.assert_unchanged()
    assert_envelope(reset(api, token), HTTPStatus.OK)


# --- The pages behind the links ----------------------------------------------


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_fetching_the_activation_link_does_not_activate(
    client, newcomer, snapshot, method
):
    """Mail scanners pre-fetch links: only the form's POST may spend it."""
    token = activation_token_make(newcomer)
    before = snapshot()
    response = getattr(client, method)(f"/user/active/{token}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.METHOD_NOT_ALLOWED)
    before.assert_unchanged()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("abc", id="garbage"),
        pytest.param("a:b:c", id="colons"),
        pytest.param("%00", id="NUL"),
    ],
)
def test_the_pages_refuse_a_bad_link(client, newcomer, user, snapshot, token):
    before = snapshot()
    for path in (f"/user/active/{token}", f"/user/password/reset/{token}/"):
        assert client.get(path).status_code == HTTPStatus.BAD_REQUEST, path
        posted = client.post(
            path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
        )
        assert posted.status_code == HTTPStatus.BAD_REQUEST, path
    before.assert_unchanged()


def test_the_reset_page_refuses_an_activation_token(client, user, snapshot):
    path = f"/user/password/reset/{activation_token_make(user)}/"
    before = snapshot()
    response = client.post(
        path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    before.assert_unchanged()
