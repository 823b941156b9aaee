"""WSGI entry point for gunicorn: ``gunicorn config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import exit_on_misconfiguration

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = exit_on_misconfiguration(get_wsgi_application)
