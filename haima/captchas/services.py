"""One captcha proves one human action.

A captcha is spent by the protected action that uses it (register, SMS send,
login after failures) and by any wrong answer, so an answer can never be
replayed or guessed twice on one key. A right pre-check (``captcha_check``)
leaves it live for the one action that follows. django-simple-captcha's own
check would leave a pre-checked captcha valid forever, and its test mode
accepts unknown keys; this module is the only way the service verifies one.
"""

import re
from dataclasses import dataclass

from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from haima.core.context import RequestContext
from haima.core.exceptions import RateLimited, ValidationFailed
from haima.core.ratelimit import ratelimit_hit

FIELD = "captcha"
KEY_PATTERN = re.compile(r"[0-9a-f]{40}")
# Longer than any challenge's answer: refused without a look-up.
MAX_ANSWER_LENGTH = 32
TEST_MODE_ANSWER = "passed"

MISSING = _("Please enter the captcha.")
EXPIRED = _("The captcha has expired; please enter the new one.")
WRONG = _("The captcha is wrong; please enter the new one.")
TOO_MANY = _("Too many captchas asked for; please wait a moment.")


class CaptchaRejected(ValidationFailed):
    def __init__(self, message):
        super().__init__({FIELD: [str(message)]})


@dataclass(frozen=True)
class IssuedCaptcha:
    key: str
    image_url: str


def captcha_issue(*, context: RequestContext | None = None) -> IssuedCaptcha:
    """Create a fresh captcha; asking again is how a client refreshes.

    Each is a database row until it expires, so a client (``context``) may
    only ask so often (RATE_LIMITS["captcha_ip"]).
    """
    if context is not None:
        try:
            ratelimit_hit("captcha_ip", context.ip_bucket)
        except RateLimited as refused:
            raise RateLimited(refused.retry_after, TOO_MANY) from None
    key = CaptchaStore.generate_key()
    return IssuedCaptcha(key=key, image_url=captcha_image_url(key))


def captcha_check(*, key: str, answer: str) -> None:
    """Pre-check an answer: a right one stays live, a wrong one is spent."""
    answer = _normalized(answer)
    store = _live_store(key)
    if not _is_right(store, answer):
        CaptchaStore.objects.filter(pk=store.pk).delete()
        raise CaptchaRejected(WRONG)


def captcha_consume(*, key: str, answer: str) -> None:
    """Verify and spend a captcha for a protected action, right or wrong."""
    answer = _normalized(answer)
    store = _live_store(key)
    # Only the caller whose DELETE removed the row may use it: two concurrent
    # requests with one key cannot both pass.
    deleted, _ = CaptchaStore.objects.filter(pk=store.pk).delete()
    if not deleted:
        raise CaptchaRejected(EXPIRED)
    if not _is_right(store, answer):
        raise CaptchaRejected(WRONG)


def captcha_delete_expired() -> int:
    deleted, _ = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return deleted


def _normalized(answer: str) -> str:
    answer = answer.strip().lower()
    if not answer:
        raise CaptchaRejected(MISSING)
    return answer


def _live_store(key: str) -> CaptchaStore:
    if not KEY_PATTERN.fullmatch(key):
        raise CaptchaRejected(EXPIRED)
    store = CaptchaStore.objects.filter(
        hashkey=key, expiration__gt=timezone.now()
    ).first()
    if store is None:
        raise CaptchaRejected(EXPIRED)
    return store


def _is_right(store: CaptchaStore, answer: str) -> bool:
    if len(answer) > MAX_ANSWER_LENGTH:
        return False
    if settings.HAIMA_CAPTCHA_TEST_MODE and answer == TEST_MODE_ANSWER:
        return True
    return constant_time_compare(store.response, answer)
