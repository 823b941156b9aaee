"""LOGGING: text lines in development, one JSON object a line in production.

``LOG_FORMAT`` (``text`` or ``json``) chooses the console's formatter. Both
escape control characters in messages (haima.core.logs), so that a value
from a request cannot forge a line or repaint a terminal. Django's own
loggers are listed to drop the handlers of its default configuration, which
print messages raw: "django" logs through the root's handler, runserver's
request lines through an escaping copy of Django's formatter. (Its
mail_admins handler goes: ADMINS is not set.) gunicorn's loggers are listed
too, so its access and error lines are in the same format; gunicorn.conf.py
hands this configuration to gunicorn's master as well. Celery workers keep
it too (config/celery.py).
"""

from django.core.exceptions import ImproperlyConfigured

LOG_FORMATS = ("text", "json")


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for ``log_format``; raise ImproperlyConfigured for
    a format that is not one of LOG_FORMATS."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(
            f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}."
        )
    json = log_format == "json"
    own_handler = {"handlers": ["console"], "level": "INFO", "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "()": "haima.core.logs.EscapingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            },
            "django.server": {
                "()": "haima.core.logs.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
            "json": {"()": "haima.core.logs.JsonFormatter"},
        },
        "filters": {"routes": {"()": "haima.core.logs.RouteFilter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json else "plain",
                "filters": ["routes"],
            },
            "django.server": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json else "django.server",
                "filters": ["routes"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": "NOTSET"},
            "django.server": {**own_handler, "handlers": ["django.server"]},
            "gunicorn.error": own_handler,
            "gunicorn.access": own_handler,
            # Its DEBUG lines hold request URLs, and the Aliyun SDK puts the
            # phone and the code in SendSms's query string: never below INFO.
            "urllib3": {"level": "INFO"},
        },
    }
