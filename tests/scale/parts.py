"""The scale-out driver's parts: the mail it collects, the two instances, a
customer's visits and the result table (tests/scale/driver.py runs them)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http import HTTPStatus

import requests
from aiosmtpd.controller import Controller
from captcha.models import CaptchaStore

from tests.helpers import free_port
from tests.metrics.scraping import Scrape
from tests.processes import WebServer


def customer_ip(index: int) -> str:
    """The address customer ``index`` comes from (198.18.0.0/15, the range
    set aside for benchmarks)."""
    return f"198.18.{index // 250}.{index % 250 + 1}"


class JourneyFailed(Exception):
    pass


def expect(response: requests.Response, status: int, step: str) -> dict:
    """The response's ``data`` (of a JSON envelope), once its status is ``status``."""
    if response.status_code != status:
        raise JourneyFailed(f"{step}: {response.status_code} {response.text[:300]}")
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return response.json()["data"] or {}
    return {}


def at_once(*calls):
    """Run ``calls`` in threads released together; return their results."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


class Postbox:
    """An SMTP server (aiosmtpd) on a free loopback port that files each
    message under its recipients, for a customer to wait for their own."""

    def __init__(self):
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.received: dict[str, list[EmailMessage]] = {}
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            for address in envelope.rcpt_tos:
                self.received.setdefault(address.lower(), []).append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def first(self, address: str, timeout: float) -> EmailMessage:
        with self._arrived:
            if not self._arrived.wait_for(lambda: address in self.received, timeout):
                raise JourneyFailed(f"no mail to {address} in {timeout} s")
            return self.received[address][0]

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


class Instance:
    """One web server, and how many requests the driver sent it."""

    def __init__(self, name: str, server: WebServer):
        self.name = name
        self.server = server
        self.url = server.url
        self.sent = 0
        self._lock = threading.Lock()

    def count(self) -> None:
        with self._lock:
            self.sent += 1

    def scrape(self) -> Scrape:
        response = requests.get(f"{self.url}/metrics", timeout=30)
        response.raise_for_status()
        return Scrape(response.text)


class Visitor:
    """A browser of one customer: cookies for 127.0.0.1 reach both instances
    (cookies ignore the port), as behind a load balancer."""

    def __init__(self, ip: str):
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = ip

    def call(self, instance: Instance, method: str, path: str, **options):
        instance.count()
        return self.http.request(
            method, instance.url + path, timeout=120, allow_redirects=False, **options
        )

    def csrf(self, instance: Instance) -> None:
        """Take a CSRF token (again after a sign-in, which rotates it)."""
        data = expect(self.call(instance, "GET", "/api/v1/csrf"), HTTPStatus.OK, "csrf")
        self.http.headers["X-CSRFToken"] = data["csrf_token"]

    def solved_captcha(self, instance: Instance) -> dict:
        """A captcha from ``instance``, answered as only the server knows."""
        response = self.call(instance, "GET", "/api/v1/captcha")
        key = expect(response, HTTPStatus.OK, "captcha")["key"]
        answer = CaptchaStore.objects.get(hashkey=key).response
        return {"captcha_key": key, "captcha_answer": answer}

    def post(self, instance: Instance, path: str, body: dict):
        return self.call(instance, "POST", f"/api/v1/{path}", json=body)

    def me(self, instance: Instance) -> dict | None:
        response = self.call(instance, "GET", "/api/v1/me")
        return response.json()["data"]["user"] if response.ok else None


@dataclass
class Customer:
    username: str
    phone: str  # E.164, as stored
    web: Visitor  # signed in by password
    texted: Visitor  # signed in by SMS, to the phone's own account


@dataclass
class Result:
    accounts: int
    seconds: float  # the customers' walk, start-up and checks left out
    sent: dict[str, int] = field(default_factory=dict)  # requests per instance
    failures: list[str] = field(default_factory=list)
    # check -> (expected, observed)
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)

    def expected(self) -> dict[str, int]:
        return {name: pair[0] for name, pair in self.checks.items()}

    def observed(self) -> dict[str, int]:
        return {name: pair[1] for name, pair in self.checks.items()}

    def report(self) -> str:
        width = max(map(len, self.checks))
        lines = [
            f"{name:<{width}}  {expected:>7}  {observed:>7}  "
            f"{'ok' if expected == observed else 'MISMATCH'}"
            for name, (expected, observed) in self.checks.items()
        ]
        header = f"{'check':<{width}}  {'expect':>7}  {'saw':>7}"
        return "\n".join([header, *lines, *self.failures[:5]])
