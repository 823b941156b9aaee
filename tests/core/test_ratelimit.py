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
    ratelimit_record,
)

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
    time.sleep(1.2)
    assert ratelimit_counts({"probe": "a"}) == {"probe": 0}
    assert ratelimit_record("probe", "a") == 1


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
