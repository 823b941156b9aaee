"""A hostile client's toolkit: every endpoint, a body that would succeed on it,
and checks that a refusal is the envelope and changed nothing.

Each state-changing endpoint gets a body that would do its work (sign in,
register, send a code, change a password...), so that a refused request can
be checked against what it would otherwise have done: ``snapshot()`` before,
``assert_unchanged()`` after. Requests go through ``api``, which runs what a
request publishes after commit (the reset and resend look-ups, mail) in this
process, so that an email it should not have caused shows up as a row.
Whatever a test asserts, a request that raises (a 500) fails it.

The battery (bodies, fields, requests, identities, tokens...) runs in the
services pass only: it exercises the transport and the services, the same
code on either engine. What differs embedded (counters and codes in the
database cache, SQLite's locking) is replayed in both passes:
test_in_parallel, test_sms_codes and test_captcha_replay.
"""

import json
import sys
from dataclasses import dataclass, field
from http import HTTPStatus

import pytest
from captcha.models import CaptchaStore
from django.core import mail
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from haima.accounts.models import User
from haima.accounts.tokens import activation_token_make, password_reset_token_make
from haima.mail.models import OutboundEmail
from haima.sms.backends import locmem
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

# The SMS fixtures live beside the SMS tests; this battery uses them too.
from tests.sms.conftest import sent_code, sms_outbox  # noqa: F401

API = "/api/v1/"
NEW_PASSWORD = "Another-Kiwi-77"
NATIONAL = "13800138000"
PHONE = "+8613800138000"
OTHER_NATIONAL = "13900139000"
OTHER_PHONE = "+8613900139000"
# The second customer: inactive, waiting for the link in their email.
NEWCOMER = {"username": "dahai", "email": "hai@example.cn"}

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL = "' OR 1=1 --"
INJECTIONS = [
    pytest.param(XSS_SCRIPT, id="script"),
    pytest.param(XSS_ATTRIBUTE, id="attribute"),
    pytest.param(SQL, id="sql"),
]
CONTROLS = [
    pytest.param("\x00", id="NUL"),
    pytest.param("\x1b[31m", id="ESC"),
    pytest.param("\r\n", id="CRLF"),
]


@dataclass(frozen=True)
class Endpoint:
    """A state-changing API operation and the fields of its body.

    ``text`` maps each string field to the key its errors are reported
    under (the captcha's two parts are one field to a person, ``captcha``);
    ``flags`` are its booleans. A token that is not a valid token is no
    field error but ``data.reason = "invalid"``.
    """

    path: str
    text: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    signed_in: bool = False

    @property
    def url(self) -> str:
        return API + self.path

    def __str__(self) -> str:
        return self.path


CAPTCHA = {"captcha_key": "captcha", "captcha_answer": "captcha"}
ENDPOINTS = {
    endpoint.path: endpoint
    for endpoint in [
        Endpoint(
            "captcha/check",
            text={"key": "captcha", "answer": "captcha"},
            required=("key", "answer"),
        ),
        Endpoint(
            "register",
            text={
                "username": "username",
                "email": "email",
                "password": "password",
                "password_confirm": "password_confirm",
                **CAPTCHA,
            },
            flags=("agree",),
            required=(
                "username",
                "email",
                "password",
                "password_confirm",
                "agree",
                "captcha",
            ),
        ),
        Endpoint("activate", text={"token": "token"}, required=("token",)),
        Endpoint("activation/resend", text={"email": "email"}, required=("email",)),
        Endpoint(
            "login",
            text={"login": "login", "password": "password", **CAPTCHA},
            flags=("remember",),
            required=("login", "password"),
        ),
        Endpoint("logout", signed_in=True),
        Endpoint(
            "sms/send",
            text={"phone": "phone", "purpose": "purpose", **CAPTCHA},
            required=("phone", "purpose", "captcha"),
        ),
        Endpoint(
            "sms/login",
            text={"phone": "phone", "code": "code"},
            flags=("remember",),
            required=("phone", "code"),
        ),
        Endpoint(
            "sms/bind",
            text={"phone": "phone", "code": "code"},
            required=("phone", "code"),
            signed_in=True,
        ),
        Endpoint("password/reset", text={"email": "email"}, required=("email",)),
        Endpoint(
            "password/reset/confirm",
            text={"token": "token", "password": "password"},
            required=("token", "password"),
        ),
        Endpoint(
            "password/change",
            text={"old_password": "old_password", "password": "password"},
            required=("old_password", "password"),
            signed_in=True,
        ),
    ]
}
WITH_BODY = [endpoint for endpoint in ENDPOINTS.values() if endpoint.required]
PASSWORD_FIELDS = {"password", "password_confirm", "old_password"}
TOKEN_FIELDS = {"token"}


def all_fields() -> list:
    """``(endpoint, field)`` for every field of every body, flags included."""
    return [
        pytest.param(endpoint, name, id=f"{endpoint.path}.{name}")
        for endpoint in WITH_BODY
        for name in (*endpoint.text, *endpoint.flags)
    ]


# --- The envelope ----------------------------------------------------------

UNSET = object()


def assert_envelope(
    response, status: int, *, reason=None, fields=None, data=UNSET
) -> dict | None:
    """Check the envelope field by field; return its ``data``.

    ``reason``: the ``data.reason`` required. ``fields``: exactly the keys of
    ``data.errors``, each with at least one message. ``data``: all of it.
    """
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"].strip()
    payload = body["data"]
    if data is not UNSET:
        assert payload == data
    if reason is not None:
        assert isinstance(payload, dict) and payload.get("reason") == reason, payload
    if fields is not None:
        errors = payload["errors"]
        assert set(errors) == set(fields), errors
        for messages in errors.values():
            assert messages and all(isinstance(m, str) and m for m in messages)
    return payload


def assert_refused_rate(response, status: int = HTTPStatus.TOO_MANY_REQUESTS) -> int:
    """A 429 (or 503) with Retry-After equal to ``data.retry_after``."""
    data = assert_envelope(response, status)
    retry_after = data["retry_after"]
    assert isinstance(retry_after, int) and retry_after > 0
    assert int(response["Retry-After"]) == retry_after
    return retry_after


# --- No 5xx, even where a test does not look at the answer ------------------


def _store_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` (or one it wraps) is a store that did not answer,
    which the contract makes a 503, not a bug."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, RedisConnectionError | RedisTimeoutError):
            return True
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@pytest.fixture(autouse=True)
def _no_server_errors():
    """Fail any test during which a view raised (Django's 500), live server
    threads included."""
    raised = []

    def record(sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        if not _store_unreachable(error):
            raised.append(f"{getattr(request, 'path', '?')}: {error!r}")

    got_request_exception.connect(record, dispatch_uid="tests.security.5xx")
    yield
    got_request_exception.disconnect(dispatch_uid="tests.security.5xx")
    assert raised == [], "a request raised (500)"


# --- What a request changed ------------------------------------------------

USER_STATE = (
    "pk",
    "username",
    "email",
    "phone",
    "password",
    "is_active",
    "is_staff",
    "is_superuser",
    "last_login",
)


class Snapshot:
    """Accounts, emails, text messages and live captchas at one moment."""

    def __init__(self):
        self.users = self._users()
        self.emails = OutboundEmail.objects.count()
        self.sent_mail = len(getattr(mail, "outbox", []))
        self.sms_rows = SmsSend.objects.count()
        self.sms_messages = len(locmem.outbox)
        self.captchas = self._captchas()

    @staticmethod
    def _users() -> dict:
        return {row[0]: row for row in User.objects.values_list(*USER_STATE)}

    @staticmethod
    def _captchas() -> set[str]:
        return set(CaptchaStore.objects.values_list("hashkey", flat=True))

    def changes(self) -> list[str]:
        """What differs now, captchas aside."""
        now = Snapshot()
        return [
            name
            for name in ("users", "emails", "sent_mail", "sms_rows", "sms_messages")
            if getattr(now, name) != getattr(self, name)
        ]

    def assert_unchanged(self, *, spent=(), captchas: bool = True) -> None:
        """Nothing was created or changed; of the captchas, exactly ``spent``
        are gone (``captchas=False``: do not look at them)."""
        assert self.changes() == []
        if captchas:
            assert self._captchas() == self.captchas - set(spent)


@pytest.fixture
def snapshot(db):
    """Call to take a Snapshot; ``.assert_unchanged()`` after the request."""
    return Snapshot


# --- Requests --------------------------------------------------------------


class Api:
    """The CSRF-checking test client, running after-commit work at once."""

    def __init__(self, client, capture):
        self.client = client
        self.capture = capture

    def token(self) -> str:
        return self.client.csrf_token()

    def post(self, endpoint, body=None, *, csrf: bool = True, **extra):
        raw = json.dumps({} if body is None else body)
        return self.send(endpoint, raw, "application/json", csrf=csrf, **extra)

    def send(self, endpoint, raw, content_type, *, csrf: bool = True, **extra):
        """POST ``raw`` as it is, labelled ``content_type``."""
        url = endpoint.url if isinstance(endpoint, Endpoint) else API + endpoint
        if csrf:
            extra.setdefault("HTTP_X_CSRFTOKEN", self.token())
        with self.capture(execute=True):
            return self.client.generic(
                "POST", url, raw, content_type=content_type, **extra
            )

    def get(self, path: str, **extra):
        return self.client.get(API + path, **extra)

    def signed_in_as(self) -> int | None:
        response = self.get("me")
        if response.status_code != HTTPStatus.OK:
            return None
        return response.json()["data"]["user"]["id"]


@pytest.fixture
def api(api_client, in_process, django_capture_on_commit_callbacks):
    return Api(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def newcomer(db):
    """An account registered and not yet activated."""
    return user_create(**NEWCOMER, is_active=False)


class Bodies:
    """A body per endpoint that would succeed, with what it needs in place."""

    def __init__(self, request, user, captchas):
        self.request = request
        self.user = user
        self.captchas = captchas

    def __call__(self, endpoint: Endpoint) -> dict:
        return getattr(self, endpoint.path.replace("/", "_"))()

    def _fixture(self, name):
        return self.request.getfixturevalue(name)

    def _captcha(self) -> dict:
        key, answer = self.captchas.solved()
        return {"captcha_key": key, "captcha_answer": answer}

    def captcha_check(self) -> dict:
        key, answer = self.captchas.solved()
        return {"key": key, "answer": answer}

    def register(self) -> dict:
        return {
            "username": "xiaohong",
            "email": "hong@example.cn",
            "password": STRONG_PASSWORD,
            "password_confirm": STRONG_PASSWORD,
            "agree": True,
            **self._captcha(),
        }

    def activate(self) -> dict:
        return {"token": activation_token_make(self._fixture("newcomer"))}

    def activation_resend(self) -> dict:
        return {"email": self._fixture("newcomer").email}

    def login(self) -> dict:
        return {"login": self.user.username, "password": STRONG_PASSWORD}

    def logout(self) -> dict:
        return {}

    def sms_send(self) -> dict:
        self._fixture("sms_outbox")
        return {"phone": NATIONAL, "purpose": "login", **self._captcha()}

    def sms_login(self) -> dict:
        return {"phone": NATIONAL, "code": self._fixture("sent_code")()}

    def sms_bind(self) -> dict:
        code = self._fixture("sent_code")(OTHER_PHONE, "bind")
        return {"phone": OTHER_NATIONAL, "code": code}

    def password_reset(self) -> dict:
        return {"email": self.user.email}

    def password_reset_confirm(self) -> dict:
        return {"token": password_reset_token_make(self.user), "password": NEW_PASSWORD}

    def password_change(self) -> dict:
        return {"old_password": STRONG_PASSWORD, "password": NEW_PASSWORD}


@pytest.fixture
def bodies(request, user, captchas):
    return Bodies(request, user, captchas)


@pytest.fixture
def armed(api, bodies, user, snapshot):
    """``armed(endpoint)``: the client (signed in where the endpoint needs it)
    and a body that would succeed, the snapshot taken after both."""

    def arm(endpoint: Endpoint) -> tuple[dict, Snapshot]:
        if endpoint.signed_in:
            api.client.force_login(user)
        body = bodies(endpoint)
        return body, snapshot()

    return arm


def schema_error_key(name: str) -> str:
    """The key of a field's error when it is missing or of the wrong type:
    its own name, but for the captcha's two parts, which are ``captcha``."""
    return CAPTCHA.get(name, name)


def refusal_of_value(endpoint: Endpoint, name: str) -> dict:
    """What ``assert_envelope`` expects of a bad value in ``name``."""
    if name in TOKEN_FIELDS:
        return {"reason": "invalid"}
    return {"fields": [endpoint.text.get(name, name)]}


WRONG_PASSWORD = "wrong-Password-1"


def wrong_code(code: str, n: int = 1) -> str:
    """A six-digit code that is not ``code``."""
    return f"{(int(code) + n) % 1_000_000:06d}"


def sms_body(captchas, phone: str = NATIONAL, purpose: str = "login") -> dict:
    """A sms/send body with a solved captcha."""
    key, answer = captchas.solved()
    return {
        "phone": phone,
        "purpose": purpose,
        "captcha_key": key,
        "captcha_answer": answer,
    }
