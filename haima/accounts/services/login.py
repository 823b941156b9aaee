"""Sign-in by password with brute-force defence; sign-out.

Counters (haima.core.ratelimit, settings.RATE_LIMITS) are kept per account
and per IP. Consecutive failures (3) make a captcha necessary until a
success; failures within a window (10 per account or 50 per IP in 15
minutes) lock out with 429 until the window passes. A success clears the
account's counters and the IP's consecutive count, not the IP's window, so
one valid account cannot launder an IP's guesses.

Compared with django-axes, which records each attempt in the database and
locks out by default with no captcha step, this keeps the counters in Redis
(atomic, expiring, shared by every web process) and answers with a captcha
before a lockout. Like allauth's login limits it is declared as data, but
its counters are atomic (allauth's read-modify-write cache limiter is not)
and fail closed when Redis is down.
"""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from haima.captchas.services import CaptchaRejected, captcha_consume
from haima.core.client_ip import client_ip
from haima.core.exceptions import ApplicationError
from haima.core.ratelimit import (
    ratelimit_clear,
    ratelimit_counts,
    ratelimit_reached,
    ratelimit_record,
    ratelimit_refusal,
)

from ..backends import NOT_FOUND
from ..models import User
from ..selectors import user_by_login
from ..usernames import normalize_username

WRONG_CREDENTIALS = _("Wrong username or password.")
CAPTCHA_REQUIRED = _("Please also solve the captcha.")
INACTIVE = _("Your account is not activated yet. Use the link in your email.")


class WrongCredentials(ApplicationError):
    status = 401
    default_message = WRONG_CREDENTIALS


class AccountInactive(ApplicationError):
    status = 403

    def __init__(self):
        super().__init__(INACTIVE, reason="inactive")


class CaptchaRequired(ApplicationError):
    default_message = CAPTCHA_REQUIRED

    def __init__(self, errors: dict[str, list[str]] | None = None):
        extra = {"errors": errors} if errors else {}
        super().__init__(reason="captcha_required", **extra)
        self.errors = errors


def _account_identity(user: User | None, login_name: str) -> str:
    """Count per account; per typed name only where no account matches."""
    if user is not None:
        return f"user:{user.pk}"
    return f"login:{normalize_username(login_name).lower()}"


def _limits(account: str, ip: str) -> dict[str, str]:
    return {
        "login_account": account,
        "login_ip": ip,
        "login_captcha_account": account,
        "login_captcha_ip": ip,
    }


LOCKOUTS = ("login_account", "login_ip")
CAPTCHA_AFTER = ("login_captcha_account", "login_captcha_ip")


def login_captcha_required(*, ip: str, login_name: str = "") -> bool:
    """Whether the login form must show the captcha."""
    account = _account_identity(user_by_login(login_name), login_name)
    limits = _limits(account, ip)
    counts = ratelimit_counts({name: limits[name] for name in CAPTCHA_AFTER})
    return bool(ratelimit_reached(counts))


def user_login(
    *,
    request: HttpRequest,
    login_name: str,
    password: str,
    remember: bool,
    captcha_key: str = "",
    captcha_answer: str = "",
) -> User:
    """Sign in; raise WrongCredentials, AccountInactive, CaptchaRequired or
    RateLimited. Rotates the session key; ``remember`` keeps the session for
    SESSION_COOKIE_AGE, otherwise it ends with the browser."""
    known = user_by_login(login_name)
    limits = _limits(_account_identity(known, login_name), client_ip(request))
    counts = ratelimit_counts(limits)  # one read for all four counters
    reached = ratelimit_reached(counts)
    for name in LOCKOUTS:
        if name in reached:
            raise ratelimit_refusal(name, limits[name])
    if reached.intersection(CAPTCHA_AFTER):
        if not (captcha_key or captcha_answer):
            raise CaptchaRequired()
        try:
            captcha_consume(key=captcha_key, answer=captcha_answer)
        except CaptchaRejected as rejected:
            raise CaptchaRequired(rejected.errors) from None

    user = authenticate(
        request, username=login_name, password=password, known=known or NOT_FOUND
    )
    if user is None:
        for name, identity in limits.items():
            ratelimit_record(name, identity)
        raise WrongCredentials()
    if not user.is_active:
        raise AccountInactive()

    # The IP's window stays: one valid account must not launder its guesses.
    cleared = {name: limits[name] for name in limits if name != "login_ip"}
    if any(counts[name] for name in cleared):
        ratelimit_clear(cleared)
    login(request, user)
    request.session.set_expiry(None if remember else 0)
    return user


def user_logout(*, request: HttpRequest) -> None:
    logout(request)
