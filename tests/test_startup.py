"""Unsafe settings stop start-up with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "".join(chr(ord("a") + n % 26) for n in range(60))


def manage_check(tmp_path, *options, **variables) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the test run's own browser
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATA_DIR=str(tmp_path),
        **variables,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", *options],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_refused_naming(result, variable: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_secret_key_is_refused_when_not_debugging(tmp_path):
    assert_refused_naming(manage_check(tmp_path, DEBUG="false"), "SECRET_KEY")


def test_debug_generates_and_keeps_a_development_key(tmp_path):
    assert manage_check(tmp_path, DEBUG="true").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert manage_check(tmp_path, DEBUG="true").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.services
def test_captcha_test_mode_is_refused_in_production(tmp_path):
    result = manage_check(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        CAPTCHA_TEST_MODE="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert_refused_naming(result, "CAPTCHA_TEST_MODE")


def test_captcha_test_mode_is_allowed_on_sqlite(tmp_path):
    result = manage_check(
        tmp_path, DEBUG="false", SECRET_KEY=STRONG_KEY, CAPTCHA_TEST_MODE="true"
    )
    assert result.returncode == 0, result.stderr


def test_production_with_its_secrets_starts(tmp_path):
    result = manage_check(tmp_path, DEBUG="false", SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr


def test_an_unknown_captcha_challenge_is_refused(tmp_path):
    result = manage_check(tmp_path, DEBUG="true", CAPTCHA_CHALLENGE="emoji")
    assert_refused_naming(result, "CAPTCHA_CHALLENGE")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("RATE_SIGNIN_IP", "50 per 15 minutes"), ("RATE_SMS_PHONE_DAY", "0/d")],
)
def test_a_bad_rate_limit_is_refused_by_name(tmp_path, variable, value):
    result = manage_check(tmp_path, DEBUG="true", **{variable: value})
    assert_refused_naming(result, variable)


def test_an_unknown_sms_backend_is_refused(tmp_path):
    result = manage_check(tmp_path, DEBUG="true", SMS_BACKEND="carrier-pigeon")
    assert_refused_naming(result, "SMS_BACKEND")


def test_the_aliyun_backend_needs_its_keys(tmp_path):
    result = manage_check(
        tmp_path,
        DEBUG="true",
        SMS_BACKEND="aliyun",
        ALIYUN_ACCESS_KEY_ID="key-id",
        ALIYUN_SMS_SIGN_NAME="海马生鲜",
        ALIYUN_SMS_TEMPLATE_CODE="SMS_000001",
    )
    assert_refused_naming(result, "ALIYUN_ACCESS_KEY_SECRET")


@pytest.mark.parametrize(
    "key", ["abc", "s" * 60, "django-insecure-" + "abcdefghij" * 6]
)
def test_a_weak_secret_key_is_refused_when_not_debugging(tmp_path, key):
    result = manage_check(tmp_path, DEBUG="false", SECRET_KEY=key)
    assert_refused_naming(result, "SECRET_KEY")


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "shop.cn"}
    deploy = manage_check(tmp_path, "--deploy", "--fail-level", "WARNING", **env)
    assert deploy.returncode == 0, deploy.stderr + deploy.stdout
