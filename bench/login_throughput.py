"""Login throughput against the password-hash limit.

gunicorn (2 sync workers, PostgreSQL, Redis sessions and counters) serves
``POST /api/v1/login`` with the right password to 4 client threads for a
fixed time. The limit is what the hash alone allows: 2 cores divided by the
time of one Argon2id verification. Prints both, their ratio, and the cost
of the login path on top of the hash (goal: under 10%).

PostgreSQL and Redis run on the same 2 cores, so their share of each login
counts here; BENCH_WORKERS and BENCH_THREADS change the gunicorn setup.
"""

import http.client
import json
import multiprocessing
import os
import statistics
import threading
import time

from _django import setup
from _services import cpu_seconds, fresh_services, gunicorn, stop

CLIENTS = 4
SECONDS = 15.0
CORES = os.cpu_count() or 2

env = setup(fresh_services("haima_bench_login"))
from django.contrib.auth.hashers import get_hasher  # noqa: E402

from haima.accounts.models import User  # noqa: E402

PASSWORD = "fresh-Mango-42"
User.objects.create_user("bench", "bench@example.cn", PASSWORD)

hasher = get_hasher()
encoded = hasher.encode(PASSWORD, hasher.salt())
timings = []
for _ in range(30):
    started = time.perf_counter()
    hasher.verify(PASSWORD, encoded)
    timings.append(time.perf_counter() - started)
hash_seconds = statistics.median(timings)
hash_limit = CORES / hash_seconds


def hashes_for(seconds: float) -> int:
    count, until = 0, time.monotonic() + seconds
    while time.monotonic() < until:
        hasher.verify(PASSWORD, encoded)
        count += 1
    return count


# Argon2 is memory-hard: two hashes at once share the memory bandwidth, so
# measure what the cores really do in parallel, too.
with multiprocessing.get_context("fork").Pool(CORES) as pool:
    parallel_hashes = sum(pool.map(hashes_for, [5.0] * CORES)) / 5.0

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
server, url = gunicorn(
    env, workers=WORKERS, threads=THREADS, log=os.path.join(env["DATA_DIR"], "web.log")
)
counts = [0] * CLIENTS
failures = []


SERVICES = ("postgres", "redis-server")


def client(index: int, until: float) -> None:
    """A lean keep-alive HTTP client, so the load costs the 2 cores little."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    cookies: dict[str, str] = {}

    def request(method: str, path: str, body: bytes | None = None) -> int:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers |= {"Content-Type": "application/json",
                        "X-CSRFToken": cookies.get("csrftoken", "")}  # fmt: skip
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        return response.status

    request("GET", "/api/v1/csrf")
    body = json.dumps({"login": "bench", "password": PASSWORD}).encode()
    while time.monotonic() < until:
        # Django rotates the CSRF token at sign-in: the cookie has the newest.
        status = request("POST", "/api/v1/login", body)
        if status != 200:
            failures.append(status)
            return
        counts[index] += 1


try:
    client(0, time.monotonic() + 2)  # warm both workers up
    counts[0] = 0
    client_cpu = time.process_time()
    services_cpu = cpu_seconds(SERVICES)
    web_cpu = cpu_seconds(parent=server.pid)
    until = time.monotonic() + SECONDS
    threads = [threading.Thread(target=client, args=(i, until)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client_cpu = time.process_time() - client_cpu
    services_cpu = cpu_seconds(SERVICES) - services_cpu
    web_cpu = cpu_seconds(parent=server.pid) - web_cpu
finally:
    stop(server)

assert not failures, failures
throughput = sum(counts) / SECONDS
print(f"{hasher.algorithm} verify: {hash_seconds * 1000:.1f} ms "
      f"-> hash limit {hash_limit:.1f} logins/s on {CORES} cores")  # fmt: skip
print(f"POST /api/v1/login on gunicorn ({WORKERS} workers x {THREADS} threads), "
      f"{CLIENTS} clients: "
      f"{throughput:.1f} logins/s")  # fmt: skip
print(f"ratio {throughput / hash_limit:.2f}; the login path costs "
      f"{(hash_limit / throughput - 1) * 100:.0f}% on top of the hash "
      "(goal < 10%)")  # fmt: skip
print(f"the load generator itself used {client_cpu / SECONDS * 100:.0f}% of one core")
logins = sum(counts)
print(f"CPU per login: gunicorn workers {web_cpu / logins * 1000:.1f} ms "
      f"(the hash alone {hash_seconds * 1000:.1f} ms), "
      f"PostgreSQL and Redis {services_cpu / logins * 1000:.1f} ms")  # fmt: skip
overhead = (parallel_hashes / throughput - 1) * 100
print(f"hashes alone in {CORES} processes: {parallel_hashes:.1f}/s; "
      f"against that the login path costs {overhead:.0f}%")  # fmt: skip
