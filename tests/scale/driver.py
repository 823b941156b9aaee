"""Scale-out: two web servers and two workers on one PostgreSQL and Redis.

One driver for the test (tests/scale/test_scale_out.py, a few dozen
customers) and the benchmark (bench/scale_out.py, a thousand). It starts two
gunicorn instances (2 workers each) and two Celery workers on the caller's
database and Redis, a real SMTP server (aiosmtpd) filing mail by recipient,
and the Aliyun Dysmsapi stand-in, which the workers reach through the real
SDK. Then customers walk through both instances at once, each crossing from
one to the other at every step, so that any state kept in one process (a
counter, a session, a spent token) would show:

    captcha and sign-up on A; the emailed link opened on B, then activated
    on B and A at the same moment (one wins, one is refused); password
    sign-in on A, ``me`` on B; an SMS code asked for on B, read from the
    provider, ``sms/login`` on A, ``me`` on B.

(A and B swap for every other customer.) SMS sign-in makes the phone's own
account, so N customers make 2N accounts: N by email, N by phone. Each
account signs in once, and a first sign-in learns its device in silence
(haima.centre.notices): the activation email is the only mail expected.

Every customer comes from an address of its own, sent as X-Forwarded-For to
servers that trust one proxy (TRUSTED_PROXY_COUNT=1), so per-IP limits stay
as shipped. The result is a table of what was expected against what was
observed: accounts, activations, mail and texts per recipient, the audit
trail's sign-ins, each instance's /metrics against the requests it was sent.
"""

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connections
from django.db.models import Count

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.mail.models import OutboundEmail
from haima.sms.models import SmsSend
from tests.helpers import STRONG_PASSWORD, activation_link, wait_for
from tests.processes import WebServer, start_celery_worker
from tests.sms.dysmsapi_server import DysmsapiServer

from .parts import (
    Customer,
    Instance,
    JourneyFailed,
    Postbox,
    Result,
    Visitor,
    at_once,
    customer_ip,
    expect,
)

Kind = AccountEvent.Kind
ACCESS_KEY_ID = "haima-scale-access-key-id"
ACCESS_KEY_SECRET = "haima-scale-secret-0a1b2c3d4e5f"
# The events web processes record, which each instance's /metrics counts.
WEB_EVENT_KINDS = (
    Kind.REGISTERED, Kind.MAIL_QUEUED, Kind.ACTIVATED, Kind.LOGIN_SUCCEEDED,
    Kind.LOGIN_FAILED, Kind.CAPTCHA_REQUIRED, Kind.SMS_REQUESTED, Kind.SMS_VERIFIED,
)  # fmt: skip
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy")
WRONG_PASSWORDS = 3  # the signin_captcha_login limit: the next one needs a captcha


class ScaleOut:
    """The processes of one run, started by ``with``; ``run()`` drives them.

    ``env``: the environment sharing the caller's PostgreSQL and Redis
    (tests.processes.service_environment); ``folder``: an empty directory
    for each instance's metrics. ``mail_timeout``: how long a customer waits
    for a mail or a text.
    """

    def __init__(self, *, env: dict[str, str], folder: Path, mail_timeout=60.0):
        self.env = {k: v for k, v in env.items() if k not in PROXY_VARIABLES}
        self.folder = folder
        self.mail_timeout = mail_timeout
        self.tag = uuid.uuid4().hex[:8]
        self.postbox = Postbox()
        self.dysmsapi = DysmsapiServer(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
        self.instances: list[Instance] = []
        self.workers = []

    def __enter__(self):
        self.postbox.start()
        self.dysmsapi.start()
        self.env.update(
            EMAIL_URL=self.postbox.url,
            SMS_BACKEND="aliyun",
            ALIYUN_SMS_ENDPOINT=self.dysmsapi.url,
            ALIYUN_ACCESS_KEY_ID=ACCESS_KEY_ID,
            ALIYUN_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
            ALIYUN_SMS_SIGN_NAME="海马生鲜",
            ALIYUN_SMS_TEMPLATE_CODE="SMS_000001",
            # A queue of this run's own: no other worker takes its tasks.
            CELERY_QUEUE=f"haima-scale-{self.tag}",
            TRUSTED_PROXY_COUNT="1",
        )
        try:
            self._start_processes()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start_processes(self) -> None:
        def web(name: str) -> Instance:  # "A" or "B"
            metrics = self.folder / f"metrics-{name.lower()}"
            metrics.mkdir()
            env = {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            server = WebServer(
                f"scale-{name.lower()}-{self.tag}",
                env,
                workers=2,
                options=["--config=gunicorn.conf.py"],
            )
            return Instance(name, server)

        def worker(name: str):
            return start_celery_worker(f"scale-{name}-{self.tag}", self.env)

        # Started side by side: each takes seconds to import Django.
        with ThreadPoolExecutor(4) as pool:
            webs = [pool.submit(web, name) for name in ("A", "B")]
            workers = [pool.submit(worker, name) for name in ("w1", "w2")]
        self.instances = [f.result() for f in webs if f.exception() is None]
        self.workers = [f.result() for f in workers if f.exception() is None]
        for future in webs + workers:  # those that started, __exit__ stops
            if future.exception() is not None:
                raise future.exception()

    def __exit__(self, *exc) -> None:
        for process in [*self.workers, *(i.server for i in self.instances)]:
            if not process.log.closed:  # stopped already by run()
                process.stop()
        self.dysmsapi.stop()
        self.postbox.stop()

    # --- the customers ------------------------------------------------------

    def run(self, *, accounts: int, threads: int = 8) -> Result:
        """Walk ``accounts`` customers through, ``threads`` at a time; then
        check what every part recorded."""
        started = time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            outcomes = list(pool.map(self._journey, range(accounts)))
        seconds = time.monotonic() - started
        customers = [c for c in outcomes if isinstance(c, Customer)]
        result = Result(
            accounts=accounts,
            seconds=seconds,
            failures=[f for f in outcomes if isinstance(f, str)],
        )
        result.checks["journeys completed"] = (accounts, len(customers))
        result.checks["sessions answering on both instances"] = (
            2 * len(customers),
            sum(map(self._answers_everywhere, customers)),
        )
        if customers:
            result.checks.update(self._wrong_passwords_across(customers[0]))
        result.checks.update(self._metrics())
        result.sent = {instance.name: instance.sent for instance in self.instances}
        # Stopped (gracefully) before counting, so a late duplicate would count.
        for worker in self.workers:
            worker.stop()
        result.checks.update(self._tally(accounts))
        return result

    def _journey(self, index: int) -> Customer | str:
        one, other = self.instances[index % 2], self.instances[1 - index % 2]
        try:
            return self._walk(index, one, other)
        except Exception as error:  # counted, reported; the others go on
            return f"customer {index}: {type(error).__name__}: {error}"
        finally:
            connections.close_all()  # this thread's, for the captcha answers

    def _walk(self, index: int, one: Instance, other: Instance) -> Customer:
        username = f"scale{index:05d}"
        email = f"{username}@example.cn"
        web = Visitor(customer_ip(index))
        web.csrf(one)
        body = {
            "username": username,
            "email": email,
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "agree": True,
            **web.solved_captcha(one),
        }
        expect(web.post(one, "register", body), HTTPStatus.CREATED, "register")

        mail = self.postbox.first(email, self.mail_timeout)
        path = urlsplit(activation_link(mail.get_body(("plain",)).get_content())).path
        # Opening the link shows the page without spending the token.
        expect(web.call(other, "GET", path), HTTPStatus.OK, "link page")
        token = {"token": path.removeprefix("/user/active/").rstrip("/")}
        # Clicked on the other instance and, at the same moment, on this one
        # (a double click, a second device): exactly one click activates.
        twin = Visitor(customer_ip(index))
        twin.csrf(one)
        clicks = at_once(
            lambda: web.post(other, "activate", token),
            lambda: twin.post(one, "activate", token),
        )
        lost = [click for click in clicks if click.status_code != HTTPStatus.OK]
        if len(lost) != 1:
            raise JourneyFailed(f"two clicks, {2 - len(lost)} activations")
        if expect(lost[0], HTTPStatus.BAD_REQUEST, "2nd click")["reason"] != "invalid":
            raise JourneyFailed(f"second click: {lost[0].text}")

        body = {"login": username, "password": STRONG_PASSWORD, "remember": False}
        expect(web.post(one, "login", body), HTTPStatus.OK, "login")
        if (web.me(other) or {}).get("username") != username:
            raise JourneyFailed("the password session is unknown to the other")

        national = f"139{index:08d}"
        texted = Visitor(customer_ip(index))
        texted.csrf(other)
        body = {"phone": national, "purpose": "login", **texted.solved_captcha(other)}
        expect(texted.post(other, "sms/send", body), HTTPStatus.OK, "sms/send")
        body = {"phone": national, "code": self._texted_code(national)}
        data = expect(texted.post(one, "sms/login", body), HTTPStatus.OK, "sms/login")
        phone = data["user"]["phone"]
        if not data["created"] or (texted.me(other) or {}).get("phone") != phone:
            raise JourneyFailed(f"SMS sign-in: {data}")
        return Customer(username=username, phone=phone, web=web, texted=texted)

    def _texted_code(self, national: str) -> str:
        def calls() -> list:
            return [
                call
                for call in list(self.dysmsapi.requests)
                if call.params["PhoneNumbers"] == national
            ]

        wait_for(lambda: bool(calls()), self.mail_timeout, f"a text to {national}")
        return calls()[0].template_param["code"]

    # --- the checks ---------------------------------------------------------

    def _answers_everywhere(self, customer: Customer) -> int:
        """How many of the customer's two sessions both instances recognise."""
        expected = ((customer.web, "username", customer.username),
                    (customer.texted, "phone", customer.phone))  # fmt: skip
        return sum(
            all((visitor.me(i) or {}).get(name) == value for i in self.instances)
            for visitor, name, value in expected
        )

    def _wrong_passwords_across(self, victim: Customer) -> dict[str, tuple]:
        """Wrong passwords for one typed login, each from a new address and
        alternating between the instances: the one after WRONG_PASSWORDS asks
        for a captcha only if both counted every failure."""
        answers = []
        for attempt in range(WRONG_PASSWORDS + 1):
            instance = self.instances[attempt % 2]
            visitor = Visitor(f"198.19.0.{attempt + 1}")
            visitor.csrf(instance)
            body = {"login": victim.username, "password": "not-" + STRONG_PASSWORD}
            answers.append(visitor.post(instance, "login", body))
        *wrong, last = answers
        asked = last.status_code == HTTPStatus.BAD_REQUEST and (
            last.json()["data"]["reason"] == "captcha_required"
        )
        refused = sum(a.status_code == HTTPStatus.UNAUTHORIZED for a in wrong)
        return {
            "wrong passwords refused as such (401)": (WRONG_PASSWORDS, refused),
            "the next, on the other instance, asks for a captcha": (1, int(asked)),
        }

    def _metrics(self) -> dict[str, tuple]:
        """Each instance's /metrics against the requests it was sent, and the
        events both counted against the audit trail's rows."""
        scrapes = [instance.scrape() for instance in self.instances]
        checks = {}
        for instance, scrape in zip(self.instances, scrapes, strict=True):
            name = "haima_http_request_duration_seconds_count"
            counted = scrape.value(name) - scrape.value(name, route="/metrics")
            checks[f"requests in {instance.name}'s /metrics"] = (
                instance.sent,
                int(counted),
            )
        rows = Counter(
            AccountEvent.objects.filter(kind__in=WEB_EVENT_KINDS).values_list(
                "kind", flat=True
            )
        )
        for kind in WEB_EVENT_KINDS:
            counted = sum(
                s.value("haima_account_events_total", kind=kind) for s in scrapes
            )
            checks[f"{kind} in /metrics (both) = in the audit"] = (
                rows[kind],
                int(counted),
            )
        return checks

    def _tally(self, accounts: int) -> dict[str, tuple]:
        """What the database, the SMTP server and the SMS provider hold."""
        n = accounts
        users = User.objects.all()
        by_email = users.filter(email__isnull=False)
        activated = Counter(
            AccountEvent.objects.filter(kind=Kind.ACTIVATED).values_list(
                "user_id", flat=True
            )
        )
        events = Counter(
            {
                (kind, code): count
                for kind, code, count in AccountEvent.objects.order_by()
                .values_list("kind", "code")
                .annotate(n=Count("id"))
            }
        )
        signups = AccountEvent.objects.filter(kind=Kind.REGISTERED, code="email")
        mails = Counter({to: len(got) for to, got in self.postbox.received.items()})
        texts = Counter(call.params["PhoneNumbers"] for call in self.dysmsapi.requests)
        outbox = OutboundEmail.objects.all()
        sent_mail = outbox.filter(kind="activation", status=OutboundEmail.Status.SENT)
        sent_sms = SmsSend.objects.filter(status=SmsSend.Status.SENT)
        once = sum(activated[pk] == 1 for pk in by_email.values_list("pk", flat=True))
        return {
            "accounts signed up by email": (n, by_email.count()),
            "accounts made by SMS sign-in": (
                n,
                users.filter(email__isnull=True, phone__isnull=False).count(),
            ),
            "accounts in all": (2 * n, users.count()),
            "email accounts active": (n, by_email.filter(is_active=True).count()),
            "email accounts activated once (audit)": (n, once),
            "activations in the audit": (n, activated.total()),
            "addresses mailed exactly once": (n, sum(c == 1 for c in mails.values())),
            "mails received": (n, mails.total()),
            "outbox: activation mails sent": (n, sent_mail.count()),
            "outbox: other mails": (0, outbox.exclude(kind="activation").count()),
            "phones texted exactly once": (n, sum(c == 1 for c in texts.values())),
            "texts received by the provider": (n, texts.total()),
            "texts refused by the provider": (0, len(self.dysmsapi.rejected)),
            "SMS sends recorded as sent": (n, sent_sms.count()),
            "password sign-ins (audit)": (n, events[Kind.LOGIN_SUCCEEDED, "password"]),
            "SMS sign-ins (audit)": (n, events[Kind.LOGIN_SUCCEEDED, "sms"]),
            "wrong passwords (audit)": (
                WRONG_PASSWORDS,
                events[Kind.LOGIN_FAILED, "wrong_credentials"],
            ),
            "mails delivered (audit)": (n, events[Kind.MAIL_DELIVERED, "activation"]),
            "texts sent (audit)": (n, events[Kind.SMS_SENT, "OK"]),
            "sign-ups from distinct client IPs (audit)": (
                n,
                len(set(signups.values_list("ip", flat=True))),
            ),
        }
