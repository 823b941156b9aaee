"""SMS sign-in throughput beside a plain view doing the same Redis work.

gunicorn (2 sync workers, PostgreSQL, Redis for sessions, codes and
counters) serves ``POST /api/v1/sms/login`` {phone, code} to 4 client threads
for a fixed time: every request a different user's phone with its live code,
sent as a new visitor would (the CSRF cookie, no session cookie). The same
gunicorn, in the same run, serves ``POST /bench/redis-work``
(bench/_baseline_urls.py, through bench/_baseline_settings.py): a plain Django
view sending Redis the commands of one sign-in, in as many round trips, and
nothing else: no PostgreSQL, no ninja, no HMAC. The two take turns (5 rounds
of 2 s each, after a warm-up), so load from elsewhere on the machine falls
on both alike. Prints verifications/s, baseline requests/s and their ratio:
what the sign-in costs beyond its Redis round trips (its two SQL queries, the
framework, the policy's Python). Also the CPU per request of the gunicorn
workers and of PostgreSQL and Redis, and the load generator's own CPU.

First it shows the Redis work is the same: commands per request of each
endpoint on gunicorn, read with MONITOR on the bench's Redis db (INFO
commandstats counts the whole server, which other test runs share), and the
round trips and SQL queries of one request of each in this process (Django's
test client, the same middleware and settings).

The users (distinct phones +86138..., unusable passwords) and one code each
(haima.sms.codes.sms_code_issue, with SMS_CODE_TTL=3600 so that they outlive
the run) are made here, in the database and Redis that gunicorn uses. All
requests come from 127.0.0.1, but each success gives its reservation on the
signin_ip limit back and 2 workers hold at most 2 at a time, so the default
limits never refuse the load; no RATE_* is raised. BENCH_WORKERS and
BENCH_THREADS change the gunicorn setup.
"""

import http.client
import itertools
import json
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path

import redis
from _django import setup
from _services import REDIS, cpu_seconds, fresh_services, gunicorn, stop

CLIENTS = 4
ROUNDS, ROUND_SECONDS = 5, 2.0  # per endpoint, taking turns
WARMUP_SECONDS = 1.0
SAMPLE = 20  # requests per endpoint whose Redis commands are counted
# Codes to spend. Measured here: up to ~420 sign-ins/s and ~950 baseline
# requests/s, and a run spends ~11 s of each: these cover 15 s x 1.5 of both.
# A run that spends them all fails and says so.
SMS_PHONES = 12_000
BASELINE_PHONES = 30_000
DATABASE = "haima_bench_sms"
SMS_PATH = "/api/v1/sms/login"
BASELINE_PATH = "/bench/redis-work"

started = time.monotonic()
CORES = os.cpu_count() or 2
BENCH_DIR = Path(__file__).resolve().parent
env = setup({**fresh_services(DATABASE), "SMS_CODE_TTL": "3600"})
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from haima.accounts.models import User  # noqa: E402
from haima.accounts.phones import normalize_phone  # noqa: E402
from haima.sms.codes import sms_code_issue  # noqa: E402

load_before = os.getloadavg()[0]
prepare_started = time.monotonic()

# --- Users with live codes; the baseline's pointers and records -----------

phones = [f"+86138{i:08d}" for i in range(SMS_PHONES)]
assert all(normalize_phone(phone) == phone for phone in phones)
unusable = make_password(None)
User.objects.bulk_create(
    [
        User(username=f"sms{i}", phone=p, password=unusable)
        for i, p in enumerate(phones)
    ],
    batch_size=2000,
)
sms_bodies = [
    json.dumps({"phone": p, "code": sms_code_issue(phone=p, purpose="login")}).encode()
    for p in phones
]
baseline_phones = [f"+86139{i:08d}" for i in range(BASELINE_PHONES)]
bench_redis = redis.Redis.from_url(REDIS)
with bench_redis.pipeline(transaction=False) as pipe:
    for phone in baseline_phones:
        code_id = os.urandom(16).hex()
        pipe.set(f"bench:sms:ptr:{phone}", code_id, ex=3600)
        pipe.set(f"bench:sms:rec:{code_id}", os.urandom(32).hex(), ex=3600)
    pipe.execute()
baseline_bodies = [
    json.dumps({"phone": p, "code": "000000"}).encode() for p in baseline_phones
]
prepared = time.monotonic() - prepare_started


class Endpoint:
    """A path and its request bodies, each spent once, by any thread."""

    def __init__(self, name: str, path: str, bodies: list[bytes]):
        self.name, self.path, self.bodies = name, path, bodies
        self.cursor = itertools.count()  # next() is atomic in CPython

    def next_body(self) -> bytes:
        index = next(self.cursor)
        if index >= len(self.bodies):
            raise LookupError(f"{self.name}: all {len(self.bodies)} codes spent")
        return self.bodies[index]


sms = Endpoint("sms/login", SMS_PATH, sms_bodies)
baseline = Endpoint("baseline", BASELINE_PATH, baseline_bodies)

# --- One request of each in this process: round trips, SQL ----------------


def command_names(packed) -> list[str]:
    """The command names in what redis-py writes to the socket (RESP)."""
    data = b"".join(packed) if isinstance(packed, list) else packed
    names, at = [], 0
    while at < len(data):
        end = data.index(b"\r\n", at)
        count, at = int(data[at + 1 : end]), end + 2  # *<count>
        for position in range(count):
            end = data.index(b"\r\n", at)
            length = int(data[at + 1 : end])  # $<length>
            if position == 0:
                names.append(data[end + 2 : end + 2 + length].decode().upper())
            at = end + 2 + length + 2
    return names


def traced(endpoint: Endpoint) -> tuple[list[str], list[str]]:
    """Round trips (commands of each) and SQL of one request, in-process."""
    from redis.connection import AbstractConnection

    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.get("/api/v1/csrf")
    trips: list[str] = []
    send = AbstractConnection.send_packed_command

    def spy(self, command, check_health=True):
        trips.append(" ".join(command_names(command)))
        return send(self, command, check_health)

    for attempt in range(2):  # the first one opens connections
        trips.clear()
        client.cookies.pop("sessionid", None)
        AbstractConnection.send_packed_command = spy
        try:
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    endpoint.path,
                    endpoint.next_body(),
                    content_type="application/json",
                    HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
                )
        finally:
            AbstractConnection.send_packed_command = send
        assert response.status_code == 200, (attempt, response.content[:500])
    sql = [re.sub(r"^SELECT .*? FROM", "SELECT ... FROM", q["sql"])
           for q in queries.captured_queries]  # fmt: skip
    return trips, sql


sms_trips, sms_sql = traced(sms)
with override_settings(ROOT_URLCONF="_baseline_urls"):
    baseline_trips, baseline_sql = traced(baseline)

# --- gunicorn --------------------------------------------------------------

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
web_env = {
    **env,
    "DJANGO_SETTINGS_MODULE": "_baseline_settings",
    "PYTHONPATH": os.pathsep.join(
        filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])
    ),
}
server, url = gunicorn(
    web_env,
    workers=WORKERS,
    threads=THREADS,
    log=os.path.join(env["DATA_DIR"], "web.log"),
)
failures: list[tuple[str, int, bytes]] = []


def services_cpu() -> float:
    """CPU used so far by Redis and by PostgreSQL's backends for this
    database: other test runs on this machine share both servers."""
    ticks = 0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if f" {DATABASE} ".encode() in (process / "cmdline").read_bytes():
                fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return cpu_seconds(("redis-server",)) + ticks / os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU time all processes of the machine have used (/proc/stat)."""
    fields = [
        int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    ]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def client(endpoint: Endpoint, until: float, counts: list[int], index: int,
           limit: int = 0) -> None:  # fmt: skip
    """A lean keep-alive HTTP client, so the load costs the 2 cores little.

    Keeps only the CSRF cookie (rotated at sign-in): each sign-in is a new
    visitor's, with no session to flush.
    """
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    csrf = ""

    def request(method: str, path: str, body: bytes | None = None):
        nonlocal csrf
        headers = {"Cookie": f"csrftoken={csrf}"} if csrf else {}
        if body is not None:
            headers |= {"Content-Type": "application/json", "X-CSRFToken": csrf}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == "csrftoken":
                csrf = rest.split(";", 1)[0]
        return response.status, data

    request("GET", "/api/v1/csrf")
    while time.monotonic() < until and not failures:
        try:
            body = endpoint.next_body()
        except LookupError as error:
            failures.append((endpoint.path, 0, str(error).encode()))
            return
        status, data = request("POST", endpoint.path, body)
        if status != 200:
            failures.append((endpoint.path, status, data[:500]))
            return
        counts[index] += 1
        if counts[index] == limit:
            return


def load(endpoint: Endpoint, seconds: float) -> dict[str, float]:
    """CLIENTS threads on ``endpoint`` for ``seconds``: requests and CPU."""
    counts = [0] * CLIENTS
    client_cpu = time.process_time()
    machine_cpu = busy_seconds()
    service_cpu = services_cpu()
    web_cpu = cpu_seconds(parent=server.pid)
    begun = time.monotonic()
    until = begun + seconds
    threads = [
        threading.Thread(target=client, args=(endpoint, until, counts, i))
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": sum(counts),
        "seconds": time.monotonic() - begun,
        "client": time.process_time() - client_cpu,
        "services": services_cpu() - service_cpu,
        "web": cpu_seconds(parent=server.pid) - web_cpu,
        "machine": busy_seconds() - machine_cpu,
    }


def commands_per_request(endpoint: Endpoint) -> Counter:
    """The Redis commands SAMPLE requests send, on the bench's db only."""
    db = bench_redis.connection_pool.connection_kwargs.get("db", 0)
    seen: Counter = Counter()
    ready = threading.Event()

    def watch() -> None:
        with bench_redis.monitor() as monitor:
            ready.set()
            counting = False
            for command in monitor.listen():
                if command["db"] != db:
                    continue
                text = command["command"]
                if text.startswith("ECHO bench-sample-"):
                    if text.endswith("end"):
                        return
                    counting = True
                elif counting:
                    name = text.split(" ", 1)[0].upper()
                    seen[
                        f"{name} (in Lua)" if command["client_type"] == "lua" else name
                    ] += 1

    watcher = threading.Thread(target=watch)
    watcher.start()
    ready.wait()
    time.sleep(0.2)  # MONITOR is answered once the thread listens
    bench_redis.echo("bench-sample-start")
    client(endpoint, time.monotonic() + 30, [0], 0, limit=SAMPLE)
    bench_redis.echo("bench-sample-end")
    watcher.join(10)
    return seen


try:
    for endpoint in (sms, baseline):  # warm both workers and their connections
        load(endpoint, WARMUP_SECONDS)
    sms_commands = commands_per_request(sms)
    baseline_commands = commands_per_request(baseline)
    results: dict[str, list[dict[str, float]]] = {"sms": [], "baseline": []}
    for _ in range(ROUNDS):
        results["sms"].append(load(sms, ROUND_SECONDS))
        results["baseline"].append(load(baseline, ROUND_SECONDS))
finally:
    stop(server)

if failures:
    path, status, body = failures[0]
    raise SystemExit(
        f"{len(failures)} failed request(s); the first: POST {path} -> {status}\n"
        f"{body.decode(errors='replace')}"
    )

# --- Report -----------------------------------------------------------------


def total(name: str, key: str) -> float:
    return sum(result[key] for result in results[name])


def rounds(name: str) -> str:
    return ", ".join(f"{r['requests'] / r['seconds']:.0f}" for r in results[name])


print(
    f"prepared {SMS_PHONES} users with live codes and {BASELINE_PHONES} baseline "
    f"records in {prepared:.1f} s; load average before: {load_before:.2f}"
)
print(
    "\nRedis round trips of one request (traced in this process): "
    f"sms/login {len(sms_trips)}, baseline {len(baseline_trips)}"
)
trips = itertools.zip_longest(sms_trips, baseline_trips, fillvalue="-")
for number, (left, right) in enumerate(trips, 1):
    print(f"  {number:2}  {left[:40]:40}  {right[:40]}")
print(f"SQL queries of one request: sms/login {len(sms_sql)}, baseline 0")
assert not baseline_sql, baseline_sql
for statement in sms_sql:
    print(f"  {statement}")

print(f"\nRedis commands per request on gunicorn (MONITOR, {SAMPLE} requests each):")
print(f"  {'command':18} {'sms/login':>9} {'baseline':>9}")
for name in [*sorted(sms_commands | baseline_commands), "total"]:
    sms_count = sms_commands.total() if name == "total" else sms_commands[name]
    baseline_count = (
        baseline_commands.total() if name == "total" else baseline_commands[name]
    )
    print(f"  {name:18} {sms_count / SAMPLE:9.2f} {baseline_count / SAMPLE:9.2f}")

sms_rate = total("sms", "requests") / total("sms", "seconds")
baseline_rate = total("baseline", "requests") / total("baseline", "seconds")
print(
    f"\nOn gunicorn ({WORKERS} workers x {THREADS} threads), {CLIENTS} clients, "
    f"{ROUNDS} rounds of {ROUND_SECONDS:.0f} s each, taking turns:"
)
print(f"  POST {SMS_PATH:19} {sms_rate:6.1f} verifications/s (rounds: {rounds('sms')})")
print(
    f"  POST {BASELINE_PATH:19} {baseline_rate:6.1f} requests/s      "
    f"(rounds: {rounds('baseline')})"
)
print(f"  ratio sms/login / baseline: {sms_rate / baseline_rate:.2f}")
cpu_per_request = {}
for name, label in (("sms", "sms/login"), ("baseline", "baseline")):
    requests = total(name, "requests")
    cpu_per_request[name] = (total(name, "web") + total(name, "services")) / requests
    print(
        f"  CPU per request, {label:9}: gunicorn workers "
        f"{total(name, 'web') / requests * 1000:.2f} ms, PostgreSQL and Redis "
        f"{total(name, 'services') / requests * 1000:.2f} ms; the load generator "
        f"used {total(name, 'client') / total(name, 'seconds') * 100:.0f}% of one core"
    )
print(
    "  the same ratio from CPU per request (steadier on a shared machine): "
    f"{cpu_per_request['baseline'] / cpu_per_request['sms']:.2f}"
)
ours = sum(total(n, k) for n in results for k in ("web", "services", "client"))
other = sum(total(n, "machine") for n in results) - ours
seconds = sum(total(n, "seconds") for n in results)
print(
    f"meanwhile the rest of the machine used {other / seconds / CORES * 100:.0f}% "
    f"of its {CORES} cores (the figures are only as steady as that)"
)
print(f"finished in {time.monotonic() - started:.0f} s")
