"""The operator's dashboard in a browser, after real sign-ups, sign-ins and texts.

Today's events come from the flows (the API through Django's test client,
on the live server's database; the staff member signs in through the admin
page); the weeks before are written into the audit table, as a month of
history would have left them.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from haima.audit.models import AccountEvent
from tests.axe import assert_accessible
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, activation_link
from tests.sms.conftest import NATIONAL, request_code, sms_outbox  # noqa: F401

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Kind = AccountEvent.Kind
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
ATTACKER = ("2001:db8:1:2::10", "2001:db8:1:2:ffff::1")  # one /64


def history() -> None:
    """Four weeks before today, a few events a day, in a fixed pattern."""
    now = timezone.now()

    def day(days: int) -> dict:
        signups = 2 + days * days % 5
        return {
            (Kind.REGISTERED, "email"): signups,
            (Kind.ACTIVATED, ""): signups - days % 2,
            (Kind.MAIL_DELIVERED, "activation"): signups,
            (Kind.LOGIN_SUCCEEDED, "password"): 3 + days * days % 5,
            (Kind.LOGIN_FAILED, "wrong_credentials"): 1 + days * days % 4,
            (Kind.LOCKED_OUT, "signin_login"): int(days % 3 == 0),
            (Kind.SMS_SENT, "OK"): 1 + days % 3,
        }

    AccountEvent.objects.bulk_create(
        AccountEvent(kind=kind, code=code, created_at=now - timedelta(days=days))
        for days in range(1, 29)
        for (kind, code), count in day(days).items()
        for _ in range(count)
    )


def log_in(api_client, login, password, ip="127.0.0.1"):
    return api_client.post_json(
        "/api/v1/login", {"login": login, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def todays_flows(api_client, registration, mailoutbox, request_code, sms_outbox):  # noqa: F811
    """A sign-up by email, activated and signed in; an SMS sign-up; guesses."""
    api_client.post_json("/api/v1/register", registration())
    link = activation_link(mailoutbox[-1].body)
    api_client.post_json("/api/v1/activate", {"token": link.rstrip("/").split("/")[-1]})
    log_in(api_client, "xiaoming", STRONG_PASSWORD)
    request_code()
    api_client.post_json(
        "/api/v1/sms/login", {"phone": NATIONAL, "code": sms_outbox[-1].code}
    )
    for ip in ATTACKER:
        log_in(api_client, "xiaoming", "wrong-Pear-99", ip=ip)
    log_in(api_client, "nobody", "wrong-Pear-99", ip="203.0.113.7")


def test_staff_see_the_dashboard_with_its_charts(
    page, live_server, screenshot, todays_flows
):
    history()
    user_create(username="operator", email="ops@example.cn", is_staff=True)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill("operator")
    page.locator("#id_password").fill(STRONG_PASSWORD)
    page.locator("#login-form [type=submit]").click()

    page.locator("#haima-operations a").click()
    expect(page).to_have_url(f"{live_server.url}/admin/dashboard/")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(10)
    expect(charts.first).to_be_visible()
    expect(charts.last).to_be_visible()
    expect(charts.first).to_have_attribute("role", "img")
    # Today's bars are drawn: the last day of sign-ups has two (email, SMS).
    expect(charts.first).to_have_attribute("aria-label", re.compile(r"\d"))
    today = charts.first.locator("rect").last.locator("title")
    expect(today).to_have_text(re.compile(r"[:：] ?2$"))  # 11月26日：2
    network = page.locator("tr", has_text="2001:db8:1:2::/64")
    expect(network.locator("td")).to_have_text(["2001:db8:1:2::/64", "2", "2"])
    expect(page.locator("tr", has_text="203.0.113.7")).to_be_visible()
    box = charts.first.bounding_box()
    assert box["width"] >= 280 and box["height"] >= 120, box
    assert_accessible(page)
    screenshot("1280")

    page.set_viewport_size(PHONE)
    expect(charts.first).to_be_visible()
    assert charts.first.bounding_box()["width"] <= PHONE["width"]
    screenshot("375")
    page.locator("summary").click()  # the numbers by day
    expect(page.locator(".scroll table")).to_be_visible()
    assert_accessible(page)


def test_a_customer_is_sent_to_the_admin_sign_in(page, live_server):
    client = Client()
    client.force_login(user_create())
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
          "url": live_server.url}]
    )  # fmt: skip
    page.goto(f"{live_server.url}/admin/dashboard/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/dashboard/")
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(0)
