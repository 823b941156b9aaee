"""The engines: database, cache and sessions, Celery, mail.

Each is embedded unless its URL is set: SQLite, the database cache, tasks
run in-process, mail on the console.
"""

from redis.backoff import NoBackoff
from redis.retry import Retry

from .environment import DATA_DIR, env

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Several processes (web, in-process tasks) write the same file: take the
    # write lock at BEGIN and wait for it instead of failing "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, its health check asks the socket, not the server.
        DATABASES["default"]["ENGINE"] = "haima.core.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------
# Two aliases: "default" for ordinary caching, which may degrade when Redis
# is down, and "security" for sessions, codes and rate-limit counters, which
# must fail closed and so never swallows errors.

REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that accepts connections and never answers must fail a request
# in about a second, not hang it: timeouts on connect and on every reply,
# and one immediate retry instead of redis-py's default three with backoff.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
_REDIS_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
    "SOCKET_TIMEOUT": REDIS_TIMEOUT,
    "CONNECTION_POOL_KWARGS": {"retry": Retry(NoBackoff(), 1)},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "haima",
            "OPTIONS": {**_REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
        "security": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "haima-sec",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
    SESSION_ENGINE = "haima.core.sessions.cache"
    SESSION_CACHE_ALIAS = "security"
else:
    # The database cache, unlike local memory, is shared by every process.
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "haima_cache",
            "KEY_PREFIX": prefix,
        }
        for alias, prefix in (("default", "haima"), ("security", "haima-sec"))
    }
    SESSION_ENGINE = "haima.core.sessions.db"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Celery ---------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL) or None
# No broker: run tasks in-process, so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a killed worker does not drop it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # Publishing gives up fast when the broker is down: the request must not
    # hang, and the outbox keeps what was not published.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="haima")
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "delete-expired-captchas": {
        "task": "haima.captchas.tasks.delete_expired_captchas",
        "schedule": 15 * 60,
    },
    "resend-pending-emails": {
        "task": "haima.mail.tasks.resend_pending_emails",
        "schedule": 5 * 60,
    },
    "purge-audit-events": {
        "task": "haima.audit.tasks.audit_purge",
        "schedule": 24 * 3600,
    },
    "erase-cancelled-accounts": {  # 注销 past ACCOUNT_DELETION_DAYS
        "task": "haima.centre.tasks.accounts_erase",
        "schedule": 24 * 3600,
    },
}
CELERY_TIMEZONE = "Asia/Shanghai"

# --- Mail -----------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="海马生鲜 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
