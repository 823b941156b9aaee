"""The operator's dashboard: its numbers, its charts and who may see it.

Today's events come from the flows themselves (the API, the mail and SMS
services); older days are written straight into the table with their time.
"""

import re
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from haima.audit.charts import axis_ticks, bar_chart
from haima.audit.dashboard import (
    EMAIL_SIGNUPS,
    SERIES,
    Prefix,
    daily_counts,
    dashboard_build,
    failed_login_prefixes,
    mail_backlog,
    sms_figures,
)
from haima.audit.models import AccountEvent
from haima.mail.models import OutboundEmail
from haima.mail.services import email_deliver
from haima.sms.models import SmsSend
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD, activation_link
from tests.sms.conftest import NATIONAL

pytestmark = pytest.mark.django_db

Kind = AccountEvent.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Noon on 30 June in the shop: the window is 1 June to 30 June.
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=SHANGHAI)
SVG = "{http://www.w3.org/2000/svg}"
DASHBOARD = "/admin/dashboard/"


def event(kind, at: datetime, *, code: str = "", ip: str | None = None):
    return AccountEvent.objects.create(kind=kind, created_at=at, code=code, ip=ip)


def log_in(api_client, login, password, ip="127.0.0.1"):
    return api_client.post_json(
        "/api/v1/login", {"login": login, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def _in_english():
    with translation.override("en"):
        yield


def today(counts: dict, key: str) -> int:
    return counts[key][-1]


class TestDailyCounts:
    def test_todays_flows(self, api_client, registration, mailoutbox):
        response = api_client.post_json("/api/v1/register", registration())
        assert response.status_code == HTTPStatus.CREATED
        assert email_deliver(email_id=OutboundEmail.objects.get().pk)
        link = activation_link(mailoutbox[-1].body)
        token = link.rstrip("/").rsplit("/", 1)[-1]
        api_client.post_json("/api/v1/activate", {"token": token})
        assert log_in(api_client, "xiaoming", STRONG_PASSWORD).status_code == 200
        log_in(api_client, "nobody", "wrong-Pear-99")

        days, counts = daily_counts()
        assert days[-1] == timezone.localdate()
        assert {key: today(counts, key) for key in counts} == {
            "signups": 1,
            "activations": 1,
            "password_logins": 1,
            "sms_logins": 0,
            "failed_logins": 1,
            "lockouts": 0,
            "sms_sent": 0,
            "sms_failed": 0,
            "mail_delivered": 1,
            "mail_failed": 0,
            "email_signups": 1,
        }
        assert dashboard_build().activation_rate == 100

    def test_an_sms_sign_up(self, api_client, request_code, sms_outbox):
        request_code()
        api_client.post_json(
            "/api/v1/sms/login", {"phone": NATIONAL, "code": sms_outbox[-1].code}
        )
        _days, counts = daily_counts()
        assert today(counts, "sms_sent") == 1
        assert today(counts, "sms_logins") == today(counts, "signups") == 1
        # Nobody signed up by email: there is no rate to speak of.
        assert today(counts, "email_signups") == 0
        assert dashboard_build().activation_rate is None
        assert sms_figures() == (sms_figures()[0], 1)

    def test_thirty_days_with_the_empty_ones_zero(self):
        event(Kind.LOCKED_OUT, NOW - timedelta(days=3))
        event(Kind.LOCKED_OUT, NOW - timedelta(days=3, hours=1))
        event(Kind.LOCKED_OUT, NOW - timedelta(days=29))  # 1 June: the first day
        event(Kind.LOCKED_OUT, NOW - timedelta(days=30))  # 31 May: before it
        event(Kind.LOGOUT, NOW)  # not a series

        days, counts = daily_counts(now=NOW)
        assert len(days) == 30
        assert (days[0], days[-1]) == (date(2025, 6, 1), date(2025, 6, 30))
        assert days == [date(2025, 6, 1) + timedelta(days=n) for n in range(30)]
        lockouts = [0] * 30
        lockouts[0], lockouts[26] = 1, 2
        assert counts["lockouts"] == lockouts
        assert set(counts) == {s.key for s in (*SERIES, EMAIL_SIGNUPS)}
        assert all(counts[s.key] == [0] * 30 for s in SERIES if s.key != "lockouts")

    def test_a_day_is_the_shops_day_not_utc(self):
        # 23:30 in Beijing on 29 June is 15:30 UTC the same day...
        event(Kind.REGISTERED, datetime(2025, 6, 29, 15, 30, tzinfo=UTC))
        # ...and 00:30 in Beijing on 30 June is still 29 June in UTC.
        event(Kind.REGISTERED, datetime(2025, 6, 29, 16, 30, tzinfo=UTC))
        event(Kind.REGISTERED, datetime(2025, 6, 29, 16, 0, tzinfo=UTC))  # midnight

        _days, counts = daily_counts(now=NOW)
        assert counts["signups"][-2:] == [1, 2]
        # Tomorrow in Beijing, though still today in UTC, is not in the window.
        _days, counts = daily_counts(now=datetime(2025, 6, 29, 15, 59, tzinfo=UTC))
        assert counts["signups"][-1] == 1

    def test_sign_ins_by_method_and_the_activation_rate(self):
        for code in ("password", "password", "sms", "admin"):
            event(Kind.LOGIN_SUCCEEDED, NOW, code=code)
        for _ in range(4):
            event(Kind.REGISTERED, NOW - timedelta(days=2), code="email")
        event(Kind.REGISTERED, NOW, code="sms")
        event(Kind.ACTIVATED, NOW)

        board = dashboard_build(now=NOW)
        assert board.total("password_logins") == 2
        assert board.total("sms_logins") == 1
        assert board.total("signups") == 5
        assert board.activation_rate == 25


class TestNow:
    def test_backlogs_and_todays_texts(self, user):
        OutboundEmail.objects.create(to="a@example.cn", subject="s", text_body="t")
        OutboundEmail.objects.create(to="b@example.cn", subject="s", text_body="t")
        OutboundEmail.objects.create(
            to="c@example.cn", subject="s", text_body="t", status="sent"
        )
        now = timezone.now()
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0)
        texts = [
            ("queued", None),
            ("queued", None),
            ("sent", now),
            ("sent", midnight),
            ("sent", midnight - timedelta(seconds=1)),  # yesterday in Beijing
            ("failed", None),
        ]
        for status, sent_at in texts:
            SmsSend.objects.create(
                phone_masked="138****8000",
                purpose="login",
                status=status,
                sent_at=sent_at,
                expires_at=now,
            )

        mail = mail_backlog()
        assert mail.waiting == 2 and mail.oldest <= timezone.now()
        backlog, sent_today = sms_figures(now=now)
        assert backlog.waiting == 2 and backlog.oldest <= timezone.now()
        assert sent_today == 2

    def test_nothing_waiting(self):
        assert mail_backlog().waiting == sms_figures()[0].waiting == 0
        assert mail_backlog().oldest is None

    def test_todays_texts_against_the_budget(self, settings):
        settings.SMS_DAILY_BUDGET = 8
        for _ in range(2):
            SmsSend.objects.create(
                phone_masked="138****8000",
                purpose="login",
                status="sent",
                sent_at=timezone.now(),
                expires_at=timezone.now(),
            )
        board = dashboard_build()
        assert (board.sms_sent_today, board.sms_daily_budget) == (2, 8)
        assert board.sms_budget_used == 25


class TestFailedSigninPrefixes:
    def test_one_ipv6_64_is_one_network(self, api_client, user):
        for ip in ("2001:db8:1:2::10", "2001:db8:1:2:ffff::1", "2001:db8:1:3::10"):
            log_in(api_client, "xiaoming", "wrong-Pear-99", ip=ip)
        log_in(api_client, "nobody", "wrong-Pear-99", ip="203.0.113.7")
        log_in(api_client, "nobody", "wrong-Pear-99", ip="::ffff:203.0.113.7")
        event(Kind.LOGIN_FAILED, timezone.now() - timedelta(hours=25), ip="192.0.2.1")
        event(Kind.LOGIN_FAILED, timezone.now())  # no address known
        event(Kind.LOCKED_OUT, timezone.now(), ip="192.0.2.2")  # not a failure

        assert failed_login_prefixes() == [
            Prefix("2001:db8:1:2::/64", failures=2, addresses=2),
            Prefix("203.0.113.7", failures=2, addresses=2),
            Prefix("2001:db8:1:3::/64", failures=1, addresses=1),
        ]

    def test_the_top_ten(self):
        for n in range(12):
            for _ in range(n + 1):
                event(Kind.LOGIN_FAILED, timezone.now(), ip=f"198.51.100.{n}")
        top = failed_login_prefixes()
        assert [p.prefix for p in top] == [f"198.51.100.{n}" for n in range(11, 1, -1)]
        assert top[0].failures == 12


@pytest.mark.usefixtures("_in_english")
class TestCharts:
    @pytest.mark.parametrize(
        ("maximum", "ticks"),
        [(0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (5, [0, 2, 4, 6]),
         (37, [0, 10, 20, 30, 40]), (100, [0, 50, 100]), (1234, [0, 500, 1000, 1500])],
    )  # fmt: skip
    def test_axis_ticks(self, maximum, ticks):
        assert axis_ticks(maximum) == ticks

    def test_a_chart(self):
        days = [date(2025, 6, 1) + timedelta(days=n) for n in range(30)]
        values = [0] * 30
        values[2], values[29] = 3, 5
        svg = str(
            bar_chart(label="Sign-ups <&>", days=days, values=values, colour="#287a4d")
        )
        root = ElementTree.fromstring(svg)  # noqa: S314 (our SVG: well-formed?)

        assert root.get("role") == "img" and root.get("class") == "chart"
        assert root.find(f"{SVG}title").text == "Sign-ups <&>"
        assert root.get("aria-label") == (
            "Sign-ups <&>, June 1 to June 30: 8 in all, most on June 30 (5)."
        )
        bars = root.findall(f"{SVG}rect")
        assert [bar.find(f"{SVG}title").text for bar in bars] == [
            "June 3: 3",
            "June 30: 5",
        ]
        assert {bar.get("fill") for bar in bars} == {"#287a4d"}
        heights = [float(bar.get("height")) for bar in bars]
        assert heights[0] / heights[1] == pytest.approx(3 / 5)
        labels = [text.text for text in root.iter(f"{SVG}text")]
        # The y axis, then every seventh day back from the last.
        assert labels == ["0", "2", "4", "6", "6/2", "6/9", "6/16", "6/23", "6/30"]
        assert "style=" not in svg and "<script" not in svg

    def test_an_empty_chart(self):
        days = [date(2025, 6, 1), date(2025, 6, 2)]
        root = ElementTree.fromstring(  # noqa: S314
            str(bar_chart(label="Lockouts", days=days, values=[0, 0], colour="#c0392b"))
        )
        assert root.findall(f"{SVG}rect") == []
        assert root.get("aria-label") == "Lockouts, June 1 to June 2: none."


class TestPage:
    def test_refused_to_customers_and_strangers(self, client, user):
        for _who in ("anonymous", "customer"):
            response = client.get(DASHBOARD)
            assert response.status_code == HTTPStatus.FOUND
            assert response["Location"] == f"/admin/login/?next={DASHBOARD}"
            client.force_login(user)

    def test_refused_to_an_inactive_staff_member(self, client):
        client.force_login(user_create(is_staff=True, is_active=False))
        assert client.get(DASHBOARD).status_code == HTTPStatus.FOUND

    def test_staff_see_it_in_four_queries(self, client):
        staff = user_create(username="operator", is_staff=True)
        client.force_login(staff)
        event(Kind.LOGIN_FAILED, timezone.now(), ip="2001:db8::1")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert html.count('<svg class="chart"') == len(SERIES) == 10
        assert "2001:db8::/64" in html
        assert "Activation rate" in html and "SMS sent today" in html
        assert 'href="/admin/"' in html  # the breadcrumbs, back to the index
        # Every script is a file: the CSP forbids inline ones.
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
        # The dashboard's own: the daily series, the mail outbox, the texts
        # and the failed sign-ins; besides, the user (and on the embedded
        # default the session, kept in the database cache) and the staff
        # member's permissions for the sidebar.
        tables = ("audit_accountevent", "mail_outboundemail", "sms_smssend")
        own = [q for q in queries if any(t in q["sql"] for t in tables)]
        assert len(own) == 4, own
        assert len(queries) <= 8, [q["sql"] for q in queries]

    def test_a_superuser_in_chinese(self, admin_client):
        response = admin_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert '<html lang="zh-hans"' in html
        assert "首页" in html  # the admin's own breadcrumbs, translated

    def test_the_admin_index_links_to_it(self, admin_client):
        html = admin_client.get("/admin/").content.decode()
        assert f'href="{DASHBOARD}"' in html
        assert 'id="content-main"' in html and "app-accounts" in html
