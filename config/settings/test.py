"""The test runner's settings; tests/harness.py points them at the services."""

from .base import *  # noqa: F403
from .base import DATA_DIR, DATABASES, SECRET_KEY, env
from .environment import _development_secret_key

TESTING = True
SECRET_KEY = SECRET_KEY or _development_secret_key(DATA_DIR)

# Each run gets its own database (the harness names it after its Redis db).
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}

# Hashing speed is measured in bench/, not paid on every test user.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# aiosmtpd, the tests' SMTP server, logs every SMTP command at INFO.
LOGGING["loggers"]["mail.log"] = {"level": "WARNING"}  # noqa: F405

# The tests talk plain HTTP on loopback: cookies must not require HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
