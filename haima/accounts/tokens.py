"""Tokens in emailed links: activation and password reset.

Activation tokens are signed (Django's signing, their own salt) and expire
after ACTIVATION_MAX_AGE. They sign the user's id and a fingerprint of the
state they change (active flag, activation time, email), so a used link, or
one sent to an address since replaced, fails as ``invalid``, also once staff
have deactivated the account it activated. A genuine link to an account that
is active now, and that no staff or address change has touched since, fails
as ``activated``: its owner only needs to sign in.

Password-reset tokens are Django's PasswordResetTokenGenerator's, which mixes
the password hash and last login into the hash: the link dies once used.
The user id travels with it as ``<uidb64>.<token>``, one string for the API.
"""

import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import User

ACTIVATION_SALT = "haima.accounts.activation"
UIDB64 = re.compile(r"[A-Za-z0-9_-]{1,20}")


class TokenError(Exception):
    def __init__(self, reason: str, user: User | None = None):
        super().__init__(reason)
        self.reason = reason  # "expired", "invalid" or "activated"
        self.user = user  # for "activated": whose link it was


def _fingerprint(user: User, *, is_active=None, activated_at=None) -> str:
    """The state an activation link was made for (by default ``user``'s now)."""
    if is_active is None:
        is_active, activated_at = user.is_active, user.activated_at
    state = f"{user.pk}:{is_active}:{activated_at}:{user.email}"
    return salted_hmac(ACTIVATION_SALT, state, algorithm="sha256").hexdigest()[:20]


def activation_token_make(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=ACTIVATION_SALT)


def activation_token_user(token: str) -> User:
    """Return the user the token is for, or raise TokenError."""
    try:
        payload = signing.loads(token, salt=ACTIVATION_SALT)
    except signing.BadSignature:
        raise TokenError("invalid") from None
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:
        raise TokenError("invalid")
    made_for = str(payload.get("f"))
    if user.is_active and user.activated_at is not None:
        waiting = _fingerprint(user, is_active=False, activated_at=None)
        if constant_time_compare(waiting, made_for):
            raise TokenError("activated", user)  # expired or not
    if not constant_time_compare(_fingerprint(user), made_for):
        raise TokenError("invalid")
    try:
        signing.loads(token, salt=ACTIVATION_SALT, max_age=settings.ACTIVATION_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenError("expired") from None
    return user


def password_reset_token_make(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}.{default_token_generator.make_token(user)}"


def password_reset_token_user(token: str) -> User:
    """Return the active user the token is for, or raise TokenError."""
    uid, _, user_token = token.partition(".")
    if not UIDB64.fullmatch(uid):  # base64 decoding would skip other characters
        raise TokenError("invalid")
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        raise TokenError("invalid") from None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, user_token):
        raise TokenError("invalid")
    return user
