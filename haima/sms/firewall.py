"""The cost firewall: who may make the site send a text message, and how often.

SMS pumping (bots making a site text premium numbers) costs real shops real
money, so every send passes, after a solved captcha:

- per phone: a cooldown (SMS_RESEND_COOLDOWN), 5 an hour, 10 a day, below
  Aliyun's own flow control (1/min, 5/h, 10/d) so that ours refuses first;
- per client IP (IPv6 by /64): 20 a day;
- for the whole site: SMS_DAILY_BUDGET a day, past which sends stop with a
  503 and an error is logged once per window;
- a phone Aliyun has answered ``isv.BUSINESS_LIMIT_CONTROL`` for waits as
  long as Aliyun said.

Each refusal is a 429 (the budget: 503) with Retry-After. Every counter is
reserved before deciding, so parallel requests cannot overshoot, and a
refused request gives its reservations back.
"""

import hashlib
import logging
import math
import time
from http import HTTPStatus

from django.core.cache import caches
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, RateLimited
from haima.core.ratelimit import (
    rate_for,
    ratelimit_passed,
    ratelimit_release,
    ratelimit_reserve,
    ratelimit_retry_after,
)

logger = logging.getLogger(__name__)

PER_PHONE = ("sms_phone_cooldown", "sms_phone_hour", "sms_phone_day")
SITE = "sms_site_day"
TOO_OFTEN = _("Too many codes for this number or network; please try again later.")
COOLING_DOWN = _("A code was just sent; you can ask for another in %(seconds)d s.")
# Aliyun's BUSINESS_LIMIT_CONTROL message names the limit that was hit.
PROVIDER_WAITS = (("分钟", 60), ("小时", 3600), ("天", 86400))


class SmsBudgetExhausted(ApplicationError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_message = _("Text messages are unavailable for now; please try later.")

    def __init__(self, retry_after: int):
        super().__init__(reason="sms_unavailable", retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}


def _blocked_key(phone: str) -> str:
    return "sms:provider-blocked:" + hashlib.sha256(phone.encode()).hexdigest()[:32]


def sms_send_reserve(*, phone: str, context: RequestContext) -> dict[str, str]:
    """Reserve one send to ``phone``; return the reservations, or refuse.

    Raises RateLimited (429) or SmsBudgetExhausted (503). The caller gives
    the reservations back (``ratelimit_release``) if the send cannot go out.
    """
    cache = caches["security"]
    blocked_until = cache.get(_blocked_key(phone))
    if blocked_until:
        raise RateLimited(max(1, math.ceil(blocked_until - time.time())), TOO_OFTEN)
    limits = {name: phone for name in PER_PHONE}
    limits.update({"sms_ip_day": context.ip_bucket, SITE: "site"})
    passed = ratelimit_passed(ratelimit_reserve(limits))
    if not passed:
        return limits
    ratelimit_release(limits)
    waits = {name: ratelimit_retry_after(name, limits[name]) for name in passed}
    if SITE in waits and len(waits) == 1:
        if cache.add("sms:budget-alarm", 1, timeout=waits[SITE]):
            logger.error(
                "SMS daily budget of %d reached: sends refused for %d s",
                rate_for(SITE).limit,  # SMS_DAILY_BUDGET, or RATE_SMS_SITE_DAY
                waits[SITE],
            )
        raise SmsBudgetExhausted(waits[SITE])
    waits.pop(SITE, None)
    if list(waits) == ["sms_phone_cooldown"]:
        wait = waits["sms_phone_cooldown"]
        raise RateLimited(wait, gettext(COOLING_DOWN) % {"seconds": wait})
    raise RateLimited(max(waits.values()), TOO_OFTEN)


def sms_provider_block(*, phone: str, provider_message: str) -> None:
    """Hold sends to ``phone`` after Aliyun's flow control refused one."""
    wait = next(
        (seconds for word, seconds in PROVIDER_WAITS if word in provider_message),
        3600,
    )
    caches["security"].set(_blocked_key(phone), time.time() + wait, timeout=wait)
