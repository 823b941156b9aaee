"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from config.startup import exit_on_misconfiguration

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = exit_on_misconfiguration(get_asgi_application)
