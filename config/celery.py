"""The Celery app; configured from Django settings prefixed ``CELERY_``."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("haima")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _log_as_django_settings_say(**kwargs) -> None:
    """Keep LOGGING's handlers in workers rather than Celery's own.

    Theirs would print messages raw; ours escape control characters
    (haima.core.logs). A receiver of this signal stops Celery configuring
    logging at all.
    """
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
