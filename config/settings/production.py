"""Production: gunicorn on config.wsgi and ``celery -A config worker``.

Static files are collected (``manage.py collectstatic``) and served by
whitenoise with hashed names; cookies are HTTPS-only unless told otherwise.
"""

from .base import *  # noqa: F403
from .base import DATA_DIR, env

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = env.path("STATIC_ROOT", default=str(DATA_DIR / "static"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
