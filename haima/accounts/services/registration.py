"""Sign-up: create an inactive user and queue the activation email.

Whether a username or an address is taken shows only to whoever solved the
captcha (RegistrationForm checks it first), and each network may try
``RATE_LIMITS["register_ip"]`` sign-ups: guessing who is registered costs a
captcha a guess, and a bounded number of guesses an hour.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed
from haima.core.ratelimit import ratelimit_hit

from ..emails import activation_email_queue
from ..models import User

USERNAME_TAKEN = _("A user with that username already exists.")
EMAIL_TAKEN = _("A user with that email already exists.")


def registration_attempt_count(*, context: RequestContext) -> None:
    """Count a sign-up attempt from the client's network; RateLimited past the limit.

    Every attempt counts, before the captcha or any field is looked at, right
    or wrong, so the limit also bounds how many captchas a network may try.
    """
    ratelimit_hit("register_ip", context.ip_bucket)


def user_register(*, username: str, email: str, password: str) -> User:
    """Create the inactive user and queue its activation email, atomically.

    Inputs are already validated (RegistrationForm). The database's unique
    constraints decide between concurrent sign-ups of one name or email: the
    loser gets the same field error as a sequential duplicate.
    """
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email=email, password=password, is_active=False
            )
            activation_email_queue(user=user)
    except IntegrityError as error:
        raise _taken(error) from None
    return user


def _taken(error: IntegrityError) -> ValidationFailed:
    text = str(error).lower()
    if "email" in text:
        return ValidationFailed.single(EMAIL_TAKEN, "email")
    if "username" in text:
        return ValidationFailed.single(USERNAME_TAKEN, "username")
    raise error
