"""Rate limits as data (``"3/h"``) on atomic counters in the security cache.

Counters live in the ``security`` cache alias, which never swallows Redis
errors: when the counter store is down, limited actions fail instead of
silently becoming unlimited. Windows are fixed (count per period); the key
is hashed so no address or email lands in the cache in clear.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from .exceptions import RateLimited

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """Parse ``"<count>/<s|m|h|d>"`` or ``"<count>/<seconds>s"``."""
        count, _, per = text.partition("/")
        if per[-1] in PERIODS and per[:-1].isdigit():
            period = int(per[:-1]) * PERIODS[per[-1]]
        else:
            period = PERIODS[per]
        return cls(int(count), period)


def rate_for(name: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[name])


def _key(name: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"rl:{name}:{digest}:{window}"


def ratelimit_hit(name: str, identity: str) -> None:
    """Count one attempt; raise RateLimited once ``name``'s limit is passed."""
    rate = rate_for(name)
    now = time.time()
    window = int(now // rate.period)
    key = _key(name, identity, window)
    cache = caches["security"]
    cache.add(key, 0, timeout=rate.period + 1)
    if cache.incr(key) > rate.limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * rate.period - now)))


def ratelimit_count(name: str, identity: str) -> int:
    """Return the attempts counted in the current window."""
    rate = rate_for(name)
    key = _key(name, identity, int(time.time() // rate.period))
    return caches["security"].get(key, 0)


def ratelimit_clear(name: str, identity: str) -> None:
    rate = rate_for(name)
    caches["security"].delete(_key(name, identity, int(time.time() // rate.period)))
