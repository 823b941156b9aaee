"""Tokens in the email-change links: the confirmation and "this was not me".

The confirmation link goes to the NEW address. It is signed (Django's
signing, its own salt) with the user's id, the new address and a fingerprint
of the account's address now, and expires after EMAIL_CHANGE_MAX_AGE: once
the address has changed (by this link or another), the fingerprint no longer
matches and the link is ``invalid``; it is single use without any storage.

The "this was not me" link goes to the OLD address with the notice of the
change. It signs the user's id and that change (old and new address, and
when), expires after NOT_ME_MAX_AGE, and is spent in the ``security`` cache
the first time it locks the account: a fingerprint of the account's state
would not do, since whoever changed the address may change that state (the
password, say) and so kill the owner's link.
"""

import hashlib

from django.core import signing
from django.core.cache import caches
from django.utils.crypto import constant_time_compare, salted_hmac

from haima.accounts.models import User
from haima.accounts.tokens import TokenError

EMAIL_CHANGE_SALT = "haima.centre.email_change"
NOT_ME_SALT = "haima.centre.email_not_me"
EMAIL_CHANGE_MAX_AGE = 24 * 3600  # seconds
NOT_ME_MAX_AGE = 7 * 24 * 3600


def _email_fingerprint(user: User) -> str:
    state = f"{user.pk}:{(user.email or '').lower()}"
    return salted_hmac(EMAIL_CHANGE_SALT, state, algorithm="sha256").hexdigest()[:20]


def _loads(token: str, *, salt: str, max_age: int) -> dict:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise TokenError("expired") from None
    except signing.BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    return payload


def email_change_token_make(*, user: User, email: str) -> str:
    return signing.dumps(
        {"u": user.pk, "e": email, "f": _email_fingerprint(user)},
        salt=EMAIL_CHANGE_SALT,
    )


def email_change_token_read(token: str) -> tuple[User, str]:
    """Return the user and the new address of a live link, or raise TokenError."""
    payload = _loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None or not constant_time_compare(
        _email_fingerprint(user), str(payload.get("f"))
    ):
        raise TokenError("invalid")
    return user, str(payload["e"])


def not_me_token_make(*, user: User, old_email: str, new_email: str) -> str:
    return signing.dumps(
        {"u": user.pk, "o": old_email, "n": new_email}, salt=NOT_ME_SALT
    )


def _spent_key(token: str) -> str:
    return f"centre:not-me-spent:{hashlib.sha256(token.encode()).hexdigest()}"


def not_me_token_read(token: str) -> tuple[User, str, str]:
    """Return the user, old and new address of a live, unspent "not me" link."""
    payload = _loads(token, salt=NOT_ME_SALT, max_age=NOT_ME_MAX_AGE)
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None or caches["security"].get(_spent_key(token)) is not None:
        raise TokenError("invalid")
    return user, str(payload.get("o")), str(payload.get("n"))


def not_me_token_spend(token: str) -> bool:
    """Mark the link used; False if it already was (atomic ``add``)."""
    return caches["security"].add(_spent_key(token), 1, timeout=NOT_ME_MAX_AGE + 60)
