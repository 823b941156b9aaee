"""Point the test run at real services before Django reads its settings.

Loaded early with ``-p tests.harness`` (see pyproject.toml). By default the
run uses this machine's PostgreSQL and Redis: its own Redis db number (1-15)
and a test database named after it, so two runs never share state. A service
that does not answer stops the run at once, saying how to start it.
``--embedded`` runs the embedded default instead (SQLite, database cache,
tasks in-process) and deselects the tests marked ``services``.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
RUN_KEY = "haima:test-run"
# What the contract reads from the environment: a developer's shell must not
# leak into the tests.
CONTRACT_VARIABLES = (
    "DEBUG", "SECRET_KEY", "DATA_DIR", "DATABASE_URL", "REDIS_URL",
    "CELERY_BROKER_URL", "EMAIL_URL", "SITE_URL", "SMS_BACKEND", "SMS_FILE_PATH",
    "CORS_ALLOWED_ORIGINS", "CSRF_TRUSTED_ORIGINS", "CAPTCHA_TEST_MODE",
    "ALLOWED_HOSTS", "ACTIVATION_MAX_AGE", "SMS_CODE_TTL", "SMS_RESEND_COOLDOWN",
    "SMS_DAILY_BUDGET", "ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET",
    "ALIYUN_SMS_SIGN_NAME", "ALIYUN_SMS_TEMPLATE_CODE", "ALIYUN_SMS_ENDPOINT",
    "SESSION_IDLE_TIMEOUT", "AUDIT_RETENTION_DAYS", "METRICS_ALLOWED_IPS",
    "PROMETHEUS_MULTIPROC_DIR", "TRUSTED_PROXY_COUNT", "LOG_FORMAT", "LOG_LEVEL",
    "WEB_CONCURRENCY",
)  # fmt: skip
HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect "
    "$(ls /etc/postgresql) main start",
    "Redis": "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 "
    '--save "" --appendonly no --dir /var/lib/redis',
}
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", "var/test-output")).resolve()
# pytest-xdist's worker id ("gw0"), or "" in a run without workers.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def log_file(name: str) -> Path:
    """Where a process called ``name`` logs: named per xdist worker, since
    each worker starts its own (the same fixture's) processes."""
    return OUTPUT_DIR / f"{name}{'-' + WORKER if WORKER else ''}.log"


_claimed_redis = None


def _stop(service: str, url: str, error: Exception) -> None:
    sys.exit(
        f"haima tests: {service} is not reachable at {url} ({error}).\n"
        f"Start it with: {HOW_TO_START[service]}"
    )


def _require_postgres() -> None:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES_URL}/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        _stop("PostgreSQL", POSTGRES_URL, error)


def _claim_redis_db() -> int:
    """Take a Redis db number no other run holds, emptied for this run."""
    import redis

    global _claimed_redis
    for number in range(1, 16):
        client = redis.Redis.from_url(f"{REDIS_URL}/{number}", socket_timeout=3)
        try:
            claimed = client.set(RUN_KEY, os.getpid(), nx=True, ex=6 * 3600)
        except redis.RedisError as error:
            _stop("Redis", REDIS_URL, error)
        if claimed:
            client.flushdb()
            client.set(RUN_KEY, os.getpid(), ex=6 * 3600)
            _claimed_redis = client
            return number
    sys.exit(f"haima tests: every Redis db 1-15 at {REDIS_URL} is held by a run.")


def pytest_addoption(parser):
    parser.addoption(
        "--embedded",
        action="store_true",
        help="run on the embedded default (SQLite, no Redis); "
        "deselect tests marked services",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    for name in CONTRACT_VARIABLES:
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # Playwright's sync API runs an event loop in the test thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="haima-test-")
    if early_config.known_args_namespace.embedded:
        return
    _require_postgres()
    number = _claim_redis_db()
    os.environ["DATABASE_URL"] = f"{POSTGRES_URL}/haima"
    os.environ["TEST_DATABASE_NAME"] = f"test_haima_{number}"
    os.environ["REDIS_URL"] = f"{REDIS_URL}/{number}"


def pytest_collection_modifyitems(config, items):
    if not config.getoption("embedded"):
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("services") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_collection_finish(session):
    """Stop a run whose tests share a node id: pytest-xdist schedules and
    reports by node id, so all but one of them would silently not run."""
    seen, shared = set(), set()
    for item in session.items:
        (shared if item.nodeid in seen else seen).add(item.nodeid)
    if shared:
        raise pytest.UsageError(f"tests share node ids: {sorted(shared)[:5]}")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["DATA_DIR"], ignore_errors=True)
    if _claimed_redis is not None:
        _claimed_redis.flushdb()
