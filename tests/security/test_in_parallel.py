"""One-time secrets raced: parallel guesses and reuse against a live server."""

import threading
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils.crypto import constant_time_compare

from haima.accounts.models import User
from haima.sms import codes
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, post_in_parallel

from .conftest import (
    NATIONAL,
    PHONE,
    WRONG_PASSWORD,
    wrong_code,
)

UNKNOWN_KEY = "0123456789abcdef0123456789abcdef01234567"


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
        guesses = [
            {"phone": NATIONAL, "code": wrong_code(code, n)} for n in range(1, 9)
        ]
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
