"""Scale-out: a thousand customers through two web servers and two workers.

Two gunicorn instances (2 sync workers each) and two Celery workers share
one PostgreSQL and one Redis; each customer signs up, activates, signs in by
password and by SMS code, crossing between the instances at every step
(tests/scale/driver.py, which tests/scale/test_scale_out.py runs with a few
dozen). Prints accounts/s and, for each count, what was expected and what
was seen; exits 1 on any mismatch.

Production hashing (Argon2id) and settings (DEBUG off), per-IP limits as
shipped (each customer has an address of its own, X-Forwarded-For), the SMS
budget raised past the run's texts. Uses this machine's PostgreSQL
(database haima_bench_scale, made afresh) and a private redis-server on a
free port, stopped afterwards. BENCH_SCALE_ACCOUNTS (1000) and
BENCH_SCALE_THREADS (8 customers at once) change the run.
"""

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import free_port, wait_for  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "haima_bench_scale"
ACCOUNTS = int(os.environ.get("BENCH_SCALE_ACCOUNTS", "1000"))
THREADS = int(os.environ.get("BENCH_SCALE_THREADS", "8"))


def fresh_database() -> str:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{POSTGRES}/{DATABASE}"


def private_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    """A redis-server of this run's own: nobody else's keys, nothing to flush."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=open(folder / "redis.log", "w"),  # noqa: SIM115 (the child's)
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        try:
            return redis.Redis.from_url(url, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    wait_for(answers, 10, "the private redis-server")
    return process, url


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="haima-bench-scale-"))
    redis_server, redis_url = private_redis(folder)
    try:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings.local",
            DEBUG="false",
            SECRET_KEY="bench-only-not-a-secret-" + "x" * 30,
            DATA_DIR=str(folder),
            TEST_OUTPUT_DIR=str(folder),  # the processes' logs
            DATABASE_URL=fresh_database(),
            REDIS_URL=redis_url,
            SECURE_COOKIES="false",  # plain HTTP on loopback
            SMS_DAILY_BUDGET=str(2 * ACCOUNTS),
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter

        from tests.processes import service_environment
        from tests.scale.driver import ScaleOut

        with ScaleOut(
            env=service_environment(), folder=folder, mail_timeout=300
        ) as stack:
            result = stack.run(accounts=ACCOUNTS, threads=THREADS)
    finally:
        redis_server.terminate()
        redis_server.wait(10)

    requests_sent = sum(result.sent.values())
    print(
        f"scale-out: {ACCOUNTS} customers, {THREADS} at a time, through 2 gunicorn "
        f"instances x 2 workers and 2 Celery workers (logs in {folder})"
    )
    print(
        f"  {result.seconds:.1f} s: {ACCOUNTS / result.seconds:.2f} accounts/s "
        f"(each: sign-up, activation, password and SMS sign-in), "
        f"{requests_sent / result.seconds:.1f} requests/s; "
        + ", ".join(f"{name} served {sent}" for name, sent in result.sent.items())
    )
    print(result.report())
    met = result.observed() == result.expected() and not result.failures
    print("all counts as expected" if met else "MISMATCHES: see above")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
