"""The sign-in policy: one guard in front of every check of a secret.

Every door that checks a secret asks it first: password sign-in by API,
page and admin, the old password of a password change, SMS codes. The guard
reserves the attempt on its counters *before* the secret is checked (INCR
first, then decide), so parallel guesses cannot slip past a limit between a
read and a write. A failure keeps its reservation; anything else gives it
back. Limits are data, ``settings.RATE_LIMITS``:

- ``signin_login``, ``signin_captcha_login``: per *typed login*, normalised
  (NFKC, any case). Not per account: if failures typed as ``xiaoming`` made
  ``ming@example.cn`` ask for a captcha while an unknown address did not,
  anybody could learn whose address it is. The answer depends only on what
  was typed and from where. The price: an account with a username and an
  email gets the allowance once for each, 20 guesses in 15 minutes instead
  of 10, still bounded by the per-IP limit.
- ``signin_account``: per account, where no login is typed (the old
  password of a change, asked of a session holder).
- ``signin_ip``, ``signin_captcha_ip``: per client IP (IPv6 by /64).

After 3 failures in a row a captcha is required, after 10 in the window
the door is locked (429). The lockout stays a defence against guessing,
although anybody can lock a login out with 10 wrong passwords: it locks only
the *password* door. An SMS sign-in and a password reset are never refused
by it, and either one, completed, proves ownership and clears the account's
counters (``signin_counters_clear``), so the owner is never locked out of
their own account for longer than it takes to read a code or an email.

The guard also writes the audit trail of refusals, whichever door: a
failed check, a captcha asked for, a lockout (haima.audit).
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from haima.audit.services import Kind, event_record
from haima.captchas.services import CaptchaRejected, captcha_consume
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, RateLimited
from haima.core.ratelimit import (
    rate_for,
    ratelimit_clear,
    ratelimit_counts,
    ratelimit_reached,
    ratelimit_release,
    ratelimit_reserve,
    ratelimit_retry_after,
)

from .models import User
from .usernames import normalize_username

CAPTCHA_REQUIRED = _("Please also solve the captcha.")


@dataclass(frozen=True)
class Door:
    """Which counters guard one kind of secret check.

    ``lockouts`` refuse with 429 past their limit; ``captcha_after`` ask for a
    captcha past theirs. Names ending in ``_ip`` count the client's network,
    the others the door's subject.
    """

    name: str  # in the audit trail
    lockouts: tuple[str, ...]
    captcha_after: tuple[str, ...] = ()


PASSWORD_SIGNIN = Door(
    "password_signin",
    lockouts=("signin_login", "signin_ip"),
    captcha_after=("signin_captcha_login", "signin_captcha_ip"),
)
PASSWORD_CONFIRM = Door("password_confirm", lockouts=("signin_account", "signin_ip"))
SMS_CODE = Door("sms_code", lockouts=("signin_ip",))

# Counters of a subject that proving ownership of the account clears.
SUBJECT_COUNTERS = ("signin_login", "signin_captcha_login", "signin_account")


class CaptchaRequired(ApplicationError):
    default_message = CAPTCHA_REQUIRED

    def __init__(self, errors: dict[str, list[str]] | None = None):
        extra = {"errors": errors} if errors else {}
        super().__init__(reason="captcha_required", **extra)
        self.errors = errors


class SigninLocked(RateLimited):
    """Too many failures: says how long to wait (pages add 忘记密码)."""

    def __init__(self, retry_after: int):
        minutes = math.ceil(retry_after / 60)
        message = ngettext(
            "Too many failed attempts. Try again in %(minutes)d minute, "
            "or reset your password.",
            "Too many failed attempts. Try again in %(minutes)d minutes, "
            "or reset your password.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(retry_after, message)
        self.data["reason"] = "locked"


def login_subject(login_name: str) -> str:
    """The counters' name for a typed username or email."""
    return f"login:{normalize_username(login_name).lower()}"


def account_subject(user: User) -> str:
    return f"user:{user.pk}"


def _limits(names, *, subject: str, context: RequestContext) -> dict[str, str]:
    return {
        name: context.ip_bucket if name.endswith("_ip") else subject for name in names
    }


def _typed(subject: str) -> str:
    """What was typed, as far as a subject tells (an account id is not typed)."""
    kind, _, rest = subject.partition(":")
    return {"login": rest, "user": ""}.get(kind, subject) if rest else subject


class SigninAttempt:
    """One reserved attempt; the caller says how it ended."""

    def __init__(self, limits: dict[str, str], context: RequestContext, event: dict):
        self.limits = limits
        self.context = context
        self.event = event  # what the audit trail says of this attempt
        self.settled = False

    def failed(self, *, code: str = "wrong_secret", user: User | None = None) -> None:
        """The secret was wrong: the reservation stands as a failure.

        ``code``: why, a stable code for the audit trail; ``user``: whose
        secret it was, when known."""
        self.settled = True
        event_record(Kind.LOGIN_FAILED, code=code, user=user, **self.event)

    def succeeded(self, *, user: User) -> None:
        """The secret was right: this attempt counts nowhere and the account's
        failures, and this IP's failures in a row, are forgiven. The IP's
        window keeps its other failures: one valid account must not launder
        the guesses made from its network."""
        self.release()
        signin_counters_clear(user=user, context=self.context)

    def release(self) -> None:
        """Not a failure (refused before the check, or not the guessing kind)."""
        if not self.settled:
            ratelimit_release(self.limits)
        self.settled = True


@contextmanager
def signin_attempt(
    *,
    door: Door,
    subject: str,
    context: RequestContext,
    captcha_key: str = "",
    captcha_answer: str = "",
) -> Iterator[SigninAttempt]:
    """Reserve an attempt at ``door``, or refuse it before any secret is checked.

    Raises SigninLocked past a lockout, CaptchaRequired when a captcha is due
    and missing or wrong. Inside the block, call ``failed()`` or
    ``succeeded()``; an attempt left unsettled is given back.
    """
    limits = _limits(
        door.lockouts + door.captcha_after, subject=subject, context=context
    )
    counts = ratelimit_reserve(limits)
    event = {"typed": _typed(subject), "context": context, "door": door.name}
    attempt = SigninAttempt(limits, context, event)
    try:
        for name in door.lockouts:
            if counts[name] > rate_for(name).limit:
                event_record(Kind.LOCKED_OUT, code=name, **event)
                raise SigninLocked(ratelimit_retry_after(name, limits[name]))
        if any(counts[name] > rate_for(name).limit for name in door.captcha_after):
            if not (captcha_key or captcha_answer):
                event_record(Kind.CAPTCHA_REQUIRED, code="missing", **event)
                raise CaptchaRequired()
            try:
                captcha_consume(key=captcha_key, answer=captcha_answer)
            except CaptchaRejected as rejected:
                event_record(Kind.CAPTCHA_REQUIRED, code="wrong", **event)
                raise CaptchaRequired(rejected.errors) from None
        yield attempt
    finally:
        attempt.release()


def signin_captcha_needed(*, door: Door, subject: str, context: RequestContext) -> bool:
    """Whether the next attempt at ``door`` must come with a captcha (for pages)."""
    limits = _limits(door.captcha_after, subject=subject, context=context)
    return bool(limits) and bool(ratelimit_reached(ratelimit_counts(limits)))


def signin_counters_clear(*, user: User, context: RequestContext | None) -> None:
    """Forgive the account's failures: its owner has proved who they are.

    Called on a successful sign-in, a completed password reset and a verified
    SMS code. With a ``context``, this IP's failures in a row go too.
    """
    subjects = [login_subject(user.username), account_subject(user)]
    if user.email:
        subjects.append(login_subject(user.email))
    pairs = [(name, subject) for subject in subjects for name in SUBJECT_COUNTERS]
    if context is not None:
        pairs.append(("signin_captcha_ip", context.ip_bucket))
    ratelimit_clear(pairs)
