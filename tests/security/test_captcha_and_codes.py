"""One-time secrets used twice: captcha replay, SMS code guessing, in turn and
in parallel against a live server."""

import threading
import time
from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils.crypto import constant_time_compare

from haima.accounts.models import User
from haima.sms import codes
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, post_in_parallel
from tests.sms.conftest import cooldown_ends

from .conftest import (
    NATIONAL,
    OTHER_NATIONAL,
    OTHER_PHONE,
    PHONE,
    assert_envelope,
    assert_refused_rate,
)

WRONG_PASSWORD = "wrong-Password-1"
UNKNOWN_KEY = "0123456789abcdef0123456789abcdef01234567"


def _wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 1_000_000:06d}"


def sms_body(captchas, phone: str = NATIONAL, purpose: str = "login") -> dict:
    key, answer = captchas.solved()
    return {
        "phone": phone,
        "purpose": purpose,
        "captcha_key": key,
        "captcha_answer": answer,
    }


# --- Captcha replay ----------------------------------------------------------


@pytest.mark.django_db
class TestCaptchaReplay:
    def test_a_captcha_spent_on_registration_does_not_register_again(
        self, api, registration, captchas, snapshot
    ):
        body = registration(username="xiaohong", email="hong@example.cn")
        assert_envelope(api.post("register", body), HTTPStatus.CREATED)
        assert not captchas.is_live(body["captcha_key"])
        before = snapshot()
        again = {**body, "username": "xiaohei", "email": "hei@example.cn"}
        response = api.post("register", again)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    def test_a_captcha_spent_on_a_code_sends_no_second_code(
        self, api, captchas, sms_outbox, snapshot
    ):
        body = sms_body(captchas)
        assert_envelope(api.post("sms/send", body), HTTPStatus.OK)
        before = snapshot()
        response = api.post("sms/send", {**body, "phone": OTHER_NATIONAL})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    def test_a_pre_checked_captcha_serves_one_action_only(
        self, api, captchas, registration, sms_outbox, snapshot
    ):
        key, answer = captchas.solved()
        check = {"key": key, "answer": answer}
        assert_envelope(
            api.post("captcha/check", check), HTTPStatus.OK, data={"valid": True}
        )
        assert_envelope(
            api.post("captcha/check", check), HTTPStatus.OK, data={"valid": True}
        )
        body = {**sms_body(captchas), "captcha_key": key, "captcha_answer": answer}
        assert_envelope(api.post("sms/send", body), HTTPStatus.OK)
        signup = registration(captcha_key=key, captcha_answer=answer)
        before = snapshot()
        for response in (
            api.post("sms/send", {**body, "phone": OTHER_NATIONAL}),
            api.post("register", signup),
            api.post("captcha/check", check),
        ):
            assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    def test_a_wrong_pre_check_spends_the_captcha(
        self, api, captchas, registration, snapshot
    ):
        key, answer = captchas.solved()
        response = api.post("captcha/check", {"key": key, "answer": answer + "x"})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        assert not captchas.is_live(key)
        body = registration(captcha_key=key, captcha_answer=answer)
        before = snapshot()
        response = api.post("register", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged()

    @pytest.mark.parametrize("action", ["register", "sms/send", "captcha/check"])
    def test_one_wrong_answer_spends_it_for_good(
        self, api, captchas, registration, sms_outbox, snapshot, action
    ):
        key, answer = captchas.solved()
        bodies = {
            "register": lambda a: registration(captcha_key=key, captcha_answer=a),
            "sms/send": lambda a: {
                **sms_body(captchas),
                "captcha_key": key,
                "captcha_answer": a,
            },
            "captcha/check": lambda a: {"key": key, "answer": a},
        }
        before = snapshot()
        for attempt in ("zzzz", answer):
            response = api.post(action, bodies[action](attempt))
            assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        assert not captchas.is_live(key)
        before.assert_unchanged(captchas=False)

    @pytest.mark.parametrize(
        "key_kind", ["unknown", "expired", "upper case", "SQL", "path"]
    )
    @pytest.mark.parametrize("action", ["register", "sms/send", "captcha/check"])
    def test_a_key_that_is_not_live_is_refused(
        self, api, captchas, registration, sms_outbox, snapshot, action, key_kind
    ):
        key, answer = captchas.solved()
        if key_kind == "expired":
            captchas.expire(key)
        typed = {
            "unknown": UNKNOWN_KEY,
            "expired": key,
            "upper case": key.upper(),
            "SQL": "' OR '1'='1",
            "path": "../" + key,
        }[key_kind]
        bodies = {
            "register": registration(captcha_key=typed, captcha_answer=answer),
            "sms/send": {
                **sms_body(captchas),
                "captcha_key": typed,
                "captcha_answer": answer,
            },
            "captcha/check": {"key": typed, "answer": answer},
        }
        before = snapshot()
        response = api.post(action, bodies[action])
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged(captchas=False)

    @pytest.mark.parametrize("state", ["unknown", "expired", "spent"])
    def test_test_mode_passes_only_live_captchas(
        self, api, captchas, registration, settings, snapshot, state
    ):
        settings.HAIMA_CAPTCHA_TEST_MODE = True
        key = captchas.issue()
        if state == "unknown":
            key = UNKNOWN_KEY
        elif state == "expired":
            captchas.expire(key)
        else:
            api.post("captcha/check", {"key": key, "answer": "wrong"})
        body = registration(captcha_key=key, captcha_answer="PASSED")
        before = snapshot()
        response = api.post("register", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged(captchas=False)
        live = captchas.issue()
        body = registration(captcha_key=live, captcha_answer="PASSED")
        assert_envelope(api.post("register", body), HTTPStatus.CREATED)

    def test_passed_is_a_wrong_answer_outside_test_mode(
        self, api, captchas, registration, snapshot
    ):
        key = captchas.issue()
        body = registration(captcha_key=key, captcha_answer="PASSED")
        before = snapshot()
        response = api.post("register", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["captcha"])
        before.assert_unchanged(spent=[key])

    def test_a_spent_captchas_image_is_gone(self, client, captchas, api):
        key, answer = captchas.solved()
        assert client.get(f"/captcha/image/{key}/").status_code == HTTPStatus.OK
        api.post("captcha/check", {"key": key, "answer": answer + "x"})
        assert client.get(f"/captcha/image/{key}/").status_code == HTTPStatus.GONE


@pytest.mark.django_db
class TestCaptchaSupply:
    def test_refresh_wants_an_ajax_header(self, client, snapshot):
        before = snapshot()
        assert client.get("/captcha/refresh/").status_code == HTTPStatus.NOT_FOUND
        before.assert_unchanged()

    def test_refresh_is_get_only(self, client, snapshot):
        before = snapshot()
        response = client.post(
            "/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest"
        )
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
        before.assert_unchanged()

    def test_refresh_and_api_share_one_limit(self, api, settings, snapshot):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "captcha_ip": "3/m"}
        ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
        assert api.client.get("/captcha/refresh/", **ajax).status_code == 200
        assert_envelope(api.get("captcha"), HTTPStatus.OK)
        assert api.client.get("/captcha/refresh/", **ajax).status_code == 200
        before = snapshot()
        assert_refused_rate(api.get("captcha"))
        refused = api.client.get("/captcha/refresh/", **ajax)
        assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert int(refused["Retry-After"]) > 0
        before.assert_unchanged()


@pytest.mark.django_db
class TestCaptchaAtLogin:
    @pytest.fixture
    def captcha_due(self, api, user):
        for _ in range(3):
            response = api.post(
                "login", {"login": "xiaoming", "password": WRONG_PASSWORD}
            )
            assert_envelope(response, HTTPStatus.UNAUTHORIZED)
        return user

    @pytest.mark.parametrize("captcha", ["missing", "wrong", "spent", "unknown"])
    def test_the_right_password_without_a_live_captcha_does_not_sign_in(
        self, api, captchas, captcha_due, snapshot, captcha
    ):
        key, answer = captchas.solved()
        if captcha == "spent":
            api.post("captcha/check", {"key": key, "answer": "no"})
        extra = {
            "missing": {},
            "wrong": {"captcha_key": key, "captcha_answer": "no"},
            "spent": {"captcha_key": key, "captcha_answer": answer},
            "unknown": {"captcha_key": UNKNOWN_KEY, "captcha_answer": answer},
        }[captcha]
        before = snapshot()
        body = {"login": "xiaoming", "password": STRONG_PASSWORD, **extra}
        response = api.post("login", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, reason="captcha_required")
        assert api.signed_in_as() is None
        before.assert_unchanged(captchas=False)

    def test_one_solved_captcha_lets_one_attempt_through(
        self, api, captchas, captcha_due
    ):
        key, answer = captchas.solved()
        body = {
            "login": "xiaoming",
            "password": WRONG_PASSWORD,
            "captcha_key": key,
            "captcha_answer": answer,
        }
        assert_envelope(api.post("login", body), HTTPStatus.UNAUTHORIZED)
        replay = {**body, "password": STRONG_PASSWORD}
        response = api.post("login", replay)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, reason="captcha_required")
        assert api.signed_in_as() is None


# --- SMS codes ---------------------------------------------------------------


@pytest.mark.django_db
class TestCodes:
    def test_five_wrong_codes_spend_the_right_one(self, api, sent_code, snapshot):
        code = sent_code()
        before = snapshot()
        for n in range(1, 6):
            response = api.post(
                "sms/login", {"phone": NATIONAL, "code": _wrong(code, n)}
            )
            assert_envelope(
                response, HTTPStatus.BAD_REQUEST, reason="invalid", fields=["code"]
            )
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="spent", fields=["code"]
        )
        assert api.signed_in_as() is None
        before.assert_unchanged()

    def test_four_wrong_codes_leave_the_right_one_working(self, api, sent_code):
        """The control for the test above: the fifth try is the one that spends."""
        code = sent_code()
        for n in range(1, 5):
            api.post("sms/login", {"phone": NATIONAL, "code": _wrong(code, n)})
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        data = assert_envelope(response, HTTPStatus.OK)
        assert data["created"] is True

    def test_five_wrong_codes_spend_a_binding_code(
        self, api, user, sent_code, snapshot
    ):
        api.client.force_login(user)
        code = sent_code(PHONE, "bind")
        before = snapshot()
        for n in range(1, 6):
            api.post("sms/bind", {"phone": NATIONAL, "code": _wrong(code, n)})
        response = api.post("sms/bind", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="spent", fields=["code"]
        )
        before.assert_unchanged()

    def test_a_code_signs_in_once(self, api, sent_code, snapshot):
        code = sent_code()
        assert_envelope(
            api.post("sms/login", {"phone": NATIONAL, "code": code}), HTTPStatus.OK
        )
        assert_envelope(api.post("logout"), HTTPStatus.OK)
        before = snapshot()
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="expired", fields=["code"]
        )
        assert api.signed_in_as() is None
        before.assert_unchanged()

    def test_a_new_code_replaces_the_old_one(self, api, sent_code, snapshot):
        old = sent_code()
        cooldown_ends(PHONE)
        new = sent_code()
        before = snapshot()
        if old != new:
            response = api.post("sms/login", {"phone": NATIONAL, "code": old})
            assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["code"])
            before.assert_unchanged()
        response = api.post("sms/login", {"phone": NATIONAL, "code": new})
        assert_envelope(response, HTTPStatus.OK)

    @pytest.mark.parametrize(
        ("sent_for", "used_on"),
        [("login", "sms/bind"), ("bind", "sms/login")],
    )
    def test_a_code_for_one_purpose_does_nothing_on_the_other(
        self, api, user, sent_code, snapshot, sent_for, used_on
    ):
        api.client.force_login(user)
        code = sent_code(PHONE, sent_for)
        before = snapshot()
        response = api.post(used_on, {"phone": NATIONAL, "code": code})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["code"])
        before.assert_unchanged()
        assert api.signed_in_as() == user.pk

    def test_a_code_for_one_phone_does_nothing_on_another(
        self, api, sent_code, snapshot
    ):
        code = sent_code(OTHER_PHONE)
        before = snapshot()
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(
            response, HTTPStatus.BAD_REQUEST, reason="expired", fields=["code"]
        )
        assert api.signed_in_as() is None
        before.assert_unchanged()

    @pytest.mark.parametrize("code", ["000000", "", "0", "1"])
    def test_a_phone_with_no_code_matches_nothing(self, api, snapshot, db, code):
        before = snapshot()
        response = api.post("sms/login", {"phone": NATIONAL, "code": code})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["code"])
        assert api.signed_in_as() is None
        before.assert_unchanged()

    def test_binding_a_phone_of_another_account_says_not_whose(
        self, api, user, sent_code, snapshot
    ):
        owner = user_create("owner", "owner@example.cn", phone=OTHER_PHONE)
        api.client.force_login(user)
        code = sent_code(OTHER_PHONE, "bind")
        before = snapshot()
        response = api.post("sms/bind", {"phone": OTHER_NATIONAL, "code": code})
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["phone"])
        text = response.content.decode()
        for secret in (owner.username, owner.email, str(owner.pk), "owner"):
            assert secret not in text
        before.assert_unchanged()

    def test_sending_a_binding_code_signed_out_is_a_401(
        self, api, captchas, sms_outbox, snapshot
    ):
        body = sms_body(captchas, purpose="bind")
        before = snapshot()
        response = api.post("sms/send", body)
        assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
        before.assert_unchanged()  # the captcha stays for a real attempt

    @pytest.mark.parametrize(
        "phone",
        [
            "+12025550123",
            "+85291234567",
            "010-12345678",
            "138001380001",
            "+86 138 0013 800O",
        ],
    )
    def test_no_code_goes_to_a_number_that_is_no_mainland_mobile(
        self, api, captchas, sms_outbox, snapshot, phone
    ):
        body = sms_body(captchas, phone=phone)
        before = snapshot()
        response = api.post("sms/send", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["phone"])
        before.assert_unchanged()  # refused before the captcha is spent

    @pytest.mark.parametrize("purpose", ["admin", "LOGIN", "login ", "reset", ""])
    def test_an_unknown_purpose_sends_nothing(
        self, api, captchas, sms_outbox, snapshot, purpose
    ):
        body = {**sms_body(captchas), "purpose": purpose}
        before = snapshot()
        response = api.post("sms/send", body)
        assert_envelope(response, HTTPStatus.BAD_REQUEST, fields=["purpose"])
        before.assert_unchanged()

    def test_a_second_code_inside_the_cooldown_is_a_429(
        self, api, captchas, sms_outbox, snapshot
    ):
        assert_envelope(api.post("sms/send", sms_body(captchas)), HTTPStatus.OK)
        before = snapshot()
        body = sms_body(captchas, phone="+86 138 0013 8000")  # the same phone
        retry_after = assert_refused_rate(api.post("sms/send", body))
        assert retry_after <= 60
        before.assert_unchanged(spent=[body["captcha_key"]])
        assert SmsSend.objects.count() == 1


# --- In parallel, on a live server -------------------------------------------


def _reasons(responses) -> list:
    return sorted(
        (r.status_code, (r.json()["data"] or {}).get("reason")) for r in responses
    )


class CountedHashChecks:
    """Count password checks, each held a moment as Argon2 would hold it."""

    def __init__(self, monkeypatch, hold: float = 0.3):
        self.count = 0
        lock = threading.Lock()
        original = MD5PasswordHasher.verify

        def verify(hasher, password, encoded):
            nonlocal lock
            with lock:
                self.count += 1
            time.sleep(hold)
            return original(hasher, password, encoded)

        monkeypatch.setattr(MD5PasswordHasher, "verify", verify)


class CountedCodeChecks:
    """Count the comparisons of a typed code with the live one, each held a
    moment so that parallel guesses overlap."""

    def __init__(self, monkeypatch, hold: float = 0.2):
        self.count = 0
        lock = threading.Lock()

        def compare(left, right):
            with lock:
                self.count += 1
            time.sleep(hold)
            return constant_time_compare(left, right)

        monkeypatch.setattr(codes, "constant_time_compare", compare)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
class TestInParallel:
    def test_eight_code_guesses_at_once_compare_five_at_most(
        self, live_server, sent_code, monkeypatch
    ):
        code = sent_code()
        checks = CountedCodeChecks(monkeypatch)
        guesses = [{"phone": NATIONAL, "code": _wrong(code, n)} for n in range(1, 9)]
        responses = post_in_parallel(live_server.url, "sms/login", guesses)
        reasons = [reason for _, reason in _reasons(responses)]
        assert {status for status, _ in _reasons(responses)} == {400}
        assert 0 < checks.count <= 5
        assert reasons.count("invalid") == checks.count
        # A guess that lost the race to the fifth wrong one was never compared:
        # it finds the code gone.
        assert set(reasons) - {"invalid"} <= {"spent", "expired"}
        right = {"phone": NATIONAL, "code": code}
        right = post_in_parallel(live_server.url, "sms/login", [right])
        assert _reasons(right) == [(400, "spent")]
        assert checks.count <= 5
        assert not User.objects.filter(phone=PHONE).exists()

    def test_one_code_sent_four_times_at_once_signs_in_once(
        self, live_server, sent_code
    ):
        code = sent_code()
        body = {"phone": NATIONAL, "code": code}
        responses = post_in_parallel(live_server.url, "sms/login", [body] * 4)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 400, 400, 400]
        assert User.objects.filter(phone=PHONE).count() == 1

    def test_guesses_by_username_and_email_at_once_check_three(
        self, live_server, monkeypatch
    ):
        """The IP's failures in a row count every spelling of the account."""
        user_create()
        checks = CountedHashChecks(monkeypatch)
        bodies = [
            {"login": login, "password": WRONG_PASSWORD}
            for login in ["xiaoming", "ming@example.cn"] * 4
        ]
        responses = post_in_parallel(live_server.url, "login", bodies)
        assert checks.count == 3
        assert _reasons(responses) == (
            [(400, "captcha_required")] * 5 + [(401, None)] * 3
        )

    def test_one_captcha_sent_six_times_at_once_registers_once(
        self, live_server, captchas
    ):
        key, answer = captchas.solved()
        bodies = [
            {
                "username": f"xiaohong{n}",
                "email": f"hong{n}@example.cn",
                "password": STRONG_PASSWORD,
                "password_confirm": STRONG_PASSWORD,
                "agree": True,
                "captcha_key": key,
                "captcha_answer": answer,
            }
            for n in range(6)
        ]
        responses = post_in_parallel(live_server.url, "register", bodies)
        assert sorted(r.status_code for r in responses) == [201] + [400] * 5
        for response in responses:
            if response.status_code == 400:
                assert set(response.json()["data"]["errors"]) == {"captcha"}
        assert User.objects.count() == 1
        assert not captchas.is_live(key)
