"""The Celery app; configured from Django settings prefixed ``CELERY_``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("haima")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
