"""Activation tokens: signed, expiring after ACTIVATION_MAX_AGE, single use.

The token signs the user's id and a fingerprint of the state it may change
(active flag, email). Activating flips the flag, so the same link then fails
as ``invalid``; so does a link sent to an email address since replaced.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import User

SALT = "haima.accounts.activation"


class ActivationTokenError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def _fingerprint(user: User) -> str:
    state = f"{user.pk}:{user.is_active}:{user.email}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:20]


def activation_token_make(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=SALT)


def activation_token_user(token: str) -> User:
    """Return the inactive user the token is for, or raise ActivationTokenError."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.ACTIVATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ActivationTokenError("expired") from None
    except signing.BadSignature:
        raise ActivationTokenError("invalid") from None
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None or not constant_time_compare(
        _fingerprint(user), str(payload.get("f"))
    ):
        raise ActivationTokenError("invalid")
    return user
