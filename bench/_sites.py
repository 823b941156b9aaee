"""The two sites of a bench run, each on its gunicorn, and how a client
signs in to each: Haima through its JSON API, the peer through allauth."""

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from _http import Client, cookie_header, raw_request
from _services import Gunicorn
from _wrk import Unmeasured

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Site:
    name: str
    server: Gunicorn
    # A signed-in session's cookies, and a CSRF token with its cookie.
    session: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    @property
    def url(self) -> str:
        return self.server.url

    def client(self) -> Client:
        return Client(self.url)

    def raw(self, method: str, path: str, headers=None, body: bytes = b"") -> bytes:
        return raw_request(self.url, method, path, headers, body)

    def csrf_headers(self, content_type: str) -> dict[str, str]:
        """What a new visitor sends with a POST: the CSRF cookie and token."""
        return {
            **cookie_header({"csrftoken": self.csrf}),
            "X-CSRFToken": self.csrf,
            "Content-Type": content_type,
        }


def expect(response, status: int, what: str) -> None:
    if response.status != status:
        raise Unmeasured(f"{what}: {response.status} {response.body[:300]!r}")


class Haima(Site):
    def sign_in(self, login: str, password: str) -> None:
        client = self.client()
        expect(client.request("GET", "/api/v1/csrf"), 200, "Haima csrf")
        self.csrf = client.cookies["csrftoken"]
        response = client.request(
            "POST", "/api/v1/login", self.login_body(login, password),
            {"X-CSRFToken": self.csrf, "Content-Type": JSON},
        )  # fmt: skip
        expect(response, 200, "Haima login")
        self.session = dict(client.cookies)

    @staticmethod
    def login_body(login: str, password: str) -> bytes:
        return json.dumps(
            {"login": login, "password": password, "remember": False}
        ).encode()


class Peer(Site):
    def sign_in(self, login: str, password: str) -> None:
        client = self.client()
        expect(client.request("GET", "/accounts/login/"), 200, "peer login page")
        self.csrf = client.cookies["csrftoken"]
        response = client.request(
            "POST", "/accounts/login/", self.login_body(login, password, self.csrf),
            {"Content-Type": FORM},
        )  # fmt: skip
        expect(response, 302, "peer login")
        self.session = dict(client.cookies)

    @staticmethod
    def login_body(login: str, password: str, csrf: str) -> bytes:
        fields = {"login": login, "password": password, "csrfmiddlewaretoken": csrf}
        return urlencode(fields).encode()
