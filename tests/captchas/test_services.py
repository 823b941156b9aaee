"""One captcha proves one human action (haima.captchas.services)."""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from haima.captchas import challenges
from haima.captchas.services import (
    EXPIRED,
    MISSING,
    WRONG,
    CaptchaRejected,
    captcha_check,
    captcha_consume,
    captcha_delete_expired,
    captcha_issue,
)
from haima.captchas.tasks import delete_expired_captchas

pytestmark = pytest.mark.django_db


def rejected_message(call, **kwargs) -> str:
    with pytest.raises(CaptchaRejected) as caught:
        call(**kwargs)
    [message] = caught.value.errors["captcha"]
    return message


def test_each_issue_is_a_new_key_and_image():
    first, second = captcha_issue(), captcha_issue()
    assert first.key != second.key
    assert first.image_url == f"/captcha/image/{first.key}/"


def test_right_answer_is_accepted_once(captchas):
    key = captchas.issue()
    answer = captchas.answer(key)
    captcha_consume(key=key, answer=answer)
    assert not captchas.is_live(key)
    assert rejected_message(captcha_consume, key=key, answer=answer) == EXPIRED


def test_right_precheck_leaves_it_live_for_one_action(captchas):
    key = captchas.issue()
    answer = captchas.answer(key)
    captcha_check(key=key, answer=answer)
    assert captchas.is_live(key)
    captcha_consume(key=key, answer=answer)
    with pytest.raises(CaptchaRejected):
        captcha_consume(key=key, answer=answer)


@pytest.mark.parametrize("attempt", [captcha_check, captcha_consume])
def test_a_wrong_answer_spends_the_captcha(captchas, attempt):
    key = captchas.issue()
    answer = captchas.answer(key)
    assert rejected_message(attempt, key=key, answer=answer + "x") == WRONG
    assert not captchas.is_live(key)
    with pytest.raises(CaptchaRejected):
        captcha_consume(key=key, answer=answer)


def test_answers_ignore_case_and_surrounding_spaces(captchas):
    key = captchas.issue()
    captcha_consume(key=key, answer=f"  {captchas.answer(key).upper()}\t")


def test_an_expired_captcha_is_refused(captchas):
    key = captchas.issue()
    answer = captchas.answer(key)
    captchas.expire(key)
    assert rejected_message(captcha_consume, key=key, answer=answer) == EXPIRED


def test_expired_captchas_are_cleaned_up_by_the_periodic_task(captchas):
    old, fresh = captchas.issue(), captchas.issue()
    captchas.expire(old)
    assert delete_expired_captchas() == 1
    assert not captchas.is_live(old) and captchas.is_live(fresh)
    assert captcha_delete_expired() == 0


@pytest.mark.parametrize(
    "key",
    ["", "nope", "0" * 39, "A" * 40, "g" * 40, "0" * 10_000, "0" * 39 + "\x00",
     "验证码" * 10, "0" * 40 + "\n"],
)  # fmt: skip
def test_malformed_or_unknown_keys_are_refused(captchas, key):
    assert rejected_message(captcha_consume, key=key, answer="abcd") == EXPIRED


def test_an_empty_answer_is_asked_for_and_spends_nothing(captchas):
    key = captchas.issue()
    for answer in ("", "   "):
        assert rejected_message(captcha_consume, key=key, answer=answer) == MISSING
    assert captchas.is_live(key)


@pytest.mark.parametrize("answer", ["x" * 10_000, "ab\x00d", "验证码对", "\u0130bcd"])
def test_odd_answers_are_wrong_and_spend_the_key(captchas, answer):
    key = captchas.issue()
    assert rejected_message(captcha_consume, key=key, answer=answer) == WRONG
    assert not captchas.is_live(key)


class TestTestMode:
    @pytest.fixture(autouse=True)
    def test_mode(self, settings):
        settings.HAIMA_CAPTCHA_TEST_MODE = True

    def test_passed_solves_a_live_captcha_once(self, captchas):
        key = captchas.issue()
        captcha_check(key=key, answer="PASSED")
        captcha_consume(key=key, answer="passed")
        with pytest.raises(CaptchaRejected):
            captcha_consume(key=key, answer="PASSED")

    def test_unknown_and_expired_keys_are_still_refused(self, captchas):
        key = captchas.issue()
        captchas.expire(key)
        for unknown in (key, "0" * 40):
            with pytest.raises(CaptchaRejected):
                captcha_consume(key=unknown, answer="PASSED")


def test_passed_is_just_wrong_outside_test_mode(captchas):
    key = captchas.issue()
    with pytest.raises(CaptchaRejected):
        captcha_consume(key=key, answer="PASSED")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_of_one_captcha_let_only_one_through(captchas):
    key = captchas.issue()
    answer = captchas.answer(key)

    def use() -> bool:
        try:
            captcha_consume(key=key, answer=answer)
            return True
        except CaptchaRejected:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: use(), range(8)))
    assert outcomes.count(True) == 1


def test_letters_leave_out_lookalikes(settings):
    settings.CAPTCHA_LENGTH = 6
    for _ in range(200):
        text, answer = challenges.letters()
        assert len(text) == 6 and answer == text.lower()
        assert not set(text) & set("0O1IL")


def test_arithmetic_answers_are_never_negative():
    for _ in range(200):
        text, answer = challenges.arithmetic()
        assert eval(text.rstrip("="), {}) == int(answer) >= 0  # noqa: S307


def test_math_challenge_is_a_setting(tmp_path):
    # django-simple-captcha reads its settings once, at import: start afresh.
    script = (
        "import django; django.setup();"
        "from captcha.models import CaptchaStore as S;"
        "print(S.objects.get(hashkey=S.generate_key()).challenge)"
    )
    env = {
        **os.environ,
        "CAPTCHA_CHALLENGE": "math",
        "DEBUG": "true",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    env.pop("DATABASE_URL", None)
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    subprocess.run(migrate, env=env, check=True)
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert re.fullmatch(r"\d[+-]\d=", output.stdout.strip()), output.stderr
