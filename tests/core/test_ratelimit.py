"""Rate limits: parsed from settings, windows opened by the first attempt."""

import time

import pytest

from haima.core.exceptions import RateLimited
from haima.core.ratelimit import (
    Rate,
    ratelimit_clear,
    ratelimit_counts,
    ratelimit_hit,
    ratelimit_reached,
    ratelimit_release,
    ratelimit_reserve,
)


def ratelimit_record(name, identity) -> int:
    return ratelimit_reserve({name: identity})[name]


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = {"probe": "2/1s", "other": "5/15m"}


@pytest.mark.parametrize(
    ("text", "rate"),
    [("3/h", Rate(3, 3600)), ("10/15m", Rate(10, 900)), ("2/1s", Rate(2, 1)),
     ("20/d", Rate(20, 86400))],
)  # fmt: skip
def test_parse(text, rate):
    assert Rate.parse(text) == rate


def test_hit_refuses_past_the_limit_with_retry_after():
    ratelimit_hit("other", "a")
    ratelimit_hit("other", "a")
    for _ in range(3):
        ratelimit_hit("other", "a")
    with pytest.raises(RateLimited) as caught:
        ratelimit_hit("other", "a")
    assert 890 <= caught.value.retry_after <= 900
    assert caught.value.headers == {"Retry-After": str(caught.value.retry_after)}
    ratelimit_hit("other", "b")  # another identity has its own count


def test_a_window_ends_and_the_count_starts_again():
    ratelimit_record("probe", "a")
    ratelimit_record("probe", "a")
    assert ratelimit_reached(ratelimit_counts({"probe": "a"})) == {"probe"}
    time.sleep(1.2)  # the one test of real expiry: Redis's own clock
    assert ratelimit_counts({"probe": "a"}) == {"probe": 0}
    assert ratelimit_record("probe", "a") == 1


def test_reserve_counts_this_attempt_and_release_gives_it_back():
    assert ratelimit_reserve({"other": "a", "probe": "b"}) == {"other": 1, "probe": 1}
    assert ratelimit_reserve({"other": "a"}) == {"other": 2}
    ratelimit_release({"other": "a", "probe": "b"})
    assert ratelimit_counts({"other": "a", "probe": "b"}) == {"other": 1, "probe": 0}


def test_release_after_the_window_ended_leaves_nothing_behind():
    ratelimit_release({"other": "gone"})
    assert ratelimit_counts({"other": "gone"}) == {"other": 0}
    assert ratelimit_reserve({"other": "gone"}) == {"other": 1}


@pytest.mark.services
def test_parallel_reservations_get_distinct_counts():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def reserve(_):
        try:
            return ratelimit_reserve({"other": "burst"})["other"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        counts = sorted(pool.map(reserve, range(8)))
    assert counts == list(range(1, 9))


@pytest.mark.parametrize("text", ["10", "10/", "0/m", "x/m", "3/w", "3/-1m", "/m"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError, match=text.replace("/", ".")):
        Rate.parse(text)


def test_counts_and_clear_many_at_once():
    ratelimit_record("probe", "a")
    ratelimit_record("other", "b")
    assert ratelimit_counts({"probe": "a", "other": "b"}) == {"probe": 1, "other": 1}
    ratelimit_clear({"probe": "a", "other": "b"})
    assert ratelimit_counts({"probe": "a", "other": "b"}) == {"probe": 0, "other": 0}


def test_identities_are_not_stored_in_clear():
    from django.core.cache import caches

    ratelimit_record("other", "ming@example.cn")
    cache = caches["security"]
    if hasattr(cache, "keys"):  # django-redis
        assert not [k for k in cache.keys("*") if "ming" in k]
