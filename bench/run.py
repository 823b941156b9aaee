"""`make bench`: Haima beside the peers a Django shop would install, in one run.

Starts a private Redis, fresh databases on the machine's PostgreSQL
(haima_bench_site, peer_bench_site), an SMTP server taking 5 s a message,
and two sites under one gunicorn setup (bench/gunicorn_bench.py): Haima, and
the peer of bench/peers (django-allauth, django-simple-captcha; from
var/peers/venv). Measures the figures of bench/figures, each with its peer
in the same run, and prints one Markdown table with notes beneath it;
progress goes to stderr. Exits 0 whether the goals are met or not, 1 when
a figure could not be measured.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from _services import (
    BASE_DIR,
    BENCH_DIR,
    Gunicorn,
    Process,
    RedisServer,
    SlowSmtp,
    drop_database,
    fresh_database,
    scratch_directory,
)
from _sites import Haima, Peer

PEER_PYTHON = BASE_DIR / "var" / "peers" / "venv" / "bin" / "python"
PEER_DIR = BENCH_DIR / "peers"
HAIMA_DATABASE, PEER_DATABASE = "haima_bench_site", "peer_bench_site"
SMTP_DELAY = 5.0
SECRET_KEY = "bench-only-not-a-secret-" + "x" * 30
USERNAME, PASSWORD = "bench", "fresh-Mango-42"
# Users who sign in once each in the login figure (3), as a shop's traffic
# is many customers, not one signing in thousands of times.
LOGIN_PREFIX, LOGINS = "login", 4000


@dataclass
class Bench:
    """What the figures measure with: the two sites and the services."""

    directory: Path
    redis: RedisServer
    smtp: SlowSmtp
    haima_env: dict[str, str] = field(default_factory=dict)
    haima: Haima | None = None
    peer: Peer | None = None
    # The stored hashes of the bench's user, less salt and hash.
    haima_hash_parameters: str = ""
    peer_hash_parameters: str = ""
    username: str = USERNAME
    password: str = PASSWORD
    login_prefix: str = LOGIN_PREFIX
    logins: int = LOGINS

    def start_celery_worker(self) -> Process:
        return Process(
            [sys.executable, "-m", "celery", "-A", "config", "worker",
             "--concurrency=2", "--loglevel=WARNING", "--without-heartbeat",
             "--without-gossip", "--without-mingle"],
            env=self.haima_env, directory=self.directory, name="celery",
        )  # fmt: skip


def progress(message: str) -> None:
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    print(f"[bench {stamp}] {message}", file=sys.stderr, flush=True)


def haima_environment(bench: Bench) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "DATA_DIR": str(bench.directory),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": fresh_database(HAIMA_DATABASE),
        "REDIS_URL": bench.redis.url(0),
        "CELERY_BROKER_URL": bench.redis.url(1),
        "EMAIL_URL": f"smtp://127.0.0.1:{bench.smtp.port}",
        # Figures 2 and 4 give each client its own address, as a proxy would.
        "TRUSTED_PROXY_COUNT": "1",
        "SMS_CODE_TTL": "3600",  # codes made for figure 5 outlive the run
    }


def deployed_malloc_tuning() -> dict[str, str]:
    """GLIBC_TUNABLES as the web unit sets it: Haima's web processes are
    measured as deployed (the README's production section says why)."""
    unit = (BASE_DIR / "deploy" / "systemd" / "haima-web.service").read_text()
    tunables = re.search(r"^Environment=GLIBC_TUNABLES=(\S+)$", unit, re.MULTILINE)
    return {"GLIBC_TUNABLES": tunables.group(1)}


def peer_environment(bench: Bench) -> dict[str, str]:
    """The peer's settings: its database, Redis db 2, Haima's hash parameters."""
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    if hasher.algorithm != "argon2":
        raise SystemExit(f"bench: Haima hashes with {hasher.algorithm}, not Argon2")
    database = urlsplit(fresh_database(PEER_DATABASE))
    return {
        "DJANGO_SETTINGS_MODULE": "peer.settings",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_NAME": database.path.lstrip("/"),
        "DATABASE_HOST": database.hostname,
        "DATABASE_PORT": str(database.port or 5432),
        "DATABASE_USER": database.username or "postgres",
        "REDIS_URL": bench.redis.url(2),
        "EMAIL_PORT": str(bench.smtp.port),
        "ARGON2_TIME_COST": str(hasher.time_cost),
        "ARGON2_MEMORY_COST": str(hasher.memory_cost),
        "ARGON2_PARALLELISM": str(hasher.parallelism),
    }


def peer_manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PEER_PYTHON), "manage.py", *args], cwd=PEER_DIR,
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def finished(command: subprocess.Popen) -> str:
    out, err = command.communicate()
    if command.returncode:
        raise SystemExit(f"bench: {' '.join(command.args[1:3])}: {err}")
    return out.strip()


def start_sites(bench: Bench, stack: list[Process]) -> None:
    """Migrate both databases (at once), make the bench's user on each,
    serve both sites and sign a client in to each."""
    bench.haima_env = haima_environment(bench)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(bench.haima_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    django.setup()
    peer_env = peer_environment(bench)
    peer_migration = peer_manage(peer_env, "migrate", "--verbosity=0")
    call_command("migrate", verbosity=0)
    User = get_user_model()
    encoded = User.objects.create_user(
        USERNAME, f"{USERNAME}@example.cn", PASSWORD
    ).password
    bench.haima_hash_parameters = "$".join(encoded.split("$")[:4])
    names = [f"{LOGIN_PREFIX}{n}" for n in range(LOGINS)]
    User.objects.bulk_create(
        User(username=name, email=f"{name}@example.cn", password=encoded)
        for name in names
    )
    finished(peer_migration)
    bench.peer_hash_parameters = finished(
        peer_manage(
            peer_env, "bench_users", USERNAME, LOGIN_PREFIX, str(LOGINS), PASSWORD
        )
    )
    # Haima's URLs and figure 5's baseline view (bench/_baseline_urls.py).
    haima_web = {**bench.haima_env, "DJANGO_SETTINGS_MODULE": "_baseline_settings",
                 "PYTHONPATH": str(BENCH_DIR), **deployed_malloc_tuning()}  # fmt: skip
    for site, python, app, env, cwd in (
        (Haima, sys.executable, "config.wsgi", haima_web, BASE_DIR),
        (Peer, str(PEER_PYTHON), "peer.wsgi", peer_env, PEER_DIR),
    ):
        name = site.__name__.lower()
        server = Gunicorn(python, app, env=env, cwd=cwd, directory=bench.directory,
                          name=name)  # fmt: skip
        stack.append(server)
        setattr(bench, name, site(site.__name__, server))
    bench.haima.sign_in(USERNAME, PASSWORD)
    bench.peer.sign_in(USERNAME, PASSWORD)


def measure_all(bench: Bench) -> tuple[list, list[str]]:
    """Measure every figure; a figure that fails is reported, not fatal."""
    from figures import Row, captchas, logins, memory, signed_in, signups, sms_logins

    # In the table's (the issue's) order; memory last, after all the load.
    figures = [signed_in, captchas, logins, signups, sms_logins, memory]
    # BENCH_FIGURES=logins,sms_logins measures only those (while working on one).
    if chosen := os.environ.get("BENCH_FIGURES"):
        figures = [
            f for f in figures if f.__name__.rsplit(".", 1)[1] in chosen.split(",")
        ]
    rows, failures = {}, []
    for figure in figures:
        progress(f"measuring: {figure.TITLE}")
        try:
            rows[figure] = figure.measure(bench)
        except Exception as error:
            traceback.print_exc()
            failures.append(f"{figure.TITLE}: {error}")
            rows[figure] = Row(figure.TITLE, figure.PEER, *["not measured"] * 4, False)
    return [rows[figure] for figure in figures], failures


def main() -> int:
    if not PEER_PYTHON.exists():
        raise SystemExit(f"bench: no {PEER_PYTHON}; `make bench` makes it")
    started, load_before = time.monotonic(), os.getloadavg()[0]
    directory = scratch_directory()
    stack: list[Process] = []
    with SlowSmtp(SMTP_DELAY) as smtp:
        try:
            stack.append(RedisServer(directory))
            bench = Bench(directory, stack[0], smtp)
            progress("migrating both databases, starting both sites")
            start_sites(bench, stack)
            rows, failures = measure_all(bench)
        finally:
            for process in reversed(stack):
                process.stop()
            drop_database(HAIMA_DATABASE)
            drop_database(PEER_DATABASE)
    print_table(rows, failures)
    if failures:
        print(f"- the servers' logs are in {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)
    print(
        f"- one run of {time.monotonic() - started:.0f} s on {os.cpu_count()} cores "
        f"shared with other work (load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after); each site on gunicorn, 2 sync workers; "
        "wrk, 1 thread and 4 connections, loading the two in turns"
    )
    return 1 if failures else 0


def print_table(rows, failures: list[str]) -> None:
    print("| figure | peer | peer value | Haima | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        met = "yes" if row.met else "**no**"
        print(f"| {row.figure} | {row.peer} | {row.peer_value} | {row.haima_value} "
              f"| {row.ratio} | {row.goal} | {met} |")  # fmt: skip
    print()
    for row in rows:
        for note in row.notes:
            print(f"- {row.figure}: {note}")
    for failure in failures:
        print(f"- not measured: {failure}")


if __name__ == "__main__":
    sys.exit(main())
