"""Figure 5: SMS sign-ins against a plain view doing the same Redis work.

Haima's ``POST /api/v1/sms/login`` {phone, code}, every request a different
user's phone with its live code, from a new visitor (a CSRF cookie, no
session), against ``POST /bench/redis-work`` (bench/_baseline_urls.py) on
the same gunicorn: a plain Django view sending Redis the commands of one
sign-in and nothing else. Users and codes (haima.sms.codes.sms_code_issue,
SMS_CODE_TTL=3600 so they outlive the run) are made as the loads need them,
between rounds; so are the baseline's Redis records. First it counts the
Redis commands one request of each sends (MONITOR on the bench's own Redis,
db 0), to show the work is the same.
"""

import json
import os
import threading
from collections import Counter

import redis
from _http import send_raw
from _sites import JSON
from _wrk import Load, Requests, Unmeasured, alternate
from django.contrib.auth.hashers import make_password

from . import Row, throughput_row

TITLE = "SMS sign-in (`POST /api/v1/sms/login`)"
PEER = "plain Django view, the same Redis work"

CHUNK = 2000  # users and codes made at a time
SAMPLE = 20  # requests of each whose Redis commands are counted
BASELINE_PATH = "/bench/redis-work"


class Codes:
    """Phones with live codes, ``+86138`` + 8 digits, made CHUNK at a time."""

    def __init__(self, bench):
        self.bench, self.bodies = bench, []

    def request(self, number: int) -> bytes:
        while number >= len(self.bodies):
            self._make(len(self.bodies))
        site = self.bench.haima
        return site.raw(
            "POST", "/api/v1/sms/login", site.csrf_headers(JSON), self.bodies[number]
        )

    def _make(self, first: int) -> None:
        from haima.accounts.models import User
        from haima.sms.codes import sms_code_issue

        phones = [f"+86138{n:08d}" for n in range(first, first + CHUNK)]
        unusable = make_password(None)
        User.objects.bulk_create(
            [User(username=f"sms{p[3:]}", phone=p, password=unusable) for p in phones]
        )
        self.bodies += [
            json.dumps(
                {"phone": p, "code": sms_code_issue(phone=p, purpose="login")}
            ).encode()
            for p in phones
        ]


class BaselineRecords:
    """The baseline's code pointers and records (``+86139`` phones)."""

    def __init__(self, bench):
        self.bench, self.made = bench, 0
        self.redis = redis.Redis.from_url(bench.redis.url(0))

    def request(self, number: int) -> bytes:
        while number >= self.made:
            self._make()
        phone = f"+86139{number:08d}"
        body = json.dumps({"phone": phone, "code": "000000"}).encode()
        site = self.bench.haima
        return site.raw("POST", BASELINE_PATH, site.csrf_headers(JSON), body)

    def _make(self) -> None:
        with self.redis.pipeline(transaction=False) as pipe:
            for number in range(self.made, self.made + CHUNK):
                code_id = os.urandom(16).hex()
                pipe.set(f"bench:sms:ptr:+86139{number:08d}", code_id, ex=3600)
                pipe.set(f"bench:sms:rec:{code_id}", os.urandom(32).hex(), ex=3600)
            pipe.execute()
        self.made += CHUNK


def measure(bench) -> Row:
    haima = Load("Haima", bench.haima.url, Requests(series=Codes(bench).request))
    baseline = Load(
        "baseline", bench.haima.url, Requests(series=BaselineRecords(bench).request)
    )
    commands = {load.site: _commands(bench, load) for load in (haima, baseline)}
    alternate(haima, baseline)
    row = throughput_row(
        TITLE,
        PEER,
        haima,
        baseline,
        goal=0.70,
        unit="req/s",
    )
    row.notes.append(
        "Redis commands per request (MONITOR): "
        + "; ".join(
            f"{site} {sum(seen.values()) / SAMPLE:.1f} "
            f"({', '.join(f'{n} {c / SAMPLE:g}' for n, c in sorted(seen.items()))})"
            for site, seen in commands.items()
        )
    )
    return row


def _commands(bench, load: Load) -> Counter:
    """The commands SAMPLE requests of ``load`` send to db 0, by name."""
    monitor_client = redis.Redis.from_url(bench.redis.url(0))
    seen: Counter = Counter()
    ready, stop = threading.Event(), "bench-sample-end"

    def watch() -> None:
        with monitor_client.monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                text = command["command"]
                if text.startswith("ECHO"):
                    if stop in text:
                        return
                elif command["db"] == 0:
                    name = text.split(" ", 1)[0].upper()
                    lua = command["client_type"] == "lua"
                    seen[f"{name} in Lua" if lua else name] += 1

    requests, _ = load.requests.batch(SAMPLE)  # made before watching
    watcher = threading.Thread(target=watch)
    watcher.start()
    ready.wait()
    try:
        for request in requests:
            status, answer = send_raw(bench.haima.url, request)
            if status != 200:
                raise Unmeasured(f"{load.site}: {status} {answer[-300:]!r}")
    finally:
        monitor_client.echo(stop)
        watcher.join(10)
    load.requests.sent += SAMPLE
    return seen
