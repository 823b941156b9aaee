"""The operator's dashboard: thirty days of the audit trail, and what waits now.

Reads only. Days are the shop's days (``TIME_ZONE``, Asia/Shanghai), so an
event at 23:30 in Beijing counts on that day, not on the UTC one. Each
function takes ``now`` so tests can move the clock; a page load costs four
queries: the daily series (one grouped query), the mail outbox, the SMS
table and the failed sign-ins of the last day.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haima.core.client_ip import ip_bucket
from haima.mail.models import OutboundEmail
from haima.sms.models import SmsSend

from .models import AccountEvent

Kind = AccountEvent.Kind

DAYS = 30
PREFIX_HOURS = 24
TOP_PREFIXES = 10

# The site's palette (haima/static/haima/css/site.css).
GREEN = "#287a4d"
RED = "#c0392b"
BLUE = "#2980b9"
ORANGE = "#b35c00"


@dataclass(frozen=True)
class Series:
    """One line of the daily counts: events of ``kind`` (and ``code``, if set)."""

    key: str
    label: Promise
    kind: str
    code: str = ""
    colour: str = GREEN

    @property
    def condition(self) -> Q:
        return Q(kind=self.kind, code=self.code) if self.code else Q(kind=self.kind)


# Charted, in this order, under these headings.
GROUPS: tuple[tuple[Promise, tuple[Series, ...]], ...] = (
    (
        _("Accounts"),
        (
            Series("signups", _("Sign-ups"), Kind.REGISTERED),
            Series("activations", _("Activations"), Kind.ACTIVATED),
        ),
    ),
    (
        _("Sign-ins"),
        (
            Series(
                "password_logins",
                _("Password sign-ins"),
                Kind.LOGIN_SUCCEEDED,
                "password",
            ),
            Series("sms_logins", _("SMS sign-ins"), Kind.LOGIN_SUCCEEDED, "sms", BLUE),
            Series("failed_logins", _("Failed sign-ins"), Kind.LOGIN_FAILED, "", RED),
            Series("lockouts", _("Lockouts"), Kind.LOCKED_OUT, "", ORANGE),
        ),
    ),
    (
        _("Text messages"),
        (
            Series("sms_sent", _("SMS sent"), Kind.SMS_SENT, "", BLUE),
            Series("sms_failed", _("SMS failed"), Kind.SMS_FAILED, "", RED),
        ),
    ),
    (
        _("Mail"),
        (
            Series("mail_delivered", _("Mails delivered"), Kind.MAIL_DELIVERED),
            # Each failed try counts: one mail retried three times is three.
            Series("mail_failed", _("Mail attempts failed"), Kind.MAIL_FAILED, "", RED),
        ),
    ),
)
SERIES: tuple[Series, ...] = tuple(s for _group, group in GROUPS for s in group)
# Counted with the others, not charted: the activation rate's denominator.
EMAIL_SIGNUPS = Series(
    "email_signups", _("Sign-ups by email"), Kind.REGISTERED, "email"
)


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest: datetime | None  # when the longest-waiting one was created


@dataclass(frozen=True)
class Prefix:
    """An IPv4 address or IPv6 /64 network, as the per-IP limits count it."""

    prefix: str
    failures: int
    addresses: int


@dataclass(frozen=True)
class Dashboard:
    days: list[date]
    counts: dict[str, list[int]]  # Series.key -> one count per day
    activation_rate: float | None  # percent; None with no sign-up by email
    mail_backlog: Backlog
    sms_backlog: Backlog
    sms_sent_today: int
    sms_daily_budget: int
    prefixes: list[Prefix]
    time_zone: str

    def total(self, key: str) -> int:
        return sum(self.counts[key])

    @property
    def sms_budget_used(self) -> float:
        """Percent of today's SMS_DAILY_BUDGET sent."""
        budget = self.sms_daily_budget
        return 100 * self.sms_sent_today / budget if budget > 0 else 0.0


def _shop_today(now: datetime) -> date:
    return timezone.localtime(now, timezone.get_default_timezone()).date()


def _day_start(day: date) -> datetime:
    """Midnight starting ``day`` in the shop's time zone, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def daily_counts(
    *, now: datetime | None = None, days: int = DAYS, series=(*SERIES, EMAIL_SIGNUPS)
) -> tuple[list[date], dict[str, list[int]]]:
    """Count each series' events per shop day, for ``days`` days up to today.

    Return the days, oldest first, and for each series key one count per
    day; a day with no event counts 0. One query, grouped by day.
    """
    today = _shop_today(now or timezone.now())
    dates = [today - timedelta(days=back) for back in range(days - 1, -1, -1)]
    rows = (
        AccountEvent.objects.filter(
            created_at__gte=_day_start(dates[0]),
            created_at__lt=_day_start(today + timedelta(days=1)),
            kind__in={s.kind for s in series},
        )
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(**{s.key: Count("pk", filter=s.condition) for s in series})
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    counts = {
        s.key: [by_day.get(day, {}).get(s.key, 0) for day in dates] for s in series
    }
    return dates, counts


def activation_rate(counts: dict[str, list[int]]) -> float | None:
    """Activations per sign-up by email in the same days, in percent.

    Both counted in the window: someone who signed up the day before it and
    activated in it counts above, so the rate can pass 100 % on a quiet
    month. None when nobody signed up by email (an SMS sign-up needs no
    activation).
    """
    signups = sum(counts[EMAIL_SIGNUPS.key])
    if not signups:
        return None
    return 100 * sum(counts["activations"]) / signups


def mail_backlog() -> Backlog:
    """Emails not yet accepted by an SMTP server."""
    found = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).aggregate(
        waiting=Count("pk"), oldest=Min("created_at")
    )
    return Backlog(**found)


def sms_figures(*, now: datetime | None = None) -> tuple[Backlog, int]:
    """The texts still queued, and how many were sent today (the shop's day)."""
    today_start = _day_start(_shop_today(now or timezone.now()))
    queued = Q(status=SmsSend.Status.QUEUED)
    found = SmsSend.objects.aggregate(
        waiting=Count("pk", filter=queued),
        oldest=Min("created_at", filter=queued),
        sent_today=Count(
            "pk", filter=Q(status=SmsSend.Status.SENT, sent_at__gte=today_start)
        ),
    )
    sent_today = found.pop("sent_today")
    return Backlog(**found), sent_today


def failed_login_prefixes(
    *, now: datetime | None = None, hours: int = PREFIX_HOURS, limit: int = TOP_PREFIXES
) -> list[Prefix]:
    """The networks with the most failed sign-ins in the last ``hours``.

    Addresses are grouped as the per-IP limits group them (``ip_bucket``: an
    IPv6 /64 is one customer), most failures first.
    """
    since = (now or timezone.now()) - timedelta(hours=hours)
    per_address = (
        AccountEvent.objects.filter(
            kind=Kind.LOGIN_FAILED, created_at__gte=since, ip__isnull=False
        )
        .values_list("ip")
        .annotate(failures=Count("pk"))
        .order_by()
    )
    failures: dict[str, int] = defaultdict(int)
    addresses: dict[str, int] = defaultdict(int)
    for ip, count in per_address:
        bucket = ip_bucket(ip)
        failures[bucket] += count
        addresses[bucket] += 1
    ranked = sorted(failures, key=lambda bucket: (-failures[bucket], bucket))
    return [Prefix(b, failures[b], addresses[b]) for b in ranked[:limit]]


def dashboard_build(*, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard page shows, as of ``now``."""
    now = now or timezone.now()
    days, counts = daily_counts(now=now)
    sms_backlog, sms_sent_today = sms_figures(now=now)
    return Dashboard(
        days=days,
        counts=counts,
        activation_rate=activation_rate(counts),
        mail_backlog=mail_backlog(),
        sms_backlog=sms_backlog,
        sms_sent_today=sms_sent_today,
        sms_daily_budget=settings.SMS_DAILY_BUDGET,
        prefixes=failed_login_prefixes(now=now),
        time_zone=settings.TIME_ZONE,
    )
