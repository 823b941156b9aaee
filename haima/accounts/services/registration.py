"""Sign-up: create an inactive user and queue the activation email.

Whether a username or an address is taken shows only to whoever solved the
captcha (RegistrationForm checks it first), and each network may try
``RATE_LIMITS["register_ip"]`` sign-ups: guessing who is registered costs a
captcha a guess, and a bounded number of guesses an hour.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from haima.audit.services import Kind, event_record
from haima.core.context import RequestContext
from haima.core.exceptions import ValidationFailed
from haima.core.ratelimit import ratelimit_hit
from haima.core.text import validate_visible_text

from ..emails import activation_email_queue
from ..models import User
from ..usernames import USERNAME_REQUIRED, normalize_username, validate_username

USERNAME_TAKEN = _("A user with that username already exists.")
EMAIL_TAKEN = _("A user with that email already exists.")
USERNAME_AVAILABLE = _("This username is available.")
USERNAME_IN_USE = _("This username is taken.")


def registration_attempt_count(*, context: RequestContext) -> None:
    """Count a sign-up attempt from the client's network; RateLimited past the limit.

    Every attempt counts, before the captcha or any field is looked at, right
    or wrong, so the limit also bounds how many captchas a network may try.
    """
    ratelimit_hit("register_ip", context.ip_bucket)


def username_available(*, username: str, context: RequestContext) -> bool:
    """Whether ``username`` is free, for the sign-up page as the user types.

    Usernames are public names (shown to others), so telling whether one is
    taken discloses nothing private; an email address is never looked up
    this way. Counted per network (``username_check_ip``) so the answer is
    not a free bulk directory. ValidationFailed for a name the rules refuse,
    with the words the sign-up form would use.
    """
    ratelimit_hit("username_check_ip", context.ip_bucket)
    name = normalize_username(username)
    try:
        if not name:
            raise ValidationError(USERNAME_REQUIRED)
        validate_visible_text(username)
        validate_username(name)
    except ValidationError as error:
        raise ValidationFailed.single(error.messages[0], "username") from None
    return not User.objects.filter(username__iexact=name).exists()


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
    event_record(Kind.REGISTERED, user=user, typed=email, code="email")
    return user


def _taken(error: IntegrityError) -> ValidationFailed:
    text = str(error).lower()
    if "email" in text:
        return ValidationFailed.single(EMAIL_TAKEN, "email")
    if "username" in text:
        return ValidationFailed.single(USERNAME_TAKEN, "username")
    raise error
