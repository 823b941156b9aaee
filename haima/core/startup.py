"""Refuse to start with settings that are wrong or unsafe."""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from .ratelimit import rate_limits_check

ALIYUN_REQUIRED = (
    "ALIYUN_ACCESS_KEY_ID",
    "ALIYUN_ACCESS_KEY_SECRET",
    "ALIYUN_SMS_SIGN_NAME",
    "ALIYUN_SMS_TEMPLATE_CODE",
)


def check_startup_settings(settings) -> None:
    """Raise ImproperlyConfigured, naming the variable, for a bad setup.

    Runs in every process (web, worker, manage.py) from CoreConfig.ready, so
    gunicorn and Celery refuse too, not only ``manage.py check``.
    """
    rate_limits_check(settings.RATE_LIMITS)
    _check_sms(settings)
    if settings.DEBUG:
        return
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is false; "
            "set it to a long random string."
        )
    if _weak(settings.SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if settings.HAIMA_CAPTCHA_TEST_MODE and not (on_sqlite or settings.TESTING):
        raise ImproperlyConfigured(
            "CAPTCHA_TEST_MODE must not be true when DEBUG is false "
            "outside tests and SQLite development."
        )


def _weak(secret_key: str) -> bool:
    """The rule of ``manage.py check --deploy`` (security.W009), at start-up."""
    return (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or secret_key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def _check_sms(settings) -> None:
    if settings.SMS_BACKEND not in settings.SMS_BACKENDS.values() and (
        "." not in settings.SMS_BACKEND
    ):
        raise ImproperlyConfigured(
            "SMS_BACKEND must be console, file, aliyun or a dotted path, "
            f"not {settings.SMS_BACKEND!r}."
        )
    if settings.SMS_BACKENDS["aliyun"] == settings.SMS_BACKEND:
        for name in ALIYUN_REQUIRED:
            if not getattr(settings, name):
                raise ImproperlyConfigured(
                    f"{name} is required with SMS_BACKEND=aliyun."
                )
