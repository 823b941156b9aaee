"""Rate limits as data (``"10/15m"``) on atomic counters in the security cache.

A window opens at the first counted attempt and lasts the period, so a
burst cannot straddle two clock-aligned windows. Counters live in the
``security`` cache alias, which never swallows Redis errors: when the counter
store is down, limited actions fail rather than silently becoming unlimited.
The identity is hashed, so no address or email lands in the cache in clear.

Guards reserve first and decide after (``ratelimit_reserve``): the count an
attempt gets back already includes itself, so of N parallel attempts exactly
as many pass as the limit leaves, whatever the timing. A reservation that
turns out not to count (a refused or successful attempt) is given back with
``ratelimit_release``.
"""

import functools
import hashlib
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .exceptions import RateLimited

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_PATTERN = re.compile(
    r"(?P<count>[1-9][0-9]*)/(?P<multiple>[1-9][0-9]*)?(?P<unit>[smhd])"
)
# Count one attempt on each key, opening its window (the expiry) on the
# first: one command and one reply, where MULTI INCR EXPIRE ... EXEC parses
# a reply per command, which a captcha's issue notices.
RESERVE_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[i], 'NX')
end
return counts
"""
# Give a reservation back only while its window lives: a DECR on an expired
# key would make a -1 that never expires.
RELEASE_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
"""


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    @functools.cache  # a guard reads its rates on every request
    def parse(cls, text: str) -> "Rate":
        """Parse ``"<count>/<unit>"`` or ``"<count>/<n><unit>"``, unit in s m h d."""
        match = RATE_PATTERN.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a rate such as '10/15m' or '3/h'")
        multiple = int(match["multiple"] or 1)
        return cls(int(match["count"]), multiple * UNITS[match["unit"]])


def rate_for(name: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[name])


def rate_limits_check(rate_limits: dict[str, str]) -> None:
    """Raise ImproperlyConfigured naming the first limit that does not parse.

    Runs at start-up (haima.core.startup): a typo must stop the process, not
    answer 500 at the first request that counts.
    """
    for name, text in rate_limits.items():
        try:
            Rate.parse(text)
        except (ValueError, AttributeError) as error:
            raise ImproperlyConfigured(f"RATE_{name.upper()}: {error}") from None


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

    def record_in_cache(self, step: int = 1) -> int:
        # SQLite takes its write lock at BEGIN (IMMEDIATE, see settings): the
        # read and the write below cannot interleave with another process's.
        with transaction.atomic():
            now, period = time.time(), self.rate.period
            start = self.cache.get(self.start_key)
            count = self.cache.get(self.count_key, 0) if start else 0
            if start is None:
                if step < 0:
                    return 0  # the window has ended: nothing to give back
                start = now
                self.cache.set(self.start_key, start, timeout=period)
            count = max(0, count + step)
            remaining = max(1, math.ceil(start + period - now))
            self.cache.set(self.count_key, count, timeout=remaining)
            return count

    def retry_after(self, redis) -> int:
        if redis is not None:
            remaining = redis.ttl(self.cache.make_key(self.count_key))
        else:
            start = self.cache.get(self.start_key) or time.time()
            remaining = start + self.rate.period - time.time()
        return max(1, math.ceil(remaining))

    def refuse(self) -> RateLimited:
        return RateLimited(retry_after=self.retry_after(_redis_client()))


def _redis_client():
    """The raw Redis client behind the security cache (django-redis), else None."""
    client = getattr(caches["security"], "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def _windows(limits: dict[str, str]) -> dict[str, _Window]:
    return {name: _Window(name, identity) for name, identity in limits.items()}


def ratelimit_reserve(limits: dict[str, str]) -> dict[str, int]:
    """Count one attempt against each ``{name: identity}``; return the counts.

    The counts include this attempt. All counters move in one round trip.
    """
    windows = _windows(limits)
    redis = _redis_client()
    if redis is None:
        return {name: w.record_in_cache() for name, w in windows.items()}
    keys = [w.cache.make_key(w.count_key) for w in windows.values()]
    periods = [w.rate.period for w in windows.values()]
    counts = redis.eval(RESERVE_SCRIPT, len(keys), *keys, *periods)
    return dict(zip(windows, counts, strict=True))


def ratelimit_release(limits: dict[str, str]) -> None:
    """Give back one reserved attempt on each ``{name: identity}``."""
    windows = _windows(limits)
    redis = _redis_client()
    if redis is None:
        for window in windows.values():
            window.record_in_cache(step=-1)
        return
    keys = [w.cache.make_key(w.count_key) for w in windows.values()]
    redis.eval(RELEASE_SCRIPT, len(keys), *keys)


def ratelimit_hit(name: str, identity: str) -> None:
    """Count one attempt; raise RateLimited once the limit is passed."""
    if ratelimit_reserve({name: identity})[name] > rate_for(name).limit:
        raise ratelimit_refusal(name, identity)


def ratelimit_counts(limits: dict[str, str]) -> dict[str, int]:
    """Attempts counted for each ``{name: identity}``, in one read."""
    windows = _windows(limits)
    counts = caches["security"].get_many([w.count_key for w in windows.values()])
    return {name: counts.get(w.count_key, 0) for name, w in windows.items()}


def ratelimit_reached(counts: dict[str, int]) -> set[str]:
    """Names in ``counts`` (from ratelimit_counts) whose limit is reached."""
    return {name for name, count in counts.items() if count >= rate_for(name).limit}


def ratelimit_passed(counts: dict[str, int]) -> list[str]:
    """Names in ``counts`` (from ratelimit_reserve) whose limit this attempt passed."""
    return [name for name, count in counts.items() if count > rate_for(name).limit]


def ratelimit_refusal(name: str, identity: str) -> RateLimited:
    """The RateLimited error for a reached limit, with its Retry-After."""
    return _Window(name, identity).refuse()


def ratelimit_retry_after(name: str, identity: str) -> int:
    """Seconds until the window of ``name`` for ``identity`` ends."""
    return _Window(name, identity).retry_after(_redis_client())


def ratelimit_clear(limits: dict[str, str] | Iterable[tuple[str, str]]) -> None:
    """Forget the counts of ``{name: identity}`` (or ``(name, identity)`` pairs)."""
    pairs = limits.items() if isinstance(limits, dict) else limits
    on_redis = _redis_client() is not None  # only the fallback has start keys
    keys = []
    for name, identity in pairs:
        window = _Window(name, identity)
        keys += [window.count_key] if on_redis else [window.count_key, window.start_key]
    caches["security"].delete_many(keys)
