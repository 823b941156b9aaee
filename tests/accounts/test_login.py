"""POST /api/v1/login and friends: enumeration, remember-me, brute force."""

from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    MD5PasswordHasher,
    make_password,
)

from haima.accounts.models import User
from haima.accounts.remember import COOKIE
from haima.accounts.signin_policy import login_subject
from haima.core.ratelimit import ratelimit_clear as window_ends
from tests.helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def log_in(
    api_client, login="xiaoming", password=STRONG_PASSWORD, *, meta=None, **body
):
    """POST login; ``body`` adds JSON fields, ``meta`` request headers."""
    body = {"login": login, "password": password, **body}
    meta = {"HTTP_ACCEPT_LANGUAGE": "zh-CN", **(meta or {})}
    return api_client.post_json("/api/v1/login", body, **meta)


def fail(api_client, login="xiaoming", **kwargs):
    return log_in(api_client, login, "wrong-password", **kwargs)


def reason(response) -> str | None:
    return (response.json()["data"] or {}).get("reason")


@pytest.mark.parametrize(
    "login", ["xiaoming", "XiaoMing", "ming@example.cn", "MING@Example.CN"]
)
def test_sign_in_by_username_or_email_in_any_case(api_client, user, login):
    response = log_in(api_client, login)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"]["user"]["username"] == "xiaoming"
    assert api_client.get("/api/v1/me").json()["data"]["user"]["id"] == user.pk


def test_unknown_user_and_wrong_password_look_the_same(api_client, user, monkeypatch):
    # The tests' MD5 hasher computes every hash, checks included, in encode().
    hashings = []
    original = MD5PasswordHasher.encode

    def counted(self, *args, **kwargs):
        hashings.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)

    answers = []
    for login in ("xiaoming", "nobody"):
        hashings.clear()
        response = fail(api_client, login)
        answers.append((response.status_code, response.json(), len(hashings)))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (
        HTTPStatus.UNAUTHORIZED,
        {"code": 401, "message": "用户名或密码错误。", "data": None},
    )
    assert answers[0][2] == 1  # one hash for the unknown user too


def test_inactive_account_is_told_only_after_the_right_password(api_client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert fail(api_client).status_code == HTTPStatus.UNAUTHORIZED
    response = log_in(api_client)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert reason(response) == "inactive"
    assert "未激活" in response.json()["message"]
    assert api_client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED


def test_remember_sets_a_signed_httponly_lax_cookie_and_a_two_week_session(
    api_client, user
):
    response = log_in(api_client, remember=True)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 7 * 24 * 3600
    assert "xiaoming" not in cookie.value  # signed and encoded, not bare
    login_page = api_client.get("/user/login/").content.decode()
    assert 'value="xiaoming"' in login_page  # pre-filled from the cookie
    assert response.cookies["sessionid"]["max-age"] == 14 * 24 * 3600


def test_not_remembering_deletes_the_cookie_and_ends_with_the_browser(api_client, user):
    log_in(api_client, remember=True)
    api_client.post_json("/api/v1/logout", {})
    response = log_in(api_client, remember=False)
    assert response.cookies[COOKIE]["max-age"] == 0
    assert response.cookies["sessionid"]["max-age"] == ""


def test_a_forged_remember_cookie_is_ignored(client, user):
    client.cookies[COOKIE] = "admin"
    assert 'value="admin"' not in client.get("/user/login/").content.decode()


def test_sign_in_rotates_the_session_key_and_csrf_token(api_client, user):
    session = api_client.session
    session["cart"] = "apples"
    session.save()
    api_client.cookies["sessionid"] = before = session.session_key
    old_token = api_client.csrf_token()
    log_in(api_client, meta={"HTTP_X_CSRFTOKEN": old_token})
    assert api_client.cookies["sessionid"].value != before
    stale = api_client.post_json("/api/v1/logout", {}, HTTP_X_CSRFTOKEN=old_token)
    assert stale.status_code == HTTPStatus.FORBIDDEN
    assert api_client.post_json("/api/v1/logout", {}).status_code == HTTPStatus.OK
    assert api_client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED


class TestBruteForce:
    def test_captcha_after_three_failures_for_an_account(
        self, api_client, user, captchas
    ):
        for _ in range(3):
            assert fail(api_client).status_code == HTTPStatus.UNAUTHORIZED
        required = log_in(api_client)
        assert required.status_code == HTTPStatus.BAD_REQUEST
        assert reason(required) == "captcha_required"

        wrong = log_in(api_client, captcha_key=captchas.issue(), captcha_answer="0000")
        assert reason(wrong) == "captcha_required"
        assert list(wrong.json()["data"]["errors"]) == ["captcha"]

        key, answer = captchas.solved()
        ok = log_in(api_client, captcha_key=key, captcha_answer=answer)
        assert ok.status_code == HTTPStatus.OK
        api_client.post_json("/api/v1/logout", {})
        assert log_in(api_client).status_code == HTTPStatus.OK  # success cleared it

    def test_captcha_after_three_failures_from_an_ip(self, api_client, user):
        for name in ("a", "b", "c"):
            fail(api_client, name)
        assert reason(log_in(api_client)) == "captcha_required"
        other_ip = log_in(api_client, meta={"REMOTE_ADDR": "10.0.0.9"})
        assert other_ip.status_code == HTTPStatus.OK

    def test_lockout_after_ten_failures_for_an_account(
        self, api_client, user, captchas
    ):
        statuses = []
        for _ in range(10):
            key, answer = captchas.solved()
            statuses.append(
                fail(api_client, captcha_key=key, captcha_answer=answer).status_code
            )
        assert set(statuses) == {HTTPStatus.UNAUTHORIZED}
        key, answer = captchas.solved()
        locked = log_in(api_client, captcha_key=key, captcha_answer=answer)
        body = locked.json()
        assert locked.status_code == body["code"] == HTTPStatus.TOO_MANY_REQUESTS
        assert 0 < int(locked["Retry-After"]) == body["data"]["retry_after"] <= 900
        assert api_client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED

    def test_the_lockout_ends_with_its_window(self, api_client, user, settings):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "signin_login": "2/15m",
            "signin_captcha_login": "99/d",
            "signin_captcha_ip": "99/d",
        }
        fail(api_client)
        fail(api_client)
        locked = log_in(api_client)
        assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert 890 <= int(locked["Retry-After"]) <= 900
        window_ends({"signin_login": login_subject("xiaoming")})
        assert log_in(api_client).status_code == HTTPStatus.OK

    def test_lockout_per_ip_across_accounts(self, api_client, user, captchas, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin_ip": "5/15m"}
        for n in range(5):
            key, answer = captchas.solved()
            fail(api_client, f"user{n}", captcha_key=key, captcha_answer=answer)
        key, answer = captchas.solved()
        response = log_in(api_client, captcha_key=key, captcha_answer=answer)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS

    def test_a_success_clears_the_accounts_failures(self, api_client, user, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin_login": "3/15m"}
        fail(api_client)
        fail(api_client)
        log_in(api_client)
        api_client.post_json("/api/v1/logout", {})
        fail(api_client, meta={"REMOTE_ADDR": "10.0.0.2"})
        fail(api_client, meta={"REMOTE_ADDR": "10.0.0.3"})
        assert log_in(api_client).status_code == HTTPStatus.OK

    def test_unknown_accounts_are_limited_the_same(self, api_client, captchas):
        for _ in range(10):
            key, answer = captchas.solved()
            fail(api_client, "ghost", captcha_key=key, captcha_answer=answer)
        key, answer = captchas.solved()
        response = fail(api_client, "ghost", captcha_key=key, captcha_answer=answer)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize(
    "body", [{}, {"login": "xiaoming"}, {"login": "x" * 10_000, "password": "p"},
             {"login": "\x00", "password": "p"}, {"login": ["x"], "password": "p"}]
)  # fmt: skip
def test_malformed_logins_are_400s(api_client, user, body):
    response = api_client.post_json("/api/v1/login", body)
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_argon2id_with_owasp_parameters_and_upgrade_at_login(api_client, settings):
    settings.PASSWORD_HASHERS = [
        "haima.accounts.hashers.Argon2idHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    owasp = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
    assert make_password("x").startswith(owasp)
    django_default = Argon2PasswordHasher().encode(STRONG_PASSWORD, "saltsaltsalt")
    pbkdf2 = make_password(STRONG_PASSWORD, hasher="pbkdf2_sha256")
    for n, old_hash in enumerate([django_default, pbkdf2]):
        old = User.objects.create(username=f"old{n}", password=old_hash)
        assert log_in(api_client, f"old{n}").status_code == HTTPStatus.OK
        api_client.post_json("/api/v1/logout", {})
        old.refresh_from_db()
        assert old.password.startswith(owasp)
