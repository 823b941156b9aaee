"""Forged requests: CSRF, CORS, methods, and a spoofed Host in emailed links."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client

from haima.accounts.models import User
from haima.accounts.tokens import activation_token_make, password_reset_token_make
from haima.mail.models import OutboundEmail
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import ENDPOINTS, NEW_PASSWORD, NEWCOMER, assert_envelope

pytestmark = [pytest.mark.services, pytest.mark.django_db]

CSRF = {"reason": "csrf"}
EVIL = "https://evil.example"
ALLOWED_ORIGIN = "https://shop.haima.example"


# --- CSRF on the API ---------------------------------------------------------


def _forged_token(api, kind: str, body: dict) -> tuple[dict, dict]:
    """Headers and body of a request whose CSRF token is ``kind`` of wrong."""
    api.token()  # the cookie is there: only the token is wrong
    if kind == "missing":
        return {}, body
    if kind == "wrong":
        return {"HTTP_X_CSRFTOKEN": "x" * 64}, body
    if kind == "another client's":
        other = Client().get("/api/v1/csrf").json()["data"]["csrf_token"]
        return {"HTTP_X_CSRFTOKEN": other}, body
    assert kind == "in the JSON body"
    return {}, {**body, "csrfmiddlewaretoken": api.token()}


@pytest.mark.parametrize(
    "kind", ["missing", "wrong", "another client's", "in the JSON body"]
)
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=str)
def test_a_forged_state_change_is_a_403_envelope_that_does_nothing(
    api, armed, endpoint, kind
):
    body, before = armed(endpoint)
    signed_in = api.signed_in_as()
    headers, body = _forged_token(api, kind, body)
    response = api.post(endpoint, body, csrf=False, **headers)
    assert_envelope(response, HTTPStatus.FORBIDDEN, data=CSRF)
    before.assert_unchanged()  # no captcha spent either: CSRF comes first
    assert api.signed_in_as() == signed_in


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=str)
def test_with_its_token_the_same_request_does_its_work(api, armed, endpoint):
    """The control for the forgeries above and the hostile bodies elsewhere:
    each armed body succeeds, so a refusal of it is the refusal of a change."""
    body, before = armed(endpoint)
    signed_in = api.signed_in_as()
    response = api.post(endpoint, body)
    status = HTTPStatus.CREATED if endpoint.path == "register" else HTTPStatus.OK
    assert_envelope(response, status)
    if endpoint.path == "captcha/check":  # a right answer stays live: no change
        assert response.json()["data"] == {"valid": True}
    else:
        assert before.changes() or api.signed_in_as() != signed_in


def test_a_token_without_its_cookie_is_refused(api, armed):
    body, before = armed(ENDPOINTS["login"])
    token = api.token()
    api.client.cookies.clear()
    response = api.post("login", body, HTTP_X_CSRFTOKEN=token)
    assert_envelope(response, HTTPStatus.FORBIDDEN, data=CSRF)
    before.assert_unchanged()


def test_a_cross_origin_post_with_a_valid_token_is_refused(api, armed):
    """The Origin header is checked too: a page on evil.example that got a
    token (say, through an XSS elsewhere) still cannot post."""
    body, before = armed(ENDPOINTS["login"])
    response = api.post("login", body, HTTP_ORIGIN=EVIL)
    assert_envelope(response, HTTPStatus.FORBIDDEN, data=CSRF)
    before.assert_unchanged()
    assert api.signed_in_as() is None


def test_a_trusted_origin_with_its_token_gets_through(api, armed, settings, user):
    """The check above is not a refusal of every Origin: a listed one passes."""
    settings.CORS_ALLOWED_ORIGINS = settings.CSRF_TRUSTED_ORIGINS = [ALLOWED_ORIGIN]
    body, _ = armed(ENDPOINTS["login"])
    response = api.post("login", body, HTTP_ORIGIN=ALLOWED_ORIGIN)
    assert_envelope(response, HTTPStatus.OK)
    assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert api.signed_in_as() == user.pk


# --- CSRF on the pages -------------------------------------------------------


def _page_forms(user, captchas) -> dict:
    """Per page: its path and a form that would succeed there."""
    newcomer = user_create(**NEWCOMER, is_active=False)
    key, answer = captchas.solved()
    new_password = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    return {
        "register": (
            "/user/register/",
            {
                "username": "xiaohong",
                "email": "hong@example.cn",
                "agree": "on",
                "password": STRONG_PASSWORD,
                "password_confirm": STRONG_PASSWORD,
                "captcha_0": key,
                "captcha_1": answer,
            },
        ),
        "activate": (f"/user/active/{activation_token_make(newcomer)}", {}),
        "activation resend": ("/user/activation/resend/", {"email": newcomer.email}),
        "login": (
            "/user/login/",
            {"login": user.username, "password": STRONG_PASSWORD},
        ),
        "sms login": ("/user/sms-login/", {"phone": "13800138000", "code": "123456"}),
        "password reset": ("/user/password/reset/", {"email": user.email}),
        "password reset confirm": (
            f"/user/password/reset/{password_reset_token_make(user)}/",
            new_password,
        ),
        "admin login": (
            "/admin/login/",
            {"username": "boss", "password": STRONG_PASSWORD},
        ),
        # Signed in:
        "logout": ("/user/logout/", {}),
        "password change": (
            "/user/password/change/",
            {"old_password": STRONG_PASSWORD, **new_password},
        ),
        "phone binding": (
            "/user/account/phone/",
            {"phone": "13800138000", "code": "123456"},
        ),
    }


SIGNED_IN_PAGES = ("logout", "password change", "phone binding")
PAGES = (
    "register",
    "activate",
    "activation resend",
    "login",
    "sms login",
    "password reset",
    "password reset confirm",
    "admin login",
    *SIGNED_IN_PAGES,
)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_post_without_csrf_is_a_403_that_does_nothing(
    user, captchas, snapshot, page, in_process
):
    user_create("boss", "boss@example.cn", is_staff=True, is_superuser=True)
    path, form = _page_forms(user, captchas)[page]
    browser = Client(enforce_csrf_checks=True)
    if page in SIGNED_IN_PAGES:
        browser.force_login(user)
    browser.get(path)  # the CSRF cookie, but no token in the form
    before = snapshot()
    response = browser.post(path, form)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"].startswith("text/html")
    before.assert_unchanged()
    me = browser.get("/api/v1/me").status_code
    assert me == (HTTPStatus.OK if page in SIGNED_IN_PAGES else HTTPStatus.UNAUTHORIZED)


# --- CORS ------------------------------------------------------------------

DISALLOWED_ORIGINS = [
    EVIL,
    "null",
    "https://shop.haima.example.evil.example",
    "http://shop.haima.example",  # the allowed host, but over plain HTTP
    "https://shop.haima.example:8443",
]


def _cors_requests(api, origin: str) -> dict:
    return {
        "simple GET": api.get("csrf", HTTP_ORIGIN=origin),
        "preflight": api.client.options(
            "/api/v1/login",
            HTTP_ORIGIN=origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-csrftoken",
        ),
        "credentialed GET": api.get("me", HTTP_ORIGIN=origin),
    }


@pytest.mark.parametrize("origin", DISALLOWED_ORIGINS)
def test_no_origin_is_allowed_by_default(api, user, origin):
    api.client.force_login(user)
    for kind, response in _cors_requests(api, origin).items():
        assert "Access-Control-Allow-Origin" not in response, kind
        assert "Access-Control-Allow-Credentials" not in response, kind


@pytest.mark.parametrize("origin", DISALLOWED_ORIGINS)
def test_an_origin_not_listed_gets_nothing_beside_a_listed_one(
    api, user, settings, origin
):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED_ORIGIN]
    api.client.force_login(user)
    for kind, response in _cors_requests(api, origin).items():
        assert "Access-Control-Allow-Origin" not in response, kind
    allowed = _cors_requests(api, ALLOWED_ORIGIN)
    for kind, response in allowed.items():
        assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN, kind
        assert response["Access-Control-Allow-Credentials"] == "true", kind


def test_pages_never_get_cors_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED_ORIGIN]
    for path in ("/", "/user/login/", "/user/register/"):
        response = client.get(path, HTTP_ORIGIN=ALLOWED_ORIGIN)
        assert "Access-Control-Allow-Origin" not in response, path


# --- Methods -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "endpoint", ["register", "login", "password/reset/confirm", "sms/send"]
)
def test_another_method_is_a_405_envelope(api, snapshot, endpoint, method):
    before = snapshot()
    url = f"/api/v1/{endpoint}"
    if method == "get":
        response = api.client.get(url)
    else:
        response = getattr(api.client, method)(
            url, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=api.token()
        )
    assert_envelope(response, HTTPStatus.METHOD_NOT_ALLOWED, data=None)
    assert response["Allow"] == "POST"
    before.assert_unchanged()


@pytest.mark.parametrize(
    "path", ["admin", "../admin/", "users", "login/", "me/../admin", "%00"]
)
def test_unknown_api_paths_are_a_404_envelope(api, path):
    assert_envelope(api.get(path), HTTPStatus.NOT_FOUND, data=None)


# --- Host header -------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "a b"])
def test_a_spoofed_host_is_a_400_and_sends_no_email(api, user, snapshot, host):
    before = snapshot()
    response = api.post("password/reset", {"email": user.email}, HTTP_HOST=host)
    assert_envelope(response, HTTPStatus.BAD_REQUEST, data=None)
    before.assert_unchanged()


def test_a_spoofed_host_on_the_page_is_a_400(client, user, snapshot, in_process):
    before = snapshot()
    response = client.post(
        "/user/password/reset/", {"email": user.email}, HTTP_HOST="evil.example"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    before.assert_unchanged()


SPOOFS = [
    pytest.param({"HTTP_X_FORWARDED_HOST": "evil.example"}, id="X-Forwarded-Host"),
    pytest.param({"HTTP_HOST": "localhost"}, id="another allowed Host"),
    pytest.param({"HTTP_X_FORWARDED_PROTO": "javascript"}, id="X-Forwarded-Proto"),
    pytest.param({"HTTP_FORWARDED": "host=evil.example"}, id="Forwarded"),
]


def _links(text: str) -> list[str]:
    return [word for word in text.split() if "://" in word]


def _assert_links_on_site(email: OutboundEmail, site_url: str) -> None:
    """In the queued email and in the one the mail backend was handed."""
    [sent] = mail.outbox
    html = sent.alternatives[0][0] if sent.alternatives else ""
    assert (sent.body, html) == (email.text_body, email.html_body)
    assert sent.to == [email.to]
    links = _links(email.text_body)
    assert links
    for link in links + [
        word.split('"')[1]
        for word in email.html_body.split()
        if word.startswith('href="') and "://" in word
    ]:
        assert link.startswith(site_url + "/"), link
    assert "evil.example" not in email.text_body + email.html_body


@pytest.mark.parametrize("spoof", SPOOFS)
def test_a_reset_link_always_starts_with_site_url(api, user, settings, spoof):
    settings.SITE_URL = "https://shop.haima.example"
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    response = api.post("password/reset", {"email": user.email}, **spoof)
    assert_envelope(response, HTTPStatus.OK, data=None)
    email = OutboundEmail.objects.get()
    _assert_links_on_site(email, settings.SITE_URL)
    assert "/user/password/reset/" in email.text_body


@pytest.mark.parametrize("spoof", SPOOFS)
def test_an_activation_link_always_starts_with_site_url(api, bodies, settings, spoof):
    settings.SITE_URL = "https://shop.haima.example"
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    response = api.post("register", bodies(ENDPOINTS["register"]), **spoof)
    assert_envelope(response, HTTPStatus.CREATED)
    email = OutboundEmail.objects.get()
    _assert_links_on_site(email, settings.SITE_URL)
    assert "/user/active/" in email.text_body
    assert User.objects.get(username="xiaohong").is_active is False


# --- The client's address ----------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED", "HTTP_CLIENT_IP"],
)
def test_a_claimed_address_does_not_buy_fresh_guesses(api, user, snapshot, header):
    """With no proxy configured, no header chooses the address that is counted."""
    for n in range(3):
        body = {"login": f"guess{n}", "password": "wrong-Password-1"}
        response = api.post("login", body, **{header: f"203.0.113.{n}"})
        assert_envelope(response, HTTPStatus.UNAUTHORIZED, data=None)
    before = snapshot()
    body = {"login": "xiaoming", "password": STRONG_PASSWORD}
    response = api.post("login", body, **{header: "198.51.100.7"})
    assert_envelope(
        response, HTTPStatus.BAD_REQUEST, data={"reason": "captcha_required"}
    )
    assert api.signed_in_as() is None
    before.assert_unchanged()
