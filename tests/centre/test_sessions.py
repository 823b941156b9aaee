"""Devices and sessions in the 账户中心: each live session listed with its
device, "this device" marked; ending one, or all the others, signs those
devices out wherever they call, after re-authentication."""

import time
from http import HTTPStatus

import pytest
from django.test import Client

from haima.accounts.models import User
from haima.audit.models import AccountEvent
from haima.centre.reauth import SESSION_KEY
from haima.core.sessions.listing import session_digest
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD
from tests.processes import WebServer, service_environment

pytestmark = pytest.mark.django_db

PAGE = "/user/account/sessions/"
LIST = "/api/v1/account/sessions"
END = "/api/v1/account/sessions/end"
END_OTHERS = "/api/v1/account/sessions/end-others"
WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/124.0.0.0 Safari/537.36"
)
IPHONE_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) "
    "NetType/WIFI Language/zh_CN"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.4.1 Safari/605.1.15"
)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def sign_in(client, user_agent: str, ip: str = "127.0.0.1", remember=False):
    """Sign xiaoming in on ``client`` through the API, as that browser."""
    body = {"login": "xiaoming", "password": STRONG_PASSWORD, "remember": remember}
    headers = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": user_agent}
    if hasattr(client, "post_json"):  # checks CSRF like a browser
        response = client.post_json("/api/v1/login", body, **headers)
    else:
        response = client.post(
            "/api/v1/login", body, content_type="application/json", **headers
        )
    assert response.status_code == HTTPStatus.OK, response.content
    return client


def confirm(client) -> None:
    """Re-authenticated just now, as the verify page leaves the session."""
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()


def digest_of(client) -> str:
    return session_digest(client.cookies["sessionid"].value)


def signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == HTTPStatus.OK


@pytest.fixture
def devices(user):
    """xiaoming on a Windows PC, an iPhone (WeChat) and a Mac, the Mac last."""
    pc = sign_in(Client(), WINDOWS_CHROME, ip="198.51.100.7")
    phone = sign_in(Client(), IPHONE_WECHAT, ip="203.0.113.9", remember=True)
    mac = sign_in(Client(), MAC_SAFARI)
    return pc, phone, mac


def test_the_api_lists_each_device_and_marks_this_one(devices):
    pc, phone, mac = devices
    response = mac.get(LIST)
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["code"] == HTTPStatus.OK
    sessions = body["data"]["sessions"]
    assert [(s["device"], s["ip"], s["current"]) for s in sessions] == [
        ("Safari · macOS", "127.0.0.1", True),  # in use now: the most recent
        ("WeChat · iPhone", "203.0.113.9", False),
        ("Chrome · Windows", "198.51.100.7", False),
    ]
    assert [s["digest"] for s in sessions] == [
        digest_of(mac),
        digest_of(phone),
        digest_of(pc),
    ]
    assert all(s["started_at"] and s["last_active_at"] for s in sessions)
    raw_keys = {c.cookies["sessionid"].value for c in devices}
    assert not raw_keys & {value for s in sessions for value in s.values()}


def test_the_page_lists_the_devices_and_this_one(devices):
    _pc, phone, _mac = devices
    page = phone.get(PAGE)
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    for name in ("Safari · macOS", "WeChat · iPhone", "Chrome · Windows"):
        assert name in html
    [mine] = [device for device in page.context["devices"] if device.current]
    assert mine.digest == digest_of(phone)
    assert html.count("This device") == 1
    # One end button per other device, and none for this one.
    assert html.count('name="digest"') == 2
    assert f'value="{digest_of(phone)}"' not in html


def test_the_pages_need_a_session(client):
    response = client.get(PAGE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/user/login/")
    assert Client().get(LIST).status_code == HTTPStatus.UNAUTHORIZED


def test_ending_sessions_needs_reauthentication(devices, api_client, user):
    pc, _phone, mac = devices
    sign_in(api_client, MAC_SAFARI)
    for path, body in ((END, {"digest": digest_of(pc)}), (END_OTHERS, None)):
        response = api_client.post_json(path, body)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert response.json()["data"]["reason"] == "reauth_required"
    for path in ("/user/account/sessions/end/", "/user/account/sessions/end-others/"):
        response = mac.post(path, {"digest": digest_of(pc)})
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/user/account/verify/?next=")
    assert all(signed_in(client) for client in devices)
    assert not AccountEvent.objects.filter(kind="sessions_ended").exists()


def test_ending_one_session_signs_out_that_device_only(devices, api_client, user):
    pc, phone, mac = devices
    sign_in(api_client, MAC_SAFARI)
    confirm(api_client)
    response = api_client.post_json(END, {"digest": digest_of(pc)})
    assert response.status_code == HTTPStatus.OK, response.content
    body = response.json()
    assert body["message"] == "The session on Chrome · Windows is ended."
    assert body["data"] == {"ended": 1}
    assert not signed_in(pc)
    assert signed_in(phone) and signed_in(mac) and signed_in(api_client)
    [event] = AccountEvent.objects.filter(kind="sessions_ended")
    assert (event.user, event.code, event.detail) == (user, "one", {"sessions": 1})

    again = api_client.post_json(END, {"digest": digest_of(pc)})
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert again.json()["data"]["reason"] == "session_ended"


def test_a_digest_ends_only_the_askers_own_sessions(devices, api_client):
    pc, _phone, _mac = devices
    user_create("xiaohong", "hong@example.cn")
    other = Client()
    other.post(
        "/api/v1/login",
        {"login": "xiaohong", "password": STRONG_PASSWORD},
        content_type="application/json",
    )
    api_client.force_login(User.objects.get(username="xiaohong"))
    confirm(api_client)
    response = api_client.post_json(END, {"digest": digest_of(pc)})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert signed_in(pc)


def test_this_session_is_not_ended_by_digest(api_client, user):
    sign_in(api_client, MAC_SAFARI)
    confirm(api_client)
    response = api_client.post_json(END, {"digest": digest_of(api_client)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["data"]["reason"] == "current_session"
    assert signed_in(api_client)


def test_ending_the_others_keeps_this_one(devices, api_client, user):
    sign_in(api_client, MAC_SAFARI)
    confirm(api_client)
    response = api_client.post_json(END_OTHERS)
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["data"] == {"ended": 3}
    assert response.json()["message"] == "3 other sessions are ended."
    assert not any(signed_in(client) for client in devices)
    assert signed_in(api_client)
    [only] = api_client.get(LIST).json()["data"]["sessions"]
    assert only["current"]
    [event] = AccountEvent.objects.filter(kind="sessions_ended")
    assert (event.code, event.detail) == ("others", {"sessions": 3})


def test_the_page_ends_one_and_then_the_others(devices):
    pc, phone, mac = devices
    confirm(mac)
    response = mac.post(
        "/user/account/sessions/end/", {"digest": digest_of(pc)}, follow=True
    )
    assert response.redirect_chain == [(PAGE, HTTPStatus.FOUND)]
    assert [str(m) for m in response.context["messages"]] == [
        "The session on Chrome · Windows is ended."
    ]
    assert not signed_in(pc) and signed_in(phone)
    assert [d.device for d in response.context["devices"]] == [
        "Safari · macOS",
        "WeChat · iPhone",
    ]

    response = mac.post("/user/account/sessions/end-others/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "1 other session is ended."
    ]
    assert not signed_in(phone) and signed_in(mac)
    assert "Sign out all other devices" not in response.content.decode()


def test_coming_back_from_reauthentication_shows_the_list(devices):
    """The verify page sends a GET to the action's URL: it shows the list."""
    pc, _phone, mac = devices
    confirm(mac)
    response = mac.get("/user/account/sessions/end/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == PAGE
    assert signed_in(pc)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ending_a_session_signs_out_that_device_on_another_web_process(
    api_client,
):
    """gunicorn holds the phone's session; the owner ends it from here.
    (Embedded, the test database is SQLite in memory, which no other
    process can open.)"""
    user_create()
    server = WebServer("web-centre-sessions", service_environment())
    try:
        phone = server.session()
        phone.headers["User-Agent"] = IPHONE_WECHAT
        signed = phone.post(
            f"{server.url}/api/v1/login",
            json={"login": "xiaoming", "password": STRONG_PASSWORD},
        )
        assert signed.status_code == HTTPStatus.OK, signed.text
        assert phone.get(f"{server.url}/api/v1/me").status_code == HTTPStatus.OK

        sign_in(api_client, MAC_SAFARI)
        confirm(api_client)
        listed = api_client.get(LIST).json()["data"]["sessions"]
        [remote] = [s for s in listed if not s["current"]]
        assert remote["device"] == "WeChat · iPhone"
        assert remote["digest"] == session_digest(phone.cookies["sessionid"])

        response = api_client.post_json(END, {"digest": remote["digest"]})
        assert response.status_code == HTTPStatus.OK, response.content
        me = phone.get(f"{server.url}/api/v1/me")
        assert me.status_code == HTTPStatus.UNAUTHORIZED
        assert signed_in(api_client)
    finally:
        server.stop()


LOCALES = {"zh": "zh-CN", "en": "en-US"}
WIDTHS = {"1280": {"width": 1280, "height": 800}, "375": {"width": 375, "height": 740}}


def axe_report(browser, live_server, path: str, cookie: str, locale: str) -> str:
    """axe on ``path`` as the session ``cookie``, at 1280 and 375 px; the
    violations written out, or "" (screenshots under var/test-output/)."""
    from django.conf import settings as django_settings

    from tests.axe import axe_violations, format_violations
    from tests.harness import OUTPUT_DIR

    context = browser.new_context(locale=locale)
    try:
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
              "url": live_server.url}]
        )  # fmt: skip
        page = context.new_page()
        page.goto(f"{live_server.url}{path}")
        assert page.url == f"{live_server.url}{path}"  # not sent elsewhere
        report = []
        for label, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            name = path.strip("/").replace("/", "-")
            page.screenshot(
                path=OUTPUT_DIR / "screenshots" / f"{name}-{locale}-{label}.png",
                full_page=True,
            )
            if violations := axe_violations(page):
                report.append(f"at {label} px:\n{format_violations(violations)}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                report.append(f"at {label} px: {width} px wide")
        return "\n".join(report)
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", LOCALES.values(), ids=LOCALES.keys())
def test_the_page_passes_axe_at_both_widths(browser, live_server, locale):
    user_create()
    sign_in(Client(), WINDOWS_CHROME, ip="198.51.100.7")
    sign_in(Client(), IPHONE_WECHAT, ip="2001:db8::1234:5678:9abc:def0")
    mine = sign_in(Client(), MAC_SAFARI)
    cookie = mine.cookies["sessionid"].value
    report = axe_report(browser, live_server, PAGE, cookie, locale)
    assert not report, report
