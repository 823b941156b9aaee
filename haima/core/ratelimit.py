"""Rate limits as data (``"10/15m"``) on atomic counters in the security cache.

A window opens at the first counted attempt and lasts the period, so a
burst cannot straddle two clock-aligned windows. Counters live in the
``security`` cache alias, which never swallows Redis errors: when the counter
store is down, limited actions fail rather than silently becoming unlimited.
The identity is hashed, so no address or email lands in the cache in clear.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from .exceptions import RateLimited

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """Parse ``"<count>/<unit>"`` or ``"<count>/<n><unit>"``, unit in s m h d."""
        count, _, per = text.partition("/")
        multiple = int(per[:-1]) if per[:-1] else 1
        return cls(int(count), multiple * UNITS[per[-1]])


def rate_for(name: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[name])


class _Window:
    """One identity's count for one limit, in the security cache.

    On Redis (django-redis), INCR and EXPIRE NX go in one MULTI: atomic and
    one round trip, the window's end read back with TTL. Other caches (the
    embedded database cache) keep the window's start in a second key.
    """

    def __init__(self, name: str, identity: str):
        self.rate = rate_for(name)
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        self.count_key = f"rl:{name}:{digest}"
        self.start_key = f"{self.count_key}:start"
        self.cache = caches["security"]
        self.redis = _redis_client(self.cache)

    def record(self) -> int:
        if self.redis is not None:
            key = self.cache.make_key(self.count_key)
            with self.redis.pipeline() as pipe:
                pipe.incr(key).expire(key, self.rate.period, nx=True)
                count, _ = pipe.execute()
            return count
        return self._record_in_cache()

    def _record_in_cache(self) -> int:
        now, period = time.time(), self.rate.period
        self.cache.add(self.start_key, now, timeout=period)
        self.cache.add(self.count_key, 0, timeout=period)
        try:
            count = self.cache.incr(self.count_key)
        except ValueError:  # expired between add and incr: a new window
            self.cache.add(self.count_key, 1, timeout=period)
            return 1
        # A cache without INCR re-sets the value with the default timeout:
        # end the count with its window.
        start = self.cache.get(self.start_key) or now
        self.cache.touch(
            self.count_key, timeout=max(1, math.ceil(start + period - now))
        )
        return count

    def refuse(self) -> RateLimited:
        if self.redis is not None:
            remaining = self.redis.ttl(self.cache.make_key(self.count_key))
        else:
            start = self.cache.get(self.start_key) or time.time()
            remaining = start + self.rate.period - time.time()
        return RateLimited(retry_after=max(1, math.ceil(remaining)))


def _redis_client(cache):
    """The raw Redis client behind a django-redis cache, else None."""
    client = getattr(cache, "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def ratelimit_hit(name: str, identity: str) -> None:
    """Count one attempt; raise RateLimited once the limit is passed."""
    window = _Window(name, identity)
    if window.record() > window.rate.limit:
        raise window.refuse()


def ratelimit_record(name: str, identity: str) -> int:
    """Count one attempt (a failure, say) and return the count."""
    return _Window(name, identity).record()


def ratelimit_counts(limits: dict[str, str]) -> dict[str, int]:
    """Attempts counted for each ``{name: identity}``, in one read."""
    windows = {name: _Window(name, identity) for name, identity in limits.items()}
    counts = caches["security"].get_many([w.count_key for w in windows.values()])
    return {name: counts.get(w.count_key, 0) for name, w in windows.items()}


def ratelimit_reached(counts: dict[str, int]) -> set[str]:
    """Names in ``counts`` (from ratelimit_counts) whose limit is reached."""
    return {name for name, count in counts.items() if count >= rate_for(name).limit}


def ratelimit_refusal(name: str, identity: str) -> RateLimited:
    """The RateLimited error for a reached limit, with its Retry-After."""
    return _Window(name, identity).refuse()


def ratelimit_clear(limits: dict[str, str]) -> None:
    keys = []
    for name, identity in limits.items():
        window = _Window(name, identity)
        keys += [window.start_key, window.count_key]
    caches["security"].delete_many(keys)
