"""SMS verification codes: six digits, hashed, timed, single use, five tries.

A code lives in the security cache only as an HMAC keyed with SECRET_KEY
(a plain hash of six digits is reversed in a second), under a random id:

- ``sms:code:<purpose>:<phone hash>`` points to the live id, so one phone
  has one live code per purpose and a new code replaces the old one;
- ``sms:code:<id>`` holds the HMAC for SMS_CODE_TTL seconds.

Each try is reserved on the ``sms_code_tries`` counter of the id before the
comparison (haima.core.ratelimit), so parallel guesses get five tries in
all; the fifth wrong one deletes the code. A right code is used by deleting
it: the cache's delete reports whether it removed the key, so of two
concurrent verifications of one code exactly one wins. A phone with no live
code never matches (the tutorial's placeholder made a missing code equal
"1").
"""

import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from haima.core.exceptions import ApplicationError
from haima.core.ratelimit import rate_for, ratelimit_reserve

DIGITS = 6
MESSAGES = {
    "invalid": _("The verification code is wrong."),
    "expired": _("The verification code has expired or was never sent; get a new one."),
    "spent": _("Too many wrong codes; this one no longer works. Get a new one."),
}


class SmsCodeRejected(ApplicationError):
    """400 with ``reason`` invalid, expired or spent, shown on the code field."""

    def __init__(self, reason: str):
        message = MESSAGES[reason]
        super().__init__(message, reason=reason, errors={"code": [str(message)]})
        self.reason = reason


def _cache():
    return caches["security"]


def _pointer_key(phone: str, purpose: str) -> str:
    digest = hashlib.sha256(phone.encode()).hexdigest()[:32]
    return f"sms:code:{purpose}:{digest}"


def _digest(phone: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "haima.sms.codes", f"{purpose}:{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def sms_code_issue(*, phone: str, purpose: str) -> str:
    """Make the phone's one live code for ``purpose``; return it to be sent."""
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    code_id = secrets.token_hex(16)
    ttl = settings.SMS_CODE_TTL
    cache = _cache()
    pointer = _pointer_key(phone, purpose)
    previous = cache.get(pointer)
    cache.set(f"sms:code:{code_id}", _digest(phone, purpose, code), timeout=ttl)
    cache.set(pointer, code_id, timeout=ttl)
    if previous:
        cache.delete(f"sms:code:{previous}")
    return code


def sms_code_discard(*, phone: str, purpose: str) -> None:
    """Forget the phone's live code (it could not be sent)."""
    cache = _cache()
    code_id = cache.get(_pointer_key(phone, purpose))
    if code_id:
        cache.delete(f"sms:code:{code_id}")


def sms_code_verify(*, phone: str, purpose: str, code: str) -> None:
    """Use the phone's live code if ``code`` is it; raise SmsCodeRejected if not."""
    cache = _cache()
    code_id = cache.get(_pointer_key(phone, purpose))
    if not code_id:
        raise SmsCodeRejected("expired")
    record_key = f"sms:code:{code_id}"
    tries = ratelimit_reserve({"sms_code_tries": code_id})["sms_code_tries"]
    allowed = rate_for("sms_code_tries").limit
    digest = cache.get(record_key)
    if digest is None:
        raise SmsCodeRejected("spent" if tries > allowed else "expired")
    if tries > allowed:
        # Not deleted here: a try within the five may still be comparing, and
        # it deletes the code itself (used, or the fifth wrong one). Deleting
        # it here could make that try lose a right code to a late guess.
        raise SmsCodeRejected("spent")
    # Full-width digits from a Chinese input method are the same code.
    typed = unicodedata.normalize("NFKC", code).strip()
    if not constant_time_compare(digest, _digest(phone, purpose, typed)):
        if tries == allowed:
            cache.delete(record_key)
        raise SmsCodeRejected("invalid")
    if not cache.delete(record_key):  # a concurrent verification used it first
        raise SmsCodeRejected("expired")
