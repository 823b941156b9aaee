"""Refuse to start with settings that are unsafe outside development."""

from django.core.exceptions import ImproperlyConfigured


def check_startup_settings(settings) -> None:
    """Raise ImproperlyConfigured, naming the variable, for an unsafe setup.

    Runs in every process (web, worker, manage.py) from CoreConfig.ready, so
    gunicorn and Celery refuse too, not only ``manage.py check``.
    """
    if settings.DEBUG:
        return
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is false; "
            "set it to a long random string."
        )
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if settings.HAIMA_CAPTCHA_TEST_MODE and not (on_sqlite or settings.TESTING):
        raise ImproperlyConfigured(
            "CAPTCHA_TEST_MODE must not be true when DEBUG is false "
            "outside tests and SQLite development."
        )
