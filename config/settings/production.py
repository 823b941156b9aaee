"""Production: gunicorn on config.wsgi and ``celery -A config worker``.

Static files are collected (``manage.py collectstatic``) and served by
whitenoise with hashed names; cookies are HTTPS-only unless told otherwise.
"""

from .base import *  # noqa: F403
from .base import DATA_DIR, LOG_LEVEL, env
from .logs import logging_config

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = env.path("STATIC_ROOT", default=str(DATA_DIR / "static"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer probes the web process itself, in plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Browsers keep to HTTPS for a year once they have seen the site.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Consent to the browsers' preload list; submitting the domain is a step
# of its own.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# One JSON object a line, for the log collector (LOG_FORMAT=text for lines).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
