"""SMS codes (haima.sms.codes): six digits, hashed, timed, single use, five tries."""

import re
import threading
from collections import Counter

import pytest
from django.core.cache import caches
from django.db import connections

from haima.sms import codes
from haima.sms.codes import SmsCodeRejected, sms_code_issue, sms_code_verify

from .conftest import OTHER_PHONE, PHONE

pytestmark = pytest.mark.django_db  # the embedded security cache is a table

TRIES = 5


def issue(phone: str = PHONE, purpose: str = "login") -> str:
    return sms_code_issue(phone=phone, purpose=purpose)


def verify(code: str, phone: str = PHONE, purpose: str = "login") -> None:
    sms_code_verify(phone=phone, purpose=purpose, code=code)


def rejection(code: str, phone: str = PHONE, purpose: str = "login") -> str:
    """The reason ``code`` is refused; fails the test if it is accepted."""
    with pytest.raises(SmsCodeRejected) as raised:
        verify(code, phone, purpose)
    return raised.value.reason


def wrong(code: str) -> str:
    """A six-digit code that is not ``code``."""
    return f"{(int(code) + 1) % 10**6:06d}"


def in_parallel(count: int, action) -> list:
    """Run ``action(i)`` in ``count`` threads released together; its results,
    or the exceptions raised, in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except Exception as error:  # collected for the test to judge
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def outcome(result) -> str:
    return result.reason if isinstance(result, SmsCodeRejected) else repr(result)


@pytest.fixture
def redis():
    """The raw client of the security cache on this run's Redis db."""
    return caches["security"].client.get_client(write=True)


def test_codes_are_six_digits_with_leading_zeros_kept():
    issued = [issue(phone=f"+86138001380{n:02d}") for n in range(100)]
    issued += [issue(phone=f"+86139001390{n:02d}") for n in range(100)]
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in issued)
    # One in ten starts with 0; none in 200 would be a 1e-9 chance.
    assert any(code.startswith("0") for code in issued)
    assert len(set(issued)) > 190  # random, not a counter or a constant


def test_the_right_code_works_once():
    code = issue()
    verify(code)
    assert rejection(code) == "expired"


@pytest.mark.parametrize("attempt", ["", "1", "000000", "123456"])
def test_a_phone_with_no_code_never_matches(attempt):
    assert rejection(attempt) == "expired"


@pytest.mark.parametrize("attempt", ["", "1", " ", "12345", "1234567"])
def test_a_blank_or_malformed_code_does_not_match_a_live_one(attempt):
    code = issue()
    assert rejection(attempt) == "invalid"
    verify(code)  # a wrong try does not spend it


def test_a_code_works_only_for_its_phone_and_purpose():
    code = issue(PHONE, "login")
    issue(OTHER_PHONE, "login")
    issue(PHONE, "bind")
    assert rejection(code, OTHER_PHONE, "login") == "invalid"
    assert rejection(code, PHONE, "bind") == "invalid"
    verify(code, PHONE, "login")


def test_five_wrong_tries_spend_the_code():
    code = issue()
    reasons = [rejection(wrong(code)) for _ in range(TRIES)]
    assert reasons == ["invalid"] * TRIES
    assert rejection(code) == "spent"


def test_four_wrong_tries_then_the_right_code_works():
    code = issue()
    for _ in range(TRIES - 1):
        assert rejection(wrong(code)) == "invalid"
    verify(code)


def test_a_new_code_replaces_the_old_one():
    old = issue()
    new = issue()
    if new == old:  # one chance in a million: draw again
        new = issue()
    assert rejection(old) == "invalid"
    verify(new)


def test_a_new_code_gets_its_own_five_tries():
    old = issue()
    for _ in range(TRIES):
        rejection(wrong(old))
    new = issue()
    assert rejection(wrong(new)) == "invalid"
    verify(new)


@pytest.mark.services
def test_the_code_lives_sms_code_ttl_seconds(settings):
    settings.SMS_CODE_TTL = 120
    code = issue()
    cache = caches["security"]
    keys = cache.keys("sms:code:*")
    assert len(keys) == 2  # the phone's pointer and the code's record
    assert all(110 < cache.ttl(key) <= 120 for key in keys)

    cache.delete_many(keys)  # what Redis does when the TTL runs out
    assert rejection(code) == "expired"


@pytest.mark.services
def test_the_cache_never_holds_the_code_in_clear(redis):
    issued = [issue(PHONE, "login"), issue(OTHER_PHONE, "bind")]
    rejection(wrong(issued[0]))  # a try counter too
    stored = []
    for key in redis.scan_iter():
        stored.append(key)
        if redis.type(key) == b"string":
            stored.append(redis.get(key))
    assert any(b"sms:code:" in key for key in stored)  # the scan saw the codes
    for code in issued:
        assert not [blob for blob in stored if code.encode() in blob]


@pytest.mark.services
def test_of_concurrent_uses_of_the_right_code_exactly_one_wins():
    code = issue()
    results = in_parallel(8, lambda i: verify(code))
    assert results.count(None) == 1, [outcome(result) for result in results]
    assert all(isinstance(r, SmsCodeRejected) for r in results if r is not None)


@pytest.mark.services
def test_a_guess_past_the_fifth_cannot_take_the_code_from_a_try_comparing(
    monkeypatch,
):
    # The worst interleaving, made certain: the three tries past the fifth
    # finish while the five within it are still comparing the right code.
    code = issue()
    late, late_done, lock = [], threading.Event(), threading.Lock()
    local = threading.local()
    compare = codes.constant_time_compare

    def compare_after_the_late_tries(a, b):
        local.compared = True
        assert late_done.wait(10)
        return compare(a, b)

    def attempt(i: int) -> None:
        local.compared = False
        try:
            verify(code)
        finally:
            if not local.compared:
                with lock:
                    late.append(i)
                    if len(late) == 3:
                        late_done.set()

    monkeypatch.setattr(codes, "constant_time_compare", compare_after_the_late_tries)
    results = in_parallel(8, attempt)

    assert Counter(map(outcome, results)) == {"None": 1, "expired": 4, "spent": 3}


@pytest.mark.services
def test_parallel_wrong_guesses_get_five_comparisons_in_all(monkeypatch):
    compared = Counter()
    lock = threading.Lock()
    compare = codes.constant_time_compare

    def counted(a, b):
        with lock:
            compared["calls"] += 1
        return compare(a, b)

    monkeypatch.setattr(codes, "constant_time_compare", counted)
    code = issue()
    guesses = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 11)]

    results = in_parallel(10, lambda i: verify(guesses[i]))

    outcomes = Counter(map(outcome, results))
    assert outcomes["spent"] == 5  # the five past the cap: never compared
    # The others were compared, unless the fifth wrong one had already
    # deleted the code by the time they looked it up.
    assert outcomes["invalid"] + outcomes["expired"] == TRIES
    assert 1 <= compared["calls"] == outcomes["invalid"] <= TRIES
    assert rejection(code) == "spent"
