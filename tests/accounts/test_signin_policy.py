"""The sign-in policy holds at every door: API, page, admin, password change."""

import threading
import time
from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from haima.accounts.models import User
from haima.accounts.tokens import password_reset_token_make
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, post_in_parallel

WRONG = "wrong-password"


def api_login(client, login="xiaoming", password=WRONG, ip="127.0.0.1", **body):
    return client.post_json(
        "/api/v1/login",
        {"login": login, "password": password, **body},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )


def reason(response) -> str | None:
    return (response.json()["data"] or {}).get("reason")


def fail_until_locked(client, captchas, login="xiaoming", times=10):
    """Wrong passwords, each with a solved captcha, until the lockout."""
    for _ in range(times):
        key, answer = captchas.solved()
        response = api_login(client, login, captcha_key=key, captcha_answer=answer)
        assert response.status_code == HTTPStatus.UNAUTHORIZED


class SlowHashChecks:
    """Count password checks and hold each for a moment, as Argon2 would.

    The hold makes every parallel request reach its check before any of them
    has finished, which is when a read-then-write limiter lets them all in.
    """

    def __init__(self, monkeypatch, hold: float = 0.3):
        self.count = 0
        self.lock = threading.Lock()
        original = MD5PasswordHasher.verify

        def verify(hasher, password, encoded):
            with self.lock:
                self.count += 1
            time.sleep(hold)
            return original(hasher, password, encoded)

        monkeypatch.setattr(MD5PasswordHasher, "verify", verify)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
class TestParallelGuesses:
    def test_eight_at_once_on_a_fresh_account_check_three(
        self, live_server, monkeypatch
    ):
        user_create()
        checks = SlowHashChecks(monkeypatch)
        body = {"login": "xiaoming", "password": WRONG}
        responses = post_in_parallel(live_server.url, "login", [body] * 8)
        statuses = sorted(r.status_code for r in responses)
        assert checks.count == 3
        assert statuses == [HTTPStatus.BAD_REQUEST] * 5 + [HTTPStatus.UNAUTHORIZED] * 3
        refused = [r.json() for r in responses if r.status_code == 400]
        assert {body["data"]["reason"] for body in refused} == {"captcha_required"}

    def test_six_at_once_after_nine_failures_check_one(
        self, live_server, monkeypatch, captchas, api_client
    ):
        user_create()
        fail_until_locked(api_client, captchas, times=9)
        checks = SlowHashChecks(monkeypatch)
        bodies = []
        for _ in range(6):
            key, answer = captchas.solved()
            bodies.append(
                {
                    "login": "xiaoming",
                    "password": WRONG,
                    "captcha_key": key,
                    "captcha_answer": answer,
                }
            )
        statuses = sorted(
            r.status_code for r in post_in_parallel(live_server.url, "login", bodies)
        )
        assert checks.count == 1
        assert (
            statuses == [HTTPStatus.UNAUTHORIZED] + [HTTPStatus.TOO_MANY_REQUESTS] * 5
        )


@pytest.mark.django_db
class TestWhatIsCounted:
    def test_an_accounts_email_answers_like_an_unknown_address(self, api_client, user):
        for _ in range(3):
            api_login(api_client, "xiaoming", ip="10.0.0.1")
        # From another network: the owner's address must look like anybody's.
        own = api_login(api_client, "ming@example.cn", ip="10.0.0.2")
        unknown = api_login(api_client, "nobody@example.cn", ip="10.0.0.3")
        assert own.status_code == unknown.status_code == HTTPStatus.UNAUTHORIZED
        assert own.json() == unknown.json()

    def test_the_typed_login_is_counted_in_any_case_and_width(self, api_client, user):
        for login in ("xiaoming", "XIAOMING", "ｘｉａｏｍｉｎｇ"):
            api_login(api_client, login, ip=f"10.0.1.{len(login)}")
        assert reason(api_login(api_client, "XiaoMing", ip="10.0.2.1")) == (
            "captcha_required"
        )

    def test_one_ipv6_64_is_one_client(self, api_client, user):
        for n in range(1, 4):
            api_login(api_client, f"guess{n}", ip=f"2001:db8:0:7::{n}")
        same_64 = api_login(
            api_client, "xiaoming", STRONG_PASSWORD, ip="2001:db8:0:7::99"
        )
        other_64 = api_login(
            api_client, "xiaoming", STRONG_PASSWORD, ip="2001:db8:0:8::1"
        )
        assert reason(same_64) == "captcha_required"
        assert other_64.status_code == HTTPStatus.OK

    def test_a_lockout_says_how_long_and_is_the_same_for_any_login(
        self, api_client, user, captchas, settings
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin_login": "2/15m"}
        for login in ("xiaoming", "nobody"):
            fail_until_locked(api_client, captchas, login, times=2)
        key, answer = captchas.solved()
        mine = api_login(
            api_client,
            "xiaoming",
            STRONG_PASSWORD,
            captcha_key=key,
            captcha_answer=answer,
        )
        key, answer = captchas.solved()
        ghost = api_login(api_client, "nobody", captcha_key=key, captcha_answer=answer)
        assert mine.status_code == ghost.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert reason(mine) == reason(ghost) == "locked"
        assert (
            mine.json()["message"] == "尝试次数过多，请 15 分钟后再试，或者重设密码。"
        )


@pytest.mark.django_db
class TestOwnershipLiftsTheLockout:
    def test_a_completed_reset_lifts_lockout_and_captcha(
        self, api_client, client, user, captchas
    ):
        fail_until_locked(api_client, captchas)
        response = api_client.post_json(
            "/api/v1/password/reset/confirm",
            {"token": password_reset_token_make(user), "password": "Another-Kiwi-77"},
        )
        assert response.status_code == HTTPStatus.OK
        assert api_login(api_client, password="Another-Kiwi-77").status_code == 200
        page = client.get("/user/login/").content.decode()
        assert "data-captcha-image" not in page

    def test_the_page_shows_the_wait_and_a_way_out(self, client, user, captchas):
        for _ in range(10):
            key, answer = captchas.solved()
            client.post(
                "/user/login/",
                {"login": "xiaoming", "password": WRONG, "captcha_0": key,
                 "captcha_1": answer},
            )  # fmt: skip
        key, answer = captchas.solved()
        html = client.post(
            "/user/login/",
            {"login": "xiaoming", "password": STRONG_PASSWORD, "captcha_0": key,
             "captcha_1": answer},
        ).content.decode()  # fmt: skip
        assert "15 分钟后再试" in html
        assert 'href="/user/password/reset/"' in html
        assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.django_db
class TestAdminDoor:
    @pytest.fixture
    def staff(self):
        return user_create("boss", "boss@example.cn", is_staff=True, is_superuser=True)

    def admin_login(self, client, password=WRONG, username="boss", **extra):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, **extra},
        )

    def test_a_captcha_after_three_failures(self, client, staff, captchas):
        for _ in range(3):
            assert self.admin_login(client).status_code == HTTPStatus.OK
        page = self.admin_login(client, STRONG_PASSWORD)
        assert page.status_code == HTTPStatus.OK  # refused: no captcha
        assert "data-captcha-image" in page.content.decode()
        key, answer = captchas.solved()
        signed_in = self.admin_login(
            client, STRONG_PASSWORD, captcha_0=key, captcha_1=answer
        )
        assert signed_in.status_code == HTTPStatus.FOUND
        assert signed_in["Location"] == "/admin/"

    def test_an_account_locked_on_the_api_is_locked_on_the_admin(
        self, client, api_client, staff, captchas
    ):
        fail_until_locked(api_client, captchas, "boss")
        key, answer = captchas.solved()
        page = self.admin_login(
            client, STRONG_PASSWORD, captcha_0=key, captcha_1=answer
        )
        assert page.status_code == HTTPStatus.OK
        assert "15 分钟后再试" in page.content.decode()
        assert client.get("/admin/").status_code == HTTPStatus.FOUND  # to login

    def test_an_inactive_accounts_right_password_reads_and_counts_as_wrong(
        self, client, staff
    ):
        wrong = self.admin_login(client).content.decode()
        User.objects.filter(pk=staff.pk).update(is_active=False)
        right = self.admin_login(client, STRONG_PASSWORD).content.decode()
        assert "inactive" not in right and "未激活" not in right
        assert error_note(right) == error_note(wrong)
        third = self.admin_login(client, STRONG_PASSWORD).content.decode()
        assert "data-captcha-image" not in right and "data-captcha-image" in third

    def test_a_customers_right_password_is_refused_like_a_wrong_one(self, client):
        user_create()
        wrong = self.admin_login(client, username="xiaoming").content.decode()
        right = self.admin_login(client, STRONG_PASSWORD, "xiaoming").content.decode()
        assert error_note(right) == error_note(wrong)


def error_note(html: str) -> str:
    start = html.index('<p class="errornote">')
    return html[start : html.index("</p>", start)]


@pytest.mark.django_db
class TestPasswordChangeDoor:
    def test_old_password_guesses_are_limited(self, api_client, user):
        api_login(api_client, password=STRONG_PASSWORD)
        for _ in range(10):
            wrong = api_client.post_json(
                "/api/v1/password/change",
                {"old_password": WRONG, "password": "Another-Kiwi-77"},
            )
            assert wrong.status_code == HTTPStatus.BAD_REQUEST
        right = api_client.post_json(
            "/api/v1/password/change",
            {"old_password": STRONG_PASSWORD, "password": "Another-Kiwi-77"},
        )
        assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert reason(right) == "locked"
        user.refresh_from_db()
        assert user.check_password(STRONG_PASSWORD)
